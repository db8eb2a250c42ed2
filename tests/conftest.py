"""Shared fixtures: a real SQLite file in tmp_path, settings, a movable clock, the bot core."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from config.settings import Settings
from db.connection import Database, open_database
from handlers import build_router
from handlers.messages import Incoming, Reply
from handlers.router import BotCore
from handlers.services import Services, build_services
from tests.postgres import Cluster, start_cluster


@dataclass
class MovableClock:
    """A clock the test moves by hand; services read time only through it."""

    current: datetime

    def __call__(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        self.current += timedelta(**delta)

    def set_local(self, text: str) -> None:
        """Set to a Vietnam local time given as `YYYY-MM-DD HH:MM` (UTC+7)."""
        local = datetime.fromisoformat(text)
        self.current = (local - timedelta(hours=7)).replace(tzinfo=UTC)


@pytest.fixture
def clock() -> MovableClock:
    # Wednesday 25 November 2026, 09:00 in Hà Nội / TP.HCM.
    return MovableClock(datetime(2026, 11, 25, 2, 0, tzinfo=UTC))


@pytest.fixture(scope="session")
def postgresql_cluster() -> Iterator[Cluster]:
    """One throwaway PostgreSQL cluster for the whole run, started at the first test that
    asks; the PostgreSQL tests are skipped, with the reason, when it cannot start."""
    started = start_cluster()
    if isinstance(started, str):
        pytest.skip(f"PostgreSQL tests SKIPPED: {started}")
    try:
        yield started
    finally:
        started.stop()


@pytest.fixture(scope="session")
def postgresql_template(postgresql_cluster: Cluster) -> str:
    """A database migrated once; each test's database is a copy of it (CREATE DATABASE …
    TEMPLATE, a file copy: a fraction of the migrations' time)."""
    import asyncio

    url = postgresql_cluster.create_database()

    async def migrate() -> None:
        await (await open_database(url)).close()

    asyncio.run(migrate())
    return url.rsplit("/", 1)[1]


@pytest.fixture
def engine(request: pytest.FixtureRequest) -> str:
    """The database engine of `settings.database`: SQLite, unless a test folder's conftest
    parametrises it (tests/db runs every `db` test on both engines)."""
    return str(getattr(request, "param", "sqlite"))


@pytest.fixture
def settings(tmp_path: Path, engine: str, request: pytest.FixtureRequest) -> Iterator[Settings]:
    if engine == "sqlite":
        yield Settings(_env_file=None, database=tmp_path / "tdkt.sqlite3")  # type: ignore[call-arg]
        return
    cluster: Cluster = request.getfixturevalue("postgresql_cluster")
    url = cluster.create_database(template=request.getfixturevalue("postgresql_template"))
    try:
        yield Settings(_env_file=None, database=url)  # type: ignore[call-arg]
    finally:
        cluster.drop_database(url)


@pytest.fixture
async def db(settings: Settings) -> AsyncIterator[Database]:
    assert settings.database is not None
    database = await open_database(settings.database)
    yield database
    await database.close()


@pytest.fixture
def services(settings: Settings, db: Database, clock: MovableClock) -> Services:
    return build_services(settings, db, clock=clock)


@pytest.fixture
def core(services: Services) -> BotCore:
    return BotCore(build_router(), services)


class ChatDriver:
    """Sends messages to the core as one chat and returns the replies' texts."""

    def __init__(self, core: BotCore, channel: str = "console", chat_id: str = "c1") -> None:
        self.core = core
        self.channel = channel
        self.chat_id = chat_id

    async def send(self, text: str | None = None, **kwargs: object) -> list[Reply]:
        incoming = Incoming(
            channel=self.channel,
            chat_id=self.chat_id,
            sender_id=str(kwargs.pop("sender_id", self.chat_id)),
            text=text,
            **kwargs,  # type: ignore[arg-type]
        )
        return await self.core.handle(incoming)

    async def say(self, text: str | None = None, **kwargs: object) -> str:
        """All reply texts joined, for assertions on wording."""
        return "\n".join(reply.text for reply in await self.send(text, **kwargs))


@pytest.fixture
def chat(core: BotCore) -> ChatDriver:
    return ChatDriver(core)
