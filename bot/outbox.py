"""The outbox dispatcher: sends pending notices within rate limits, retries, never loses one.

A message is marked sent only after the channel's API accepted it, so a crash between the two
re-sends it once after the restart (at least once, never lost). Per channel it keeps to one
message per second per chat and `rate` messages per second overall; a 429 holds back only
that chat for `retry_after`; 5xx, timeouts and network errors back off exponentially with
jitter up to `max_attempts`; a 403 (the person blocked the bot) kills the message at once and
deactivates the chat's follows. A patient channel (ZNS: the phone is the citizen's only way to
hear) instead waits out an outage it cannot help (5xx, network, an expired token nobody can
refresh, OAuth down) for `wait_limit` from when the notice was queued, retrying at most every
PATIENT_BACKOFF_CAP; its last error, starting "chờ", says why it waits (`python -m bot outbox`).

Messages go one at a time, so a crash repeats at most the one notice in flight (the README's
promise, asserted over 20 kills by tests/test_crash.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import sqlite3
from collections import deque
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any, Protocol

from db.models import OutboxMessage
from db.outbox import ASKED_NOW, OutboxRepository
from handlers.texts import newuser as tn

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
BASE_BACKOFF_SECONDS = 2.0
MAX_BACKOFF_SECONDS = 3600.0
IDLE_POLL_SECONDS = 1.0
RECORD_ATTEMPTS = 6
#: A patient channel retries an outage at least this often while its notice may still wait.
PATIENT_BACKOFF_CAP = timedelta(minutes=15)


class SendError(Exception):
    """A channel could not deliver a message; subclasses say what to do about it."""


class RetryLater(SendError):
    """Flood control (HTTP 429): wait `retry_after` seconds for this chat only."""

    def __init__(self, retry_after: float, detail: str = "") -> None:
        super().__init__(detail or f"retry after {retry_after}s")
        self.retry_after = retry_after


class ChatBlocked(SendError):
    """HTTP 403: the person blocked the bot or left the chat."""


class TransientError(SendError):
    """5xx, timeouts, network errors: worth trying again later."""


class PermanentError(SendError):
    """A request the API will never accept (bad chat id, malformed payload)."""


class Sender(Protocol):
    """One channel's way of delivering an outbox payload (`{"text": ..., "choices": ...}`)."""

    channel: str
    #: Minimum seconds between two messages to one chat.
    per_chat_interval: float
    #: Messages per second for the whole channel.
    rate: float

    async def send(self, chat_id: str, payload: dict[str, Any]) -> None: ...


def wait_limit_of(sender: Sender) -> timedelta | None:
    """How long the sender's notices wait out an outage (its `wait_limit`), or None: the
    channel gives up after `max_attempts` like the chats do."""
    limit = getattr(sender, "wait_limit", None)
    return limit if isinstance(limit, timedelta) else None


