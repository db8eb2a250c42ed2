"""Serves the configured channels in one process, with the outbox dispatcher beside them."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Awaitable, Callable

from bot.app import App, open_app
from bot.outbox import OutboxDispatcher, Sender
from config.settings import Settings
from handlers.roles import Role

log = logging.getLogger(__name__)

#: Extra background loops (the reminder scheduler, ...): each gets the app and a stop event.
BackgroundLoop = Callable[[App, asyncio.Event], Awaitable[None]]
BACKGROUND_LOOPS: list[BackgroundLoop] = []


def citizen_menu(app: App) -> list[tuple[str, str]]:
    return [(c.name, c.description) for c in app.core.router.commands_for(Role.citizen.value)]


async def serve(settings: Settings) -> None:
    """Run Telegram (long polling) and the outbox until SIGINT or SIGTERM."""
    from bot.telegram_channel import TelegramSender, build_application

    app = await open_app(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(signum, stop.set)
    senders: dict[str, Sender] = {}
    application = None
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
        assert application.updater is not None
        await application.updater.start_polling(drop_pending_updates=False)
        senders["telegram"] = TelegramSender(application, rate=settings.send_rate)
        log.info("telegram channel started as @%s", application.bot.username)
    dispatcher = OutboxDispatcher(app.services.outbox, senders, app.services.clock)
    tasks = [asyncio.create_task(dispatcher.run(stop))]
    tasks += [asyncio.create_task(background(app, stop)) for background in BACKGROUND_LOOPS]
    try:
        await stop.wait()
    finally:
        log.info("stopping")
        stop.set()
        await asyncio.gather(*tasks, return_exceptions=True)
        if application is not None:
            if application.updater is not None and application.updater.running:
                await application.updater.stop()
            await application.stop()
            await application.shutdown()
        await app.close()
