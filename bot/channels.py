"""The five channels behind one interface (bot/channel.py): Telegram, Zalo, the console, the
lookup page and ZNS phone notices. `configured_channels` picks the ones the settings ask for.

Adding a channel: a `ChatChannel` subclass here (its name, buttons, webhook, start, send, stop)
and one line in `configured_channels`; the runtime, the outbox and the web server take it
from there.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Sequence
from typing import Any

import httpx
from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError, TelegramError
from telegram.request import BaseRequest

from bot.app import App
from bot.channel import (
    TELEGRAM_POLLING,
    ZALO_POLLING,
    ChannelHealth,
    ChannelUnavailable,
    ChatChannel,
    Host,
    Webhook,
    lead_then,
)
from bot.console_channel import CHAT_ID, run_console
from bot.console_sender import console_sender
from bot.redaction import redact
from bot.telegram_channel import TelegramSender, TelegramUpdates, build_application, set_webhook
from bot.web import WebServer, bind, build_web_app, webhook_secret
from bot.zalo_channel import ZaloChannel, ZaloSender
from bot.zalo_client import Sleep, ZaloClient, ZaloError, ZaloNetworkError
from bot.zns_client import ZnsSender, build_zns_sender, zns_configured
from handlers.reminders import ReminderRules
from handlers.roles import Role
from handlers.texts import channels as t
from handlers.texts import console as tconsole

log = logging.getLogger(__name__)

#: Zalo errors that mean "this token is not accepted"; anything else is the network or Zalo.
ZALO_REFUSALS = frozenset({401, 403, 404})


def citizen_menu(app: App) -> list[tuple[str, str]]:
    return [(c.name, c.description) for c in app.core.router.commands_for(Role.citizen.value)]


class TelegramChat(ChatChannel):
    """Telegram through python-telegram-bot: long poll, or a webhook at PUBLIC_URL/telegram."""

    name = "telegram"
    has_buttons = True
    token_setting = "TDKT_TELEGRAM_TOKEN"

    def __init__(
        self,
        app: App,
        *,
        request: BaseRequest | None = None,
        get_updates_request: BaseRequest | None = None,
    ) -> None:
        settings = app.settings
        assert settings.telegram_token is not None
        self.settings = settings
        self.token = settings.telegram_token.get_secret_value()
        self.application = build_application(
            app.core,
            settings.telegram_token.get_secret_value(),
            base_url=settings.telegram_base_url,
            request=request,
            get_updates_request=get_updates_request,
            commands=citizen_menu(app),
        )
        self.sender = TelegramSender(self.application, rate=settings.send_rate)
        self.rate = float(settings.send_rate)
        self.per_chat_interval = TelegramSender.per_chat_interval
        self.source = TelegramUpdates(self.application)
        self.secret = (
            webhook_secret(settings.telegram_webhook_secret, "TDKT_TELEGRAM_WEBHOOK_SECRET")
            if settings.public_url is not None
            else None
        )
        self._post_init_done = False

    def webhook(self) -> Webhook | None:
        if self.secret is None:
            return None
        return Webhook(self.source, self.source.secret_header, self.secret)

    async def start(self, host: Host) -> None:
        application = self.application
        # getMe: the token and the network both answer here.
        await _telegram_call(application.initialize(), self.token)
        if not self._post_init_done and application.post_init is not None:
            await application.post_init(application)
            self._post_init_done = True
        if not application.running:
            await application.start()
        if host.webhooks:
            url = f"{self.settings.public_url}/{self.name}"
            assert self.secret is not None
            await _telegram_call(set_webhook(application, url, self.secret), self.token)
            await host.runner.resume(self.source)
            log.info("%s webhook at %s", self.name, url)
        else:
            assert application.updater is not None
            updater = application.updater
            if not updater.running:

                async def polling() -> None:
                    call = updater.start_polling(drop_pending_updates=False)
                    await _telegram_call(call, self.token)

                if await host.app.services.db.lead(TELEGRAM_POLLING):
                    await polling()
                else:  # another instance polls: take over when it goes
                    host.spawn(lead_then(host, TELEGRAM_POLLING, polling))
        detail = f"@{application.bot.username}"
        log.info(t.CHANNEL_STARTED.format(channel=self.name, detail=detail))

    async def send(self, chat_id: str, payload: dict[str, Any]) -> None:
        await self.sender.send(chat_id, payload)

    async def stop(self) -> None:
        application = self.application
        if application.updater is not None and application.updater.running:
            await application.updater.stop()
        if application.running:
            await application.stop()
        try:
            await application.shutdown()
        except RuntimeError:
            pass  # never initialized (the network was down all along)


async def _telegram_call(call: Awaitable[Any], token: str) -> Any:
    """Await a Bot API call, turning "cannot reach" and "token refused" into ChannelUnavailable.

    The detail goes to the log and /healthz: python-telegram-bot quotes the token in
    InvalidToken's message, so it is cut out here whatever the log's redaction does.
    """

    def detail(exc: Exception) -> str:
        return redact(f"{type(exc).__name__}: {exc}".replace(token, "<TDKT_TELEGRAM_TOKEN>"))

    try:
        return await call
    except (InvalidToken, Forbidden) as exc:
        raise ChannelUnavailable("refused", detail(exc)) from None
    except BadRequest as exc:  # a NetworkError by class, but Telegram did answer
        raise ChannelUnavailable("refused", detail(exc)) from None
    except NetworkError as exc:  # DNS, refused connection, timeout, TLS, 5xx
        raise ChannelUnavailable("network", detail(exc)) from None
    except TelegramError as exc:
        raise ChannelUnavailable("refused", detail(exc)) from None


class ZaloChat(ChatChannel):
    """The Zalo Bot API: long poll, or a webhook at PUBLIC_URL/zalo."""

    name = "zalo"
    token_setting = "TDKT_ZALO_TOKEN"

    def __init__(
        self,
        app: App,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        backoff_sleep: Sleep | None = None,
    ) -> None:
        settings = app.settings
        assert settings.zalo_token is not None
        self.settings = settings
        self.client = ZaloClient(
            settings.zalo_token.get_secret_value(),
            base_url=settings.zalo_base_url,
            transport=transport,
        )
        self.source = ZaloChannel(
            app.core, self.client, public_url=settings.public_url, backoff_sleep=backoff_sleep
        )
        self.sender = ZaloSender(
            self.client,
            rate=settings.send_rate,
            conversations=app.services.conversations,
            clock=app.services.clock,
        )
        self.rate = float(settings.send_rate)
        self.per_chat_interval = ZaloSender.per_chat_interval
        self.secret = (
            webhook_secret(settings.zalo_webhook_secret, "TDKT_ZALO_WEBHOOK_SECRET")
            if settings.public_url is not None
            else None
        )
        self._polling = False

    def webhook(self) -> Webhook | None:
        if self.secret is None:
            return None
        return Webhook(self.source, self.source.secret_header, self.secret)

    async def start(self, host: Host) -> None:
        me = await _zalo_call(self.client.get_me())
        if host.webhooks:
            url = f"{self.settings.public_url}/{self.name}"
            assert self.secret is not None
            await _zalo_call(self.client.set_webhook(url, self.secret))
            await host.runner.resume(self.source)
            log.info("%s webhook at %s", self.name, url)
        elif not self._polling:
            self._polling = True
            source = self.source

            async def polling() -> None:
                await host.runner.resume(source)
                await source.poll(host.runner, host.stop)

            host.spawn(lead_then(host, ZALO_POLLING, polling))
        detail = str(me.get("account_name") or me.get("id") or "?")
        log.info(t.CHANNEL_STARTED.format(channel=self.name, detail=detail))

    async def send(self, chat_id: str, payload: dict[str, Any]) -> None:
        await self.sender.send(chat_id, payload)

    async def stop(self) -> None:
        await self.client.aclose()


async def _zalo_call(call: Awaitable[Any]) -> Any:
    try:
        return await call
    except ZaloNetworkError as exc:
        raise ChannelUnavailable("network", str(exc)) from None
    except ZaloError as exc:
        # A 5xx or a malformed answer is Zalo's trouble, not a refused token: "network".
        reason = "refused" if exc.code in ZALO_REFUSALS else "network"
        raise ChannelUnavailable(reason, str(exc)) from None


class ConsoleChat(ChatChannel):
    """This terminal as one more chat beside the served channels (`run --console`)."""

    name = "console"
    ends_process = True
    rate = 1000.0
    per_chat_interval = 0.0

    def __init__(self, app: App) -> None:
        self.app = app
        self.sender = console_sender(app.services, CHAT_ID)
        self._task: asyncio.Task[Any] | None = None

    async def start(self, host: Host) -> None:
        banner = [tconsole.DATABASE_LINE.format(path=self.app.db.path)]

        async def chat() -> None:
            try:
                await run_console(self.app.core, banner=banner)
            finally:
                host.stop.set()  # input closed: the process ends with it

        self._task = host.spawn(chat())
        host.on_stop(self._task.cancel)  # waiting on a line that may never come

    async def send(self, chat_id: str, payload: dict[str, Any]) -> None:
        await self.sender.send(chat_id, payload)

    async def stop(self) -> None:
        if self._task is not None and not self._task.done():
            self._task.cancel()


class WebPage(ChatChannel):
    """The web server: the lookup page, /healthz, reply files, and the channels' webhooks."""

    name = "web"
    sends = False

    def __init__(
        self,
        app: App,
        webhooks: Sequence[Webhook],
        watched: Sequence[str],
        channel_health: ChannelHealth,
    ) -> None:
        self.app = app
        self.webhooks = list(webhooks)
        self.watched = list(watched)
        self.channel_health = channel_health
        self.server: WebServer | None = None

    async def start(self, host: Host) -> None:
        settings = self.app.settings
        # Bound before any chat channel starts: a busy port fails before a webhook points here
        # (a SystemExit, not retried: it is a setting to fix).
        sock = bind(settings.http_host, settings.http_port)
        quiet = ReminderRules.from_settings(settings).quiet_at(settings.tz)
        web_app = build_web_app(
            self.app.services,
            host.runner,
            self.webhooks,
            channels=self.watched,
            quiet=quiet,
            channel_health=self.channel_health,
        )
        self.server = WebServer(web_app, sock)

        async def serve() -> None:
            assert self.server is not None
            try:
                await self.server.serve()
            finally:
                host.stop.set()  # the server died: stop the rest rather than run half

        host.spawn(serve())
        host.on_stop(self.server.stop)
        log.info("listening on %s:%d", settings.http_host, settings.http_port)

    async def stop(self) -> None:
        if self.server is not None:
            self.server.stop()


