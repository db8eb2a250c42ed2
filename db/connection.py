"""The SQLite connection (aiosqlite): pragmas, versioned migrations, one-transaction writes.

aiosqlite (the design card's choice) runs every statement on its own worker thread. Each hand-off
costs tens of microseconds, which bounds a citizen lookup at a few thousand per second
(bench/bench_lookup.py), but a statement that waits for SQLite's lock (another process
importing) waits there, never on the event loop: Telegram, Zalo and the outbox keep going.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import aiosqlite

from handlers.domain.search import match_rank

log = logging.getLogger(__name__)
# aiosqlite logs every statement and its results at DEBUG: names and phone digits. Never.
logging.getLogger("aiosqlite").setLevel(logging.INFO)

BUSY_TIMEOUT_MS = 5000


class Database:
    """One shared connection; writes that belong together go through `transaction()`.

    aiosqlite runs every statement on one worker thread, so a process-wide lock keeps the
    statements of two coroutines' transactions from interleaving on the shared connection.
    """

    def __init__(self, connection: aiosqlite.Connection, path: Path) -> None:
        self.connection = connection
        self.path = path
        self._write_lock = asyncio.Lock()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """BEGIN IMMEDIATE … COMMIT, or ROLLBACK on any exception: nothing half-written."""
        async with self._write_lock:
            await self.connection.execute("BEGIN IMMEDIATE")
            try:
                yield self.connection
            except BaseException:
                await self.connection.execute("ROLLBACK")
                raise
            else:
                await self.connection.execute("COMMIT")

    # One hand-off to aiosqlite's thread per read (execute + fetch + close would be three):
    # a lookup reads about ten times, and the hand-offs, not the indexed queries, cost most.
    async def fetch_one(self, sql: str, params: Iterable[Any] = ()) -> sqlite3.Row | None:
        rows = await self.connection.execute_fetchall(sql, tuple(params))
        return next(iter(rows), None)

    async def fetch_all(self, sql: str, params: Iterable[Any] = ()) -> list[sqlite3.Row]:
        return list(await self.connection.execute_fetchall(sql, tuple(params)))

    async def schema_version(self) -> int:
        row = await self.fetch_one("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")
        return int(row[0]) if row else 0

    async def close(self) -> None:
        await self.connection.close()


def _migrations() -> list[tuple[int, str, str]]:
    folder = resources.files("db") / "migrations"
    found = []
    for entry in folder.iterdir():
        name = entry.name
        if name.endswith(".sql") and name[:4].isdigit():
            found.append((int(name[:4]), name, entry.read_text(encoding="utf-8")))
    return sorted(found)


async def migrate(connection: aiosqlite.Connection) -> list[str]:
    """Apply the migrations not yet applied, each in its own transaction; return their names."""
    await connection.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
    )
    async with connection.execute("SELECT version FROM schema_migrations") as cursor:
        applied = {row[0] for row in await cursor.fetchall()}
    done = []
    for version, name, sql in _migrations():
        if version in applied:
            continue
        # executescript would commit on its own; run the statements inside one transaction.
        await connection.execute("BEGIN IMMEDIATE")
        try:
            for statement in _split_sql(sql):
                await connection.execute(statement)
            await connection.execute(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                (version, name, datetime.now(UTC).isoformat()),
            )
        except BaseException:
            await connection.execute("ROLLBACK")
            raise
        await connection.execute("COMMIT")
        log.info("applied migration %s", name)
        done.append(name)
    return done


def _split_sql(script: str) -> list[str]:
    statements, buffer = [], ""
    for line in script.splitlines(keepends=True):
        if line.strip().startswith("--"):
            continue
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        statements.append(buffer.strip())
    return statements


async def open_database(path: Path | str) -> Database:
    """Open (creating if needed) the database file, set the pragmas and migrate it."""
    path = Path(path)
    if str(path) != ":memory:":
        path.parent.mkdir(parents=True, exist_ok=True)
    connection = await aiosqlite.connect(path, isolation_level=None)
    connection.row_factory = sqlite3.Row
    await connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    await connection.execute("PRAGMA journal_mode = WAL")
    await connection.execute("PRAGMA synchronous = NORMAL")
    await connection.execute("PRAGMA foreign_keys = ON")
    # Staff search (/tim) matches names with or without accents, as people type them.
    await connection.create_function("tdkt_match", 4, match_rank, deterministic=True)
    await migrate(connection)
    return Database(connection, path)
