"""The channel interface (kênh): start, send, stop; and the keeper that restarts a fallen one.

Every channel (console, Telegram, Zalo, the lookup page, ZNS) is one `ChatChannel` subclass
in bot/channels.py. A class declares what the runtime needs to know about it: its name, its
webhook route, whether it shows buttons, whether it sends notices for the outbox, and whether
the process ends when it does. `bot/runtime.serve` starts the configured ones in a loop.

A channel whose API cannot be reached raises `ChannelUnavailable` from `start`: the runtime
logs one line saying whether the network failed or the token was refused, keeps the other
channels, the page and the outbox running, and tries again with capped backoff
(`RETRY_FIRST_SECONDS`, doubling, at most `RETRY_CAP_SECONDS`). `/healthz` shows each
channel's state from `ChannelHealth`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Coroutine, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from bot.outbox import PermanentError
from handlers.texts import channels as t

if TYPE_CHECKING:
    from bot.app import App
    from bot.inbound import UpdateRunner, UpdateSource

log = logging.getLogger(__name__)

#: The first wait before starting a fallen channel again; each failure doubles it...
RETRY_FIRST_SECONDS = 5.0
#: ...up to this: a channel blocked for days is tried every 5 minutes, not hammered.
RETRY_CAP_SECONDS = 300.0

Reason = Literal["network", "refused"]
Sleep = Callable[[float], Awaitable[None]]
#: Background work beside the channels (the reminder tick, ...): the app and a stop event.
BackgroundLoop = Callable[["App", asyncio.Event], Awaitable[None]]


class ChannelUnavailable(Exception):
    """The channel's API cannot be used now: `network` (unreachable) or `refused` (token)."""

    def __init__(self, reason: Reason, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason: Reason = reason
        self.detail = detail


@dataclass(frozen=True)
class Webhook:
    """A channel served at `POST /<route>`: its updates and the secret it must present."""

    source: UpdateSource
    secret_header: str
    secret: str


@dataclass
class Host:
    """What a channel gets to start: the app, the update runner, the stop event, its tasks."""

    app: App
    runner: UpdateRunner
    stop: asyncio.Event
    #: TDKT_PUBLIC_URL is set: chat channels register webhooks instead of long-polling.
    webhooks: bool = False
    tasks: list[asyncio.Task[Any]] = field(default_factory=list)

    def spawn(self, work: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        """Run `work` beside the channels; it is awaited when the process stops."""
        task = asyncio.create_task(work)
        self.tasks.append(task)
        return task

    def on_stop(self, callback: Callable[[], object]) -> None:
        """Call `callback` as soon as the stop event is set (end a server, a blocked read)."""

        async def wait_then_call() -> None:
            await self.stop.wait()
            callback()

        self.spawn(wait_then_call())


#: The advisory locks of the polling channels: Telegram refuses two pollers (409 Conflict), so
#: with several instances on PostgreSQL one polls each and another takes over when it dies.
TELEGRAM_POLLING, ZALO_POLLING = "telegram-polling", "zalo-polling"
#: How often an instance that does not poll asks whether the polling one has gone (≤ 30 s).
STANDBY_SECONDS = 15.0


async def lead_then(
    host: Host, job: str, start: Callable[[], Awaitable[Any]], *, standby: float = STANDBY_SECONDS
) -> None:
    """Run `start` once this instance leads `job`, asking every `standby` seconds until then
    (db.lead: always at once on SQLite, one process per file)."""
    while not host.stop.is_set():
        try:
            leads = await host.app.services.db.lead(job)
        except Exception:
            log.exception("could not tell which instance runs %s", job)
            leads = False
        if leads:
            await start()
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(host.stop.wait(), timeout=standby)


class ChatChannel(ABC):
    """One channel: `start` connects it, `send` delivers an outbox payload, `stop` ends it."""

    #: The channel's name: the outbox's and the conversations' `channel` column.
    name: ClassVar[str]
    #: Choices shown as buttons (Telegram); elsewhere numbered lines answered by number.
    has_buttons: ClassVar[bool] = False
    #: The outbox gives it notices (status changes, reminders) to send.
    sends: ClassVar[bool] = True
    #: Outbox limits: messages per second overall, seconds between two to one chat.
    rate: float = 30.0
    per_chat_interval: float = 1.0
    #: The process stops when this channel ends (the console's input closed).
    ends_process: ClassVar[bool] = False
    #: The setting that holds its token, named in the "token refused" line.
    token_setting: ClassVar[str] = ""

    def webhook(self) -> Webhook | None:
        """The route the web server takes this channel's updates on, when it has one."""
        return None

    @abstractmethod
    async def start(self, host: Host) -> None:
        """Connect; raise ChannelUnavailable when the API cannot be reached or refuses."""

    async def send(self, chat_id: str, payload: dict[str, Any]) -> None:
        """Deliver one outbox payload, raising the outbox's SendError kinds."""
        raise PermanentError(f"the {self.name} channel sends no notices")

    @abstractmethod
    async def stop(self) -> None:
        """Disconnect; safe to call when `start` failed or never ran."""


@dataclass
class ChannelState:
    state: Literal["starting", "up", "down"]
    since: datetime
    reason: Reason | None = None
    detail: str = ""
    #: When the next start is tried (a down channel only).
    retry_at: datetime | None = None


class ChannelHealth:
    """Each configured channel's state, for /healthz and the logs."""

    def __init__(self, clock: Callable[[], datetime]) -> None:
        self.clock = clock
        self.states: dict[str, ChannelState] = {}

    def starting(self, name: str) -> None:
        self.states[name] = ChannelState("starting", self.clock())

    def up(self, name: str) -> None:
        self.states[name] = ChannelState("up", self.clock())

    def down(self, name: str, error: ChannelUnavailable, retry_in: float) -> None:
        now = self.clock()
        since = self.states[name].since if self._was_down(name) else now
        self.states[name] = ChannelState(
            "down",
            since,
            error.reason,
            error.detail[:200],
            retry_at=now + timedelta(seconds=retry_in),
        )

    def _was_down(self, name: str) -> bool:
        return name in self.states and self.states[name].state == "down"

    def down_names(self) -> list[str]:
        return sorted(name for name, state in self.states.items() if state.state == "down")

    def report(self) -> dict[str, dict[str, Any]]:
        return {
            name: {
                "state": state.state,
                "since": state.since.isoformat(),
                **({"reason": state.reason, "detail": state.detail} if state.reason else {}),
                **({"retry_at": state.retry_at.isoformat()} if state.retry_at else {}),
            }
            for name, state in sorted(self.states.items())
        }


def backoff_delays(
    first: float = RETRY_FIRST_SECONDS, cap: float = RETRY_CAP_SECONDS
) -> Iterator[float]:
    """5, 10, 20, ... seconds, never more than `cap`."""
    delay = first
    while True:
        yield min(delay, cap)
        delay = min(delay * 2, cap)


def stop_aware_sleep(stop: asyncio.Event) -> Sleep:
    """Sleep that ends early when `stop` is set (SIGTERM during a backoff wait)."""

    async def pause(seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=seconds)

    return pause


def describe(channel: ChatChannel, error: ChannelUnavailable, retry_in: float) -> str:
    """The one log line an operator reads when a channel cannot start."""
    template = t.CHANNEL_DOWN_NETWORK if error.reason == "network" else t.CHANNEL_DOWN_REFUSED
    return template.format(
        channel=channel.name,
        detail=error.detail,
        setting=channel.token_setting,
        seconds=f"{retry_in:.0f}",
    )


async def start_or_keep_trying(
    channel: ChatChannel,
    host: Host,
    health: ChannelHealth,
    on_up: Callable[[ChatChannel], None],
    *,
    sleep: Sleep | None = None,
    delays: Iterator[float] | None = None,
) -> bool:
    """Try `channel.start` once; on ChannelUnavailable keep trying in a background task.

    Returns whether it started on the first try. `on_up` runs each time it comes up (the
    runtime then hands it the outbox's notices). Any other exception is not the network's:
    it propagates and stops the process, as a bug or a bad setting should.
    """
    pause = sleep or stop_aware_sleep(host.stop)
    waits = delays or backoff_delays()
    health.starting(channel.name)
    try:
        await channel.start(host)
    except ChannelUnavailable as exc:
        delay = next(waits)
        log.error(describe(channel, exc, delay))
        health.down(channel.name, exc, delay)
        host.spawn(_retry(channel, host, health, on_up, pause, waits, delay))
        return False
    health.up(channel.name)
    on_up(channel)
    return True


async def _retry(
    channel: ChatChannel,
    host: Host,
    health: ChannelHealth,
    on_up: Callable[[ChatChannel], None],
    pause: Sleep,
    waits: Iterator[float],
    delay: float,
) -> None:
    while not host.stop.is_set():
        await pause(delay)
        if host.stop.is_set():
            return
        try:
            await channel.start(host)
        except ChannelUnavailable as exc:
            delay = next(waits)
            # One line per failed try, at the capped pace: visible, never a flood.
            log.warning(describe(channel, exc, delay))
            health.down(channel.name, exc, delay)
            continue
        except Exception:
            log.exception("%s channel failed to start; it stays down", channel.name)
            return
        log.info(t.CHANNEL_UP_AGAIN.format(channel=channel.name))
        health.up(channel.name)
        on_up(channel)
        return


class BackgroundLoops:
    """The loops that run beside the channels; a module adds its own with `add` (once)."""

    def __init__(self) -> None:
        self.loops: list[BackgroundLoop] = []

    def add(self, loop: BackgroundLoop) -> None:
        if loop not in self.loops:
            self.loops.append(loop)

    def count(self, loop: BackgroundLoop) -> int:
        return self.loops.count(loop)

    def __iter__(self) -> Iterator[BackgroundLoop]:
        return iter(list(self.loops))
