"""Wires settings, database, services and the router into one BotCore for every channel."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from bot import redaction
from config.settings import Settings
from db.connection import Database, open_database
from handlers import build_router
from handlers.router import BotCore
from handlers.services import Clock, Services, build_services, system_clock

log = logging.getLogger(__name__)


@dataclass
class App:
    settings: Settings
    db: Database
    services: Services
    core: BotCore

    async def close(self) -> None:
        await self.db.close()


async def open_app(
    settings: Settings, *, database: Path | str | None = None, clock: Clock = system_clock
) -> App:
    """Open the database (migrating it) and build the bot core on it."""
    path = database or settings.database_path()
    db = await open_database(path)
    try:
        services = build_services(settings, db, clock=clock)
        core = BotCore(build_router(), services)
    except BaseException:
        # A bad catalogue must not leave the connection's thread keeping the process alive.
        await db.close()
        raise
    return App(settings=settings, db=db, services=services, core=core)


def setup_logging(level: str) -> None:
    logging.basicConfig(
        level=getattr(logging, level.upper(), logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # httpx logs every request URL, and Bot API URLs carry the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    # python-telegram-bot's DEBUG records hold whole updates and replies (names, phone digits):
    # never below INFO, whatever TDKT_LOG_LEVEL says.
    numeric = getattr(logging, level.upper(), logging.INFO)
    logging.getLogger("telegram").setLevel(max(logging.INFO, numeric))
    # And whatever does log a URL or a token, the token is masked (bot/redaction.py).
    redaction.install()
