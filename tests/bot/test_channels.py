"""Each channel starts and fails on its own (bot/channel.py, bot/channels.py, bot/runtime.py).

Fake Telegram and Zalo APIs on httpx.MockTransport, some raising network errors; the backoff
waits are injected (zero-length awaits), never slept.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from telegram.request import HTTPXRequest

from bot.app import App
from bot.channel import (
    RETRY_CAP_SECONDS,
    RETRY_FIRST_SECONDS,
    ChannelHealth,
    ChatChannel,
    Host,
    backoff_delays,
    start_or_keep_trying,
)
from bot.channels import (
    TelegramChat,
    WebPage,
    ZaloChat,
    ZnsNotices,
    chat_channels,
    configured_channels,
)
from bot.inbound import UpdateRunner
from bot.outbox import OutboxDispatcher
from bot.runtime import shut_down, start_all
from config.settings import ROOT, Settings, load_settings
from db.connection import Database
from handlers.router import BotCore, Router
from handlers.services import Services
from tests.bot.test_zalo import TOKEN as ZALO_TOKEN
from tests.bot.test_zalo import FakeZalo
from tests.bot.test_zns import new_key
from tests.conftest import MovableClock
from tests.fakes import TOKEN as TELEGRAM_TOKEN
from tests.fakes import FakeBotApi, Updates
from tests.test_readme_example import free_port

ZALO_SECRET = "zalo-secret-0123456789"
TELEGRAM_HEADER = "X-Telegram-Bot-Api-Secret-Token"
CHAT = "e4ea2cd5189df1c3a88c"


class Network:
    """A switch in front of a fake API: down, every request fails as a DNS failure would."""

    def __init__(self, handler: Any) -> None:
        self.handler = handler
        self.down = False
        self.refused: int | None = None
        self.tries = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.tries += 1
        if self.down:
            raise httpx.ConnectError("[Errno -3] Temporary failure in name resolution")
        if self.refused is not None:
            body = {"ok": False, "error_code": self.refused, "description": "Unauthorized"}
            return httpx.Response(self.refused, json=body)
        return self.handler(request)  # type: ignore[no-any-return]


def served_settings(settings: Settings, **changes: Any) -> Settings:
    secrets = load_settings(
        _env_file=None,
        telegram_token=TELEGRAM_TOKEN,
        zalo_token=ZALO_TOKEN,
        zalo_webhook_secret=ZALO_SECRET,
    )
    update = {
        "telegram_token": secrets.telegram_token,
        "zalo_token": secrets.zalo_token,
        "zalo_webhook_secret": secrets.zalo_webhook_secret,
        **changes,
    }
    return settings.model_copy(update=update)


@pytest.fixture
def app(settings: Settings, db: Database, services: Services, core: BotCore) -> App:
    configured = served_settings(
        settings, public_url="https://bot.example.vn", http_port=free_port()
    )
    services.settings = configured
    return App(settings=configured, db=db, services=services, core=core)


@pytest.fixture
def tg_net() -> Network:
    return Network(FakeBotApi().handler)


@pytest.fixture
def zalo_api() -> FakeZalo:
    return FakeZalo()


@pytest.fixture
def zalo_net(zalo_api: FakeZalo) -> Network:
    return Network(zalo_api.handler)


def telegram_on(app: App, net: Network) -> TelegramChat:
    transport = httpx.MockTransport(net)
    return TelegramChat(
        app,
        request=HTTPXRequest(httpx_kwargs={"transport": transport}),
        get_updates_request=HTTPXRequest(httpx_kwargs={"transport": transport}),
    )


def zalo_on(app: App, net: Network) -> ZaloChat:
    async def no_wait(_seconds: float) -> None:
        await asyncio.sleep(0)

    return ZaloChat(app, transport=httpx.MockTransport(net), backoff_sleep=no_wait)


@pytest.fixture
async def host(app: App, services: Services) -> AsyncIterator[Host]:
    runner = UpdateRunner(services.inbound, services.clock)
    made = Host(app=app, runner=runner, stop=asyncio.Event(), webhooks=True)
    yield made
    made.stop.set()
    for task in made.tasks:
        task.cancel()
    await asyncio.gather(*made.tasks, return_exceptions=True)
    await runner.close(grace=0)


class Waits:
    """The injected backoff sleep: records each wait and returns at once."""

    def __init__(self) -> None:
        self.seen: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.seen.append(seconds)
        await asyncio.sleep(0)


def test_backoff_doubles_from_5_seconds_up_to_5_minutes() -> None:
    assert (RETRY_FIRST_SECONDS, RETRY_CAP_SECONDS) == (5.0, 300.0)
    delays = backoff_delays()
    assert [next(delays) for _ in range(9)] == [5, 10, 20, 40, 80, 160, 300, 300, 300]
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    assert "is tried again after 5 s, then 10, 20, … at most every 5 minutes" in readme


async def test_telegram_unreachable_logs_one_network_line_and_zalo_still_starts(
    app: App,
    host: Host,
    tg_net: Network,
    zalo_net: Network,
    zalo_api: FakeZalo,
    caplog: pytest.LogCaptureFixture,
) -> None:
    tg_net.down = True
    channels = [telegram_on(app, tg_net), zalo_on(app, zalo_net)]
    health = ChannelHealth(app.services.clock)
    with caplog.at_level(logging.INFO):
        senders = await start_all(app, host, health, channels)

    assert list(senders) == ["zalo"]  # Telegram's notices wait in the outbox
    lines = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(lines) == 1
    assert lines[0].getMessage().startswith("Kênh telegram: không kết nối được tới máy chủ")
    assert "từ chối" not in lines[0].getMessage()
    assert "thử lại sau 5 giây" in lines[0].getMessage()
    assert TELEGRAM_TOKEN not in caplog.text
    assert health.report()["telegram"]["state"] == "down"
    assert health.report()["telegram"]["reason"] == "network"
    assert health.report()["zalo"]["state"] == "up"
    assert zalo_api.sent("setWebhook")  # Zalo registered its webhook all the same
    for channel in channels:
        await channel.stop()


async def test_a_zalo_network_failure_is_not_a_refusal(
    app: App, host: Host, zalo_net: Network, caplog: pytest.LogCaptureFixture
) -> None:
    zalo_net.down = True
    zalo = zalo_on(app, zalo_net)
    health = ChannelHealth(app.services.clock)
    with caplog.at_level(logging.ERROR):
        assert not await start_or_keep_trying(zalo, host, health, lambda _c: None)
    (line,) = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert line.startswith("Kênh zalo: không kết nối được tới máy chủ")
    assert "từ chối" not in line and ZALO_TOKEN not in line
    await zalo.stop()


async def test_a_refused_token_says_so_and_names_the_setting(
    app: App, host: Host, tg_net: Network, zalo_net: Network, caplog: pytest.LogCaptureFixture
) -> None:
    tg_net.refused = 401
    zalo_net.refused = 401
    health = ChannelHealth(app.services.clock)
    channels = [telegram_on(app, tg_net), zalo_on(app, zalo_net)]
    with caplog.at_level(logging.ERROR):
        for channel in channels:
            assert not await start_or_keep_trying(channel, host, health, lambda _c: None)
    lines = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert lines[0].startswith("Kênh telegram: máy chủ từ chối mã truy cập TDKT_TELEGRAM_TOKEN")
    assert lines[1].startswith("Kênh zalo: máy chủ từ chối mã truy cập TDKT_ZALO_TOKEN")
    assert {state["reason"] for state in health.report().values()} == {"refused"}
    # python-telegram-bot quotes the refused token; neither the log nor /healthz repeats it.
    assert TELEGRAM_TOKEN not in caplog.text and TELEGRAM_TOKEN not in str(health.report())
    for channel in channels:
        await channel.stop()


async def test_a_fallen_channel_is_retried_with_capped_backoff_until_it_comes_up(
    app: App, host: Host, tg_net: Network, caplog: pytest.LogCaptureFixture
) -> None:
    tg_net.down = True
    telegram = telegram_on(app, tg_net)
    health = ChannelHealth(app.services.clock)
    waits = Waits()
    came_up: list[str] = []
    outage = 9  # failed tries before the network comes back

    def delays() -> Iterator[float]:
        for delay in backoff_delays():
            if len(waits.seen) + 1 >= outage:
                tg_net.down = False
            yield delay

    with caplog.at_level(logging.INFO):
        started = await start_or_keep_trying(
            telegram,
            host,
            health,
            lambda channel: came_up.append(channel.name),
            sleep=waits,
            delays=delays(),
        )
        assert not started
        await asyncio.gather(*host.tasks)  # the retry task ends once the channel is up

    assert came_up == ["telegram"]
    assert waits.seen[:8] == [5, 10, 20, 40, 80, 160, 300, 300]
    assert max(waits.seen) == 300
    assert health.report()["telegram"]["state"] == "up"
    assert "Kênh telegram đã hoạt động trở lại." in caplog.text
    await telegram.stop()


async def test_healthz_names_the_channel_that_is_down_and_its_webhook_waits(
    app: App, host: Host, tg_net: Network, zalo_net: Network
) -> None:
    tg_net.down = True
    health = ChannelHealth(app.services.clock)
    channels = [telegram_on(app, tg_net), zalo_on(app, zalo_net)]
    webhooks = [hook for hook in (c.webhook() for c in channels) if hook is not None]
    page = WebPage(app, webhooks, [c.name for c in channels], health)
    await start_all(app, host, health, [page, *channels])
    assert page.server is not None
    transport = httpx.ASGITransport(app=page.server.server.config.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        report = await client.get("/healthz")
        lookup = await client.get("/tra-cuu")
        secret = channels[0].webhook()
        assert secret is not None
        waiting = await client.post(
            "/telegram", json=Updates().text("/start"), headers={TELEGRAM_HEADER: secret.secret}
        )
    assert report.status_code == 503
    body = report.json()
    assert body["problems"] == ["channel_down:telegram"]
    assert body["channels"]["telegram"]["state"] == "down"
    assert body["channels"]["telegram"]["reason"] == "network"
    assert body["channels"]["zalo"]["state"] == "up"
    assert body["channels"]["web"]["state"] == "up"
    assert lookup.status_code == 200  # the page serves citizens all the same
    assert waiting.status_code == 503  # Telegram delivers it again once the channel is up
    host.stop.set()
    await shut_down(app, host, [page, *channels])


async def test_the_channels_register_their_webhooks_on_the_page(
    app: App, host: Host, tg_net: Network, zalo_net: Network, zalo_api: FakeZalo
) -> None:
    """Moved from test_web's start_webhooks test: each channel registers its own route."""
    api = FakeBotApi()
    tg_net.handler = api.handler
    health = ChannelHealth(app.services.clock)
    channels = configured_channels(app, health)
    assert [c.name for c in channels] == ["web", "telegram", "zalo"]
    channels[1] = telegram_on(app, tg_net)
    channels[2] = zalo_on(app, zalo_net)
    webhooks = [hook for hook in (c.webhook() for c in channels[1:]) if hook is not None]
    page = WebPage(app, webhooks, ["telegram", "zalo"], health)
    await start_all(app, host, health, [page, *channels[1:]])
    (telegram_hook,) = [call for call in api.calls if call.method == "setWebhook"]
    assert telegram_hook.params["url"] == "https://bot.example.vn/telegram"
    # No secret configured: a random one, long enough, and the same the app checks.
    assert len(telegram_hook.params["secret_token"]) >= 32
    (zalo_hook,) = zalo_api.sent("setWebhook")
    assert zalo_hook.params == {"url": "https://bot.example.vn/zalo", "secret_token": ZALO_SECRET}
    assert page.server is not None
    transport = httpx.ASGITransport(app=page.server.server.config.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        update = Updates().text("/start")
        refused = await client.post("/telegram", json=update, headers={TELEGRAM_HEADER: "x" * 40})
        assert refused.status_code == 403
        accepted = await client.post(
            "/telegram",
            json=update,
            headers={TELEGRAM_HEADER: telegram_hook.params["secret_token"]},
        )
        assert accepted.status_code == 200
    await host.runner.drain()
    assert len(api.sent()) == 1
    await shut_down(app, host, [page, *channels[1:]])


async def test_healthz_watches_the_zns_backlog_when_phone_notices_are_on(
    settings: Settings, db: Database, services: Services, clock: MovableClock, host: Host
) -> None:
    """ZNS sends from this process beside the chats: its stuck notices make /healthz 503."""
    secrets = load_settings(_env_file=None, zns_access_token="t", phone_key=new_key())
    configured = settings.model_copy(
        update={
            "public_url": "https://bot.example.vn",
            "http_port": free_port(),
            "zns_template_status": "123456",
            "zns_access_token": secrets.zns_access_token,
            "phone_key": secrets.phone_key,
        }
    )
    app = App(settings=configured, db=db, services=services, core=BotCore(Router(), services))
    host.app = app
    await services.outbox.enqueue(
        key="z1", channel="zns", chat_id="dossier-1", payload={"text": "x"}, at=services.now()
    )
    health = ChannelHealth(services.clock)
    channels = configured_channels(app, health)
    # No chat token: the page and the phone notices only.
    assert [c.name for c in channels] == ["web", "zns"]
    senders = await start_all(app, host, health, channels)
    assert list(senders) == ["zns"]
    page = channels[0]
    assert isinstance(page, WebPage) and page.server is not None
    transport = httpx.ASGITransport(app=page.server.server.config.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        fresh = await client.get("/healthz")
        clock.advance(minutes=20)
        stuck = await client.get("/healthz")
    assert fresh.status_code == 200
    assert fresh.json()["last_sent"] == {"zns": None}
    assert stuck.status_code == 503
    assert stuck.json()["problems"] == ["outbox_backlog:zns"]
    await shut_down(app, host, channels)


async def test_notices_of_a_down_channel_wait_while_the_others_go_out(
    app: App, host: Host, tg_net: Network, zalo_net: Network, zalo_api: FakeZalo
) -> None:
    tg_net.down = True
    services = app.services
    channels: list[ChatChannel] = [telegram_on(app, tg_net), zalo_on(app, zalo_net)]
    health = ChannelHealth(services.clock)
    senders = await start_all(app, host, health, channels)
    for channel, chat in (("telegram", "42"), ("zalo", CHAT)):
        await services.outbox.enqueue(
            key=f"n-{channel}",
            channel=channel,
            chat_id=chat,
            payload={"text": "Hồ sơ đã có kết quả"},
            at=services.now(),
        )
    dispatcher = OutboxDispatcher(services.outbox, senders, services.clock)
    assert await dispatcher.run_once() == 1
    assert zalo_api.texts(CHAT) == ["Hồ sơ đã có kết quả"]
    counts = await services.outbox.counts()
    assert counts.get("dead", 0) == 0 and counts.get("pending") == 1
    host.stop.set()
    await shut_down(app, host, channels)


def test_each_channel_class_declares_what_the_runtime_needs(app: App) -> None:
    assert TelegramChat.has_buttons and not ZaloChat.has_buttons
    assert not WebPage.sends and ZnsNotices.sends
    names = [channel.name for channel in chat_channels(app, console=True)]
    assert names == ["telegram", "zalo", "console"]


async def test_buttons_follow_the_channel_classes(app: App, host: Host, zalo_net: Network) -> None:
    health = ChannelHealth(app.services.clock)
    channels: list[ChatChannel] = [zalo_on(app, zalo_net)]
    await start_all(app, host, health, channels)
    assert app.core.button_channels == frozenset()
    await shut_down(app, host, channels)
