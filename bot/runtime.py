"""Serves the configured channels in one process, with the outbox and the background loops.

Each channel (bot/channels.py) is started in turn; one that cannot reach its API is retried
in the background with capped backoff (bot/channel.py) while the others, the page, the
scheduler and the outbox run on. With no chat token, `bot run` serves the page and the phone
notices only. SIGINT or SIGTERM stops everything within `STOP_GRACE_SECONDS` or so.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Callable, Sequence

from bot import scheduler
from bot.app import App, open_app
from bot.channel import BackgroundLoops, ChannelHealth, ChatChannel, Host, start_or_keep_trying
from bot.channels import configured_channels
from bot.inbound import UpdateRunner, keep_tidy
from bot.nomination_drafts import expire_drafts_loop
from bot.outbox import OutboxDispatcher, Sender
from bot.zns_client import erase_phones_loop
from config.settings import Settings
from handlers.reminders import ReminderRules
from handlers.texts import channels as t

log = logging.getLogger(__name__)

#: After the stop signal, running work (a Zalo long poll in flight, an update being handled)
#: gets this long before it is cancelled: the process is gone within 5 s of SIGTERM.
STOP_GRACE_SECONDS = 3.0
#: Updates being handled get this much of it; the rest resume at the next start.
RUNNER_GRACE_SECONDS = 1.0
#: Channels a person chats on; without one, `bot run` is the page and the phone notices.
CHAT_CHANNELS = frozenset({"telegram", "zalo", "console"})


def background_loops() -> BackgroundLoops:
    """The loops beside the channels; the scheduler adds itself (bot/scheduler.install)."""
    loops = BackgroundLoops()
    loops.add(expire_drafts_loop)
    loops.add(erase_phones_loop)
    scheduler.install(loops)
    return loops


async def serve(
    settings: Settings,
    *,
    console: bool = False,
    build: Callable[[App, ChannelHealth], Sequence[ChatChannel]] | None = None,
) -> None:
    """Run the configured channels and the outbox until SIGINT or SIGTERM (or console EOF).

    Telegram (TDKT_TELEGRAM_TOKEN) and Zalo (TDKT_ZALO_TOKEN) long-poll, or, with
    TDKT_PUBLIC_URL, register their webhooks on the page's server; ZNS sends phone notices;
    `console` adds this terminal as a chat. The outbox gets each channel once it is up, so a
    notice waits (rather than fails) while its channel is down. `build` replaces
    `configured_channels` (tests).
    """
    app = await open_app(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(signum, stop.set)
    runner = UpdateRunner(app.services.inbound, app.services.clock)
    host = Host(app=app, runner=runner, stop=stop, webhooks=settings.public_url is not None)
    health = ChannelHealth(app.services.clock)
    channels: Sequence[ChatChannel] = []
    try:
        channels = (build or _configured(console))(app, health)
        await run_channels(app, host, health, channels)
    finally:
        log.info("stopping")
        await shut_down(app, host, channels)


def _configured(console: bool) -> Callable[[App, ChannelHealth], Sequence[ChatChannel]]:
    return lambda app, health: configured_channels(app, health, console=console)


async def start_all(
    app: App, host: Host, health: ChannelHealth, channels: Sequence[ChatChannel]
) -> dict[str, Sender]:
    """Start every channel in turn; the outbox's senders, filled as each channel comes up.

    A channel that cannot reach its API is retried in the background (bot/channel.py); until
    it is up it is not among the senders, so its notices wait in the outbox, not die there.
    """
    senders: dict[str, Sender] = {}
    if not any(channel.name in CHAT_CHANNELS for channel in channels):
        log.info(t.PAGE_ONLY)
    # Each channel class says whether it shows buttons; elsewhere choices are numbered.
    app.core.button_channels = frozenset(c.name for c in channels if c.has_buttons)

    def on_up(channel: ChatChannel) -> None:
        if channel.sends:
            senders[channel.name] = channel  # the outbox takes the channel's notices from now

    for channel in channels:
        await start_or_keep_trying(channel, host, health, on_up)
    return senders


async def run_channels(
    app: App, host: Host, health: ChannelHealth, channels: Sequence[ChatChannel]
) -> None:
    """Start the channels, then the outbox and the background loops; wait for stop."""
    settings = app.settings
    senders = await start_all(app, host, health, channels)
    rules = ReminderRules.from_settings(settings)
    dispatcher = OutboxDispatcher(
        app.services.outbox, senders, app.services.clock, quiet=rules.quiet_at(settings.tz)
    )
    host.spawn(dispatcher.run(host.stop))
    host.spawn(keep_tidy(host.runner, app.services.public_files, host.stop))
    for background in background_loops():
        host.spawn(background(app, host.stop))
    await host.stop.wait()


async def shut_down(app: App, host: Host, channels: Sequence[ChatChannel]) -> None:
    """Give running work a short grace, cancel what is left, stop the channels, close.

    The channels stop last: an update still being handled may send its reply through them.
    """
    host.stop.set()
    if host.tasks:
        await asyncio.sleep(0)  # let the on_stop callbacks run (the server's exit, the console)
        _done, pending = await asyncio.wait(host.tasks, timeout=STOP_GRACE_SECONDS)
        for task in pending:
            # A Zalo long poll in flight is cut off: an update it was being handed is lost.
            task.cancel()
        await asyncio.gather(*host.tasks, return_exceptions=True)
    await host.runner.close(grace=RUNNER_GRACE_SECONDS)
    for channel in reversed(channels):
        try:
            await channel.stop()
        except Exception:
            log.exception("%s channel did not stop cleanly", channel.name)
    await app.close()