class ZnsNotices(ChatChannel):
    """Zalo Notification Service: status notices to the phone on the dossier, send only."""

    name = "zns"

    def __init__(self, app: App, *, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.app = app
        self.transport = transport
        self.sender: ZnsSender | None = None
        self.client: httpx.AsyncClient | None = None

    async def start(self, host: Host) -> None:
        built = build_zns_sender(
            self.app.settings,
            self.app.services.db,
            self.app.services.clock,
            transport=self.transport,
        )
        if built is None:  # configured_channels checked: only a settings change gets here
            raise ChannelUnavailable("refused", "ZNS is not configured")
        self.sender, self.client = built
        self.rate = float(self.sender.rate)
        self.per_chat_interval = float(self.sender.per_chat_interval)

    async def send(self, chat_id: str, payload: dict[str, Any]) -> None:
        assert self.sender is not None
        await self.sender.send(chat_id, payload)

    async def stop(self) -> None:
        if self.client is not None:
            await self.client.aclose()


def chat_channels(app: App, *, console: bool = False) -> list[ChatChannel]:
    """The channels the settings ask for, the page aside: chats first, then phone notices."""
    settings = app.settings
    channels: list[ChatChannel] = []
    if settings.telegram_token is not None:
        channels.append(TelegramChat(app))
    if settings.zalo_token is not None:
        channels.append(ZaloChat(app))
    if zns_configured(settings):
        channels.append(ZnsNotices(app))
    if console:
        channels.append(ConsoleChat(app))
    return channels


def configured_channels(
    app: App, channel_health: ChannelHealth, *, console: bool = False
) -> list[ChatChannel]:
    """Every channel to start, in order: the page first (when there is a public URL)."""
    channels = chat_channels(app, console=console)
    if app.settings.public_url is None:
        return channels
    webhooks = [hook for hook in (channel.webhook() for channel in channels) if hook is not None]
    watched = [channel.name for channel in channels if channel.sends]
    return [WebPage(app, webhooks, watched, channel_health), *channels]
