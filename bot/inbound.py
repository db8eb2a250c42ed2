"""Takes updates in from webhooks and long polls: each once, in order per chat, none lost.

`submit` stores the update (a known id is a redelivery and is ignored) and returns at once,
so a webhook can answer 200 before the bot thinks; the update is then handled in the
background. Updates of one chat are handled one after the other (a code, then its four
digits), different chats side by side. An update stored but not handled when the process
stopped is handled at the next start (`resume`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, Protocol

from db.inbound import InboundRepository
from db.public_files import PublicFileRepository
from domain.safe_text import scrub_surrogates

log = logging.getLogger(__name__)

#: Unhandled updates younger than this are handled at the next start; older ones dropped.
RESUME_WINDOW = timedelta(hours=1)
#: Ids are remembered this long so that a late redelivery is still recognised.
REMEMBER_IDS = timedelta(days=7)
SHUTDOWN_GRACE_SECONDS = 10.0


class UpdateSource(Protocol):
    """One channel's updates: how to read a delivery and how to handle one update."""

    channel: str

    def split(self, body: dict[str, Any]) -> list[dict[str, Any]]:
        """The updates in one delivery; ValueError when the body is not one of ours."""
        ...

    def update_id(self, update: dict[str, Any]) -> str | None: ...

    def chat_key(self, update: dict[str, Any]) -> str | None: ...

    async def handle(self, update: dict[str, Any]) -> None: ...


class UpdateRunner:
    def __init__(self, repository: InboundRepository, clock: Callable[[], datetime]) -> None:
        self.repository = repository
        self.clock = clock
        self._tasks: set[asyncio.Task[None]] = set()
        self._last: dict[tuple[str, str], asyncio.Task[None]] = {}

    async def submit(self, source: UpdateSource, update: dict[str, Any]) -> bool:
        """Store and schedule the update; False when its id was already taken in."""
        # A lone surrogate (valid JSON, not UTF-8) would make the row unstorable and the
        # platform redeliver the update forever: it becomes U+FFFD first.
        update = scrub_surrogates(update)
        update_id = source.update_id(update)
        if update_id is not None:
            accepted = await self.repository.accept(source.channel, update_id, update, self.clock())
            if not accepted:
                log.info("%s update %s already taken in; ignored", source.channel, update_id)
                return False
        self._schedule(source, update, update_id)
        return True

    async def resume(self, source: UpdateSource) -> int:
        """Schedule the updates stored but not handled before the last stop."""
        pending = await self.repository.unhandled(source.channel, self.clock() - RESUME_WINDOW)
        for item in pending:
            self._schedule(source, item.body, item.update_id)
        if pending:
            log.info("%s: resuming %d update(s) not handled before", source.channel, len(pending))
        return len(pending)

    def _schedule(
        self, source: UpdateSource, update: dict[str, Any], update_id: str | None
    ) -> None:
        chat = source.chat_key(update)
        key = (source.channel, chat) if chat is not None else None
        previous = self._last.get(key) if key is not None else None
        task = asyncio.create_task(self._run(source, update, update_id, previous))
        self._tasks.add(task)
        if key is not None:
            self._last[key] = task

        def done(finished: asyncio.Task[None]) -> None:
            self._tasks.discard(finished)
            if key is not None and self._last.get(key) is finished:
                del self._last[key]

        task.add_done_callback(done)

    async def _run(
        self,
        source: UpdateSource,
        update: dict[str, Any],
        update_id: str | None,
        previous: asyncio.Task[None] | None,
    ) -> None:
        if previous is not None:
            # The chat's earlier message first; its failure is its own, not this one's.
            await asyncio.wait([previous])
        try:
            await source.handle(update)
        except Exception:
            # Marked handled all the same: an update that always fails must not come back.
            log.exception("%s update %s failed", source.channel, update_id)
        if update_id is not None:
            try:
                await self.repository.mark_handled(source.channel, update_id, self.clock())
            except Exception:
                log.exception("%s update %s handled but not marked", source.channel, update_id)

    async def drain(self) -> None:
        """Wait until every scheduled update is handled (tests, shutdown)."""
        while self._tasks:
            # asyncio.wait, not gather: a timeout around drain must not cancel the updates.
            await asyncio.wait(list(self._tasks))

    async def close(self, grace: float = SHUTDOWN_GRACE_SECONDS) -> None:
        """Let running updates finish for `grace` seconds; the rest resume at the next start."""
        if not self._tasks:
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.drain(), timeout=grace)
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def prune(self) -> int:
        now = self.clock()
        return await self.repository.prune(
            forget_before=now - REMEMBER_IDS, give_up_before=now - RESUME_WINDOW
        )


async def keep_tidy(
    runner: UpdateRunner,
    public_files: PublicFileRepository,
    stop: asyncio.Event,
    every: timedelta = timedelta(hours=1),
) -> None:
    """Forget old update ids and expired public files, once at start and then every hour."""
    while not stop.is_set():
        try:
            await runner.prune()
            await public_files.prune(runner.clock())
        except Exception:
            log.exception("pruning old updates and files failed")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=every.total_seconds())