class OutboxDispatcher:
    def __init__(
        self,
        repository: OutboxRepository,
        senders: Mapping[str, Sender],
        clock: Callable[[], datetime],
        *,
        max_attempts: int = MAX_ATTEMPTS,
        rng: random.Random | None = None,
        quiet: Callable[[datetime], bool] | None = None,
    ) -> None:
        self.repository = repository
        self.senders = dict(senders)
        self.clock = clock
        self.max_attempts = max_attempts
        self.rng = rng or random.Random()
        #: True in the quiet hours (21:00–07:00 local): nothing leaves then, not even a retry.
        self.quiet = quiet
        self._chat_ready: dict[tuple[str, str], datetime] = {}
        self._recent: dict[str, deque[datetime]] = {}
        #: The earliest moment a message the last pass held back (rate, chat) may go.
        self._held_until: datetime | None = None
        self.wakeup = asyncio.Event()
        # One pass at a time: two overlapping passes would read the same pending rows.
        self._pass_lock = asyncio.Lock()

    async def run_once(self, limit: int = 200) -> int:
        """Send what is due now and allowed by the limits; return how many were accepted."""
        async with self._pass_lock:
            return await self._pass(limit)

    async def _pass(self, limit: int) -> int:
        quiet = self.quiet is not None and self.quiet(self.clock())
        messages = await self.repository.due(self.clock(), limit, channels=self.senders)
        self._held_until = None
        accepted = 0
        skipped: list[OutboxMessage] = []
        for message in messages:
            # In the quiet hours only what a person asked for this minute leaves (a one-time
            # code: handlers/lookup_otp.py); notices and reminders wait for the morning.
            if quiet and not message.payload.get(ASKED_NOW):
                continue
            sender = self.senders.get(message.channel)
            if sender is None or not self._may_send(sender, message):
                skipped.append(message)
                continue
            if await self._deliver(sender, message):
                accepted += 1
        # Held back by the rate limits: offered again at once, not after a claim's lease.
        await self.repository.release(skipped)
        return accepted

    def _may_send(self, sender: Sender, message: OutboxMessage) -> bool:
        now = self.clock()
        key = (message.channel, message.chat_id)
        ready = self._chat_ready.get(key)
        if ready is not None and ready > now:
            self._hold(ready)
            return False
        window = self._recent.setdefault(message.channel, deque())
        while window and window[0] <= now - timedelta(seconds=1):
            window.popleft()
        if len(window) >= sender.rate:
            self._hold(window[0] + timedelta(seconds=1))
            return False
        window.append(now)
        self._chat_ready[key] = now + timedelta(seconds=sender.per_chat_interval)
        return True

    def _hold(self, until: datetime) -> None:
        if self._held_until is None or until < self._held_until:
            self._held_until = until

    async def _deliver(self, sender: Sender, message: OutboxMessage) -> bool:
        try:
            await sender.send(message.chat_id, message.payload)
        except RetryLater as exc:
            until = self.clock() + timedelta(seconds=max(exc.retry_after, 1.0))
            self._chat_ready[(message.channel, message.chat_id)] = until
            log.warning("outbox %s: flood wait %.0fs", message.id, exc.retry_after)
            await self.repository.hold_chat(
                message.id, message.channel, message.chat_id, until=until, error=f"429: {exc}"
            )
        except ChatBlocked as exc:
            log.info("outbox %s: chat blocked the bot", message.id)
            await self.repository.mark_dead(message.id, f"403: {exc}")
            await self.repository.chat_blocked(
                message.channel, message.chat_id, self.clock(), f"403: {exc}"
            )
        except PermanentError as exc:
            log.warning("outbox %s: rejected by the API: %s", message.id, exc)
            await self.repository.mark_dead(message.id, f"rejected: {exc}")
        except TransientError as exc:
            limit = wait_limit_of(sender)
            if limit is None:
                await self._retry(message, exc)
            else:
                await self._wait_out(message, exc, limit)
        except Exception as exc:  # anything unexpected: retry with backoff
            await self._retry(message, exc)
        else:
            await self._record_sent(message)
            return True
        return False

    async def _record_sent(self, message: OutboxMessage) -> None:
        """The API has the message: recording that must not fail, or it would go out again.

        Another process (an import) may hold the write lock beyond the busy timeout, so keep
        trying for a while before giving up (and then the message is resent once, not lost).
        """
        for attempt in range(RECORD_ATTEMPTS):
            try:
                await self.repository.mark_sent(message.id, self.clock())
                return
            except sqlite3.OperationalError as exc:
                log.warning("outbox %s: sent, not yet recorded (%s)", message.id, exc)
                await asyncio.sleep(min(30.0, 0.5 * 2**attempt))
        await self.repository.mark_sent(message.id, self.clock())

    async def _retry(self, message: OutboxMessage, exc: Exception) -> None:
        attempts = message.attempts + 1
        error = f"{type(exc).__name__}: {exc}"
        if attempts >= self.max_attempts:
            log.error("outbox %s: giving up after %d attempts: %s", message.id, attempts, error)
            await self.repository.mark_dead(message.id, error)
            return
        delay = min(MAX_BACKOFF_SECONDS, BASE_BACKOFF_SECONDS * 2 ** (attempts - 1))
        delay *= self.rng.uniform(0.5, 1.5)
        log.warning(
            "outbox %s: attempt %d failed (%s), retry in %.0fs", message.id, attempts, error, delay
        )
        await self.repository.postpone(
            message.id,
            until=self.clock() + timedelta(seconds=delay),
            error=error,
            count_attempt=True,
        )

    async def _wait_out(self, message: OutboxMessage, exc: Exception, limit: timedelta) -> None:
        """An outage outside the bot: try again with capped backoff until the notice is
        `limit` old, then give up naming the outage."""
        now = self.clock()
        attempts = message.attempts + 1
        error = f"{type(exc).__name__}: {exc}"
        queued = message.created_at or now
        if now - queued >= limit:
            log.error("outbox %s: waited %s, giving up: %s", message.id, limit, error)
            gave_up = tn.OUTBOX_GAVE_UP.format(error=error, hours=_hours(limit))
            await self.repository.mark_dead(message.id, gave_up)
            return
        delay = timedelta(seconds=BASE_BACKOFF_SECONDS * 2 ** min(attempts - 1, 20))
        delay = min(PATIENT_BACKOFF_CAP, delay) * self.rng.uniform(0.8, 1.0)
        until = min(now + delay, queued + limit)
        log.warning("outbox %s: %s; waiting, next try at %s", message.id, error, until)
        await self.repository.postpone(
            message.id,
            until=until,
            error=tn.OUTBOX_WAITING.format(
                hours=_hours(limit), next=f"{until:%Y-%m-%d %H:%M} UTC", error=error
            ),
            count_attempt=True,
        )

    async def drain(self, rounds: int = 50) -> int:
        """Send everything due now (used at shutdown of the console and in tests)."""
        total = 0
        for _ in range(rounds):
            sent = await self.run_once()
            total += sent
            if sent == 0:
                break
        return total

    async def run(self, stop: asyncio.Event) -> None:
        """Loop until `stop` is set; state lives in the database, so a restart resumes."""
        while not stop.is_set():
            try:
                sent = await self.run_once()
            except Exception:
                log.exception("outbox pass failed")
                sent = 0
            delay = 0.05 if sent else IDLE_POLL_SECONDS
            if self._held_until is not None:
                # Held back by the limits, not idle: wake when the first of them may go, or
                # the time slept past that is lost each second and the rate falls below `rate`.
                wait = (self._held_until - self.clock()).total_seconds()
                delay = min(delay, max(0.005, wait))
            self.wakeup.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(_first(stop, self.wakeup), timeout=delay)


def _hours(limit: timedelta) -> str:
    return f"{limit.total_seconds() / 3600:g}"


async def _first(*events: asyncio.Event) -> None:
    waiters = [asyncio.ensure_future(event.wait()) for event in events]
    try:
        await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()
