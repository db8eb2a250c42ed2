"""Serves the configured channels in one process, with the outbox dispatcher beside them."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import signal
from collections.abc import Awaitable, Callable
from typing import Any

from bot.app import App, open_app
from bot.nomination_drafts import expire_drafts_loop
from bot.outbox import OutboxDispatcher, Sender
from bot.zns_client import build_zns_sender, erase_phones_loop
from config.settings import Settings
from handlers.reminders import ReminderRules
from handlers.roles import Role

log = logging.getLogger(__name__)

#: Extra background loops (the reminder scheduler, ...): each gets the app and a stop event.
BackgroundLoop = Callable[[App, asyncio.Event], Awaitable[None]]
BACKGROUND_LOOPS: list[BackgroundLoop] = [expire_drafts_loop, erase_phones_loop]
#: The advisory locks of the polling channels (one instance at a time polls each).
TELEGRAM_POLLING, ZALO_POLLING = "telegram-polling", "zalo-polling"
#: How often an instance that does not poll asks whether the polling one has gone (≤ 30 s).
STANDBY_SECONDS = 15.0


def citizen_menu(app: App) -> list[tuple[str, str]]:
    return [(c.name, c.description) for c in app.core.router.commands_for(Role.citizen.value)]


async def serve(settings: Settings, *, console: bool = False) -> None:
    """Run the configured channels and the outbox until SIGINT or SIGTERM (or console EOF).

    Telegram (TDKT_TELEGRAM_TOKEN) and Zalo (TDKT_ZALO_TOKEN) long-poll, or, with
    TDKT_PUBLIC_URL, register their webhooks there and are served by bot/web.py; `console`
    adds this terminal as a chat. The outbox dispatcher gets one sender per running channel,
    so every notice goes out on the channel of the chat it is for.
    """
    from bot.inbound import UpdateRunner, keep_tidy
    from bot.scheduler import install as install_scheduler
    from bot.telegram_channel import TelegramSender, build_application

    install_scheduler()  # the reminder tick (issue 4) runs beside every channel
    app = await open_app(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(signum, stop.set)
    senders: dict[str, Sender] = {}
    application = None
    zalo = None
    zns_client = None
    web = None
    runner = UpdateRunner(app.services.inbound, app.services.clock)
    tasks: list[asyncio.Task[None]] = []
    try:
        # Bind first: a busy port must fail before any webhook points at it.
        sock = None
        if settings.public_url is not None:
            from bot.web import bind

            sock = bind(settings.http_host, settings.http_port)
        if settings.telegram_token is not None:
            application = build_application(
                app.core,
                settings.telegram_token.get_secret_value(),
                base_url=settings.telegram_base_url,
                commands=citizen_menu(app),
            )
            await application.initialize()
            if application.post_init is not None:
                await application.post_init(application)
            await application.start()
            if sock is None:
                assert application.updater is not None
                updater = application.updater
                polling = functools.partial(updater.start_polling, drop_pending_updates=False)
                if await app.services.db.lead(TELEGRAM_POLLING):
                    await polling()
                else:  # another instance polls (Telegram refuses two: 409 Conflict)
                    tasks.append(
                        asyncio.create_task(_take_over(app, TELEGRAM_POLLING, polling, stop))
                    )
            senders["telegram"] = TelegramSender(application, rate=settings.send_rate)
            log.info("telegram channel started as @%s", application.bot.username)
        if settings.zalo_token is not None:
            from bot.zalo_channel import start_zalo

            zalo, senders["zalo"] = await start_zalo(app.core, settings)
            if sock is None:
                zalo_polling = functools.partial(_resume_and_poll, runner, zalo, stop)
                tasks.append(asyncio.create_task(_take_over(app, ZALO_POLLING, zalo_polling, stop)))
        if sock is not None:
            from bot.web import start_webhooks

            web = await start_webhooks(app, settings, runner, sock, application, zalo)
            tasks.append(asyncio.create_task(_until_done(web.serve(), stop)))
        zns = build_zns_sender(settings, app.services.db, app.services.clock)
        if zns is not None:  # phone notices (issue 13) go out beside the chat channels
            senders["zns"], zns_client = zns
        if console:
            from bot.console_channel import CHAT_ID
            from bot.console_sender import ConsoleSender

            senders["console"] = ConsoleSender(CHAT_ID)
            tasks.append(asyncio.create_task(_until_done(_console(app), stop)))
        rules = ReminderRules.from_settings(settings)
        dispatcher = OutboxDispatcher(
            app.services.outbox,
            senders,
            app.services.clock,
            quiet=rules.quiet_at(settings.tz),
        )
        tasks.append(asyncio.create_task(dispatcher.run(stop)))
        tasks.append(asyncio.create_task(keep_tidy(runner, app.services.public_files, stop)))
        tasks += [asyncio.create_task(background(app, stop)) for background in BACKGROUND_LOOPS]
        await stop.wait()
    finally:
        log.info("stopping")
        stop.set()
        if web is not None:
            web.stop()
        # The Zalo long poll in flight is let finish (≤ 30 s): cut off, its update is lost.
        await asyncio.gather(*tasks, return_exceptions=True)
        await runner.close()
        if application is not None:
            if application.updater is not None and application.updater.running:
                await application.updater.stop()
            if application.running:
                await application.stop()
            await application.shutdown()
        if zalo is not None:
            await zalo.client.aclose()
        if zns_client is not None:
            await zns_client.aclose()
        await app.close()


async def _take_over(
    app: App, job: str, start: Callable[[], Awaitable[Any]], stop: asyncio.Event
) -> None:
    """Start polling once this instance leads `job`, asking every STANDBY_SECONDS: with
    several instances (PostgreSQL) one polls, and another takes over when it dies."""
    while not stop.is_set():
        try:
            leads = await app.services.db.lead(job)
        except Exception:
            log.exception("could not tell which instance runs %s", job)
            leads = False
        if leads:
            await start()
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=STANDBY_SECONDS)


async def _resume_and_poll(runner: Any, zalo: Any, stop: asyncio.Event) -> None:
    await runner.resume(zalo)
    await zalo.poll(runner, stop)


async def _until_done(work: Awaitable[None], stop: asyncio.Event) -> None:
    """Run `work`; when it ends (the console's input closed, the server died) stop the rest."""
    try:
        await work
    finally:
        stop.set()


async def _console(app: App) -> None:
    from bot.console_channel import run_console
    from handlers.texts import console as tconsole

    banner = [tconsole.DATABASE_LINE.format(path=app.db.path)]
    await run_console(app.core, banner=banner)
