"""Background sweep of nomination drafts: expired ones are deleted and their officers told.

Runs beside the channels (bot/runtime.py background_loops). The notice goes through the
outbox in the same transaction as the deletion, so a restart neither loses nor repeats it.
The handler also checks expiry whenever the officer writes, so the console needs no sweep.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import TYPE_CHECKING

from handlers.nomination import expire_drafts

if TYPE_CHECKING:
    from bot.app import App

log = logging.getLogger(__name__)

#: A draft may outlive its TTL by at most this long before its officer is told.
SWEEP_SECONDS = 300.0


async def expire_drafts_loop(app: App, stop: asyncio.Event) -> None:
    """Sweep every SWEEP_SECONDS until `stop`; a failing sweep is logged and retried."""
    while not stop.is_set():
        try:
            count = await expire_drafts(app.services)
            if count:
                log.info("expired %d nomination draft(s)", count)
        except Exception:
            log.exception("nomination draft sweep failed")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=SWEEP_SECONDS)
