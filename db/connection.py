"""The SQLite connection: pragmas, versioned migrations, one-transaction writes.

Statements run on the event loop's own thread through `Connection`, which offers the part of
aiosqlite's interface the repositories use. An indexed SQLite statement takes a few
microseconds; handing each one to aiosqlite's worker thread and back cost about 90 µs on a
small server, which held a citizen lookup (about 20 statements) to some 500 per second
(bench/bench_lookup.py). Long scans (reports, imports) block the loop while they run, which
costs little: with one shared connection every other query waited for them anyway.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator, Callable, Generator, Iterable
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 5000


class Cursor:
    """A sqlite3 cursor behind aiosqlite's awaitable cursor interface."""

    __slots__ = ("_cursor",)

    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self._cursor = cursor

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    @property
    def description(self) -> Any:
        return self._cursor.description

    async def fetchone(self) -> sqlite3.Row | None:
        return self._cursor.fetchone()

    async def fetchall(self) -> list[sqlite3.Row]:
        return self._cursor.fetchall()

    async def fetchmany(self, size: int | None = None) -> list[sqlite3.Row]:
        return self._cursor.fetchmany(size if size is not None else self._cursor.arraysize)

    async def close(self) -> None:
        self._cursor.close()

    async def __aenter__(self) -> Cursor:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        self._cursor.close()

    async def __aiter__(self) -> AsyncIterator[sqlite3.Row]:
        for row in self._cursor:
            yield row


class _Statement:
    """What `Connection.execute` returns: await it for the cursor, or use `async with`."""

    __slots__ = ("_cursor", "_run")

    def __init__(self, run: Callable[[], sqlite3.Cursor]) -> None:
        self._run = run
        self._cursor: Cursor | None = None

    def __await__(self) -> Generator[Any, None, Cursor]:
        return self._start().__await__()

    async def _start(self) -> Cursor:
        return Cursor(self._run())

    async def __aenter__(self) -> Cursor:
        self._cursor = Cursor(self._run())
        return self._cursor

    async def __aexit__(self, *_exc: object) -> None:
        if self._cursor is not None:
            await self._cursor.close()


class Connection:
    """A sqlite3 connection with aiosqlite's async methods, run on the calling (loop) thread."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection

    @property
    def raw(self) -> sqlite3.Connection:
        """The sqlite3 connection itself, for the Database's own hot paths."""
        return self._connection

    @property
    def row_factory(self) -> Any:
        return self._connection.row_factory

    @row_factory.setter
    def row_factory(self, factory: Any) -> None:
        self._connection.row_factory = factory

    @property
    def in_transaction(self) -> bool:
        return self._connection.in_transaction

    @property
    def total_changes(self) -> int:
        return self._connection.total_changes

    def execute(self, sql: str, parameters: Iterable[Any] = ()) -> _Statement:
        return _Statement(lambda: self._connection.execute(sql, tuple(parameters)))

    def executemany(self, sql: str, parameters: Iterable[Iterable[Any]]) -> _Statement:
        return _Statement(lambda: self._connection.executemany(sql, parameters))

    async def execute_fetchall(self, sql: str, parameters: Iterable[Any] = ()) -> list[sqlite3.Row]:
        return self._connection.execute(sql, tuple(parameters)).fetchall()

    async def executescript(self, script: str) -> None:
        self._connection.executescript(script)

    async def commit(self) -> None:
        self._connection.commit()

    async def rollback(self) -> None:
        self._connection.rollback()

    async def backup(self, target: sqlite3.Connection, **kwargs: Any) -> None:
        self._connection.backup(target, **kwargs)

    async def close(self) -> None:
        self._connection.close()


class Database:
    """One shared connection; writes that belong together go through `transaction()`.

    A process-wide lock keeps the statements of two coroutines' transactions from
    interleaving on the shared connection when a transaction's body awaits something else.
    """

    def __init__(self, connection: Connection, path: Path) -> None:
        self.connection = connection
        self.path = path
        self._write_lock = asyncio.Lock()

    def transaction(self) -> _Transaction:
        """BEGIN IMMEDIATE … COMMIT, or ROLLBACK on any exception: nothing half-written.

        `async with db.transaction() as conn:` — conn is the shared connection.
        """
        return _Transaction(self)

    # The two readers every repository uses run straight on sqlite3: a lookup reads a dozen
    # times, and the async wrappers cost more than the indexed query itself.
    async def fetch_one(self, sql: str, params: Iterable[Any] = ()) -> sqlite3.Row | None:
        return self.connection.raw.execute(sql, tuple(params)).fetchone()

    async def fetch_all(self, sql: str, params: Iterable[Any] = ()) -> list[sqlite3.Row]:
        return self.connection.raw.execute(sql, tuple(params)).fetchall()

    async def schema_version(self) -> int:
        row = await self.fetch_one("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")
        return int(row[0]) if row else 0

    async def close(self) -> None:
        await self.connection.close()


class _Transaction:
    """The async context manager of `Database.transaction()` (a class: it runs per write)."""

    __slots__ = ("_db",)

    def __init__(self, db: Database) -> None:
        self._db = db

    async def __aenter__(self) -> Connection:
        db = self._db
        await db._write_lock.acquire()
        try:
            db.connection.raw.execute("BEGIN IMMEDIATE")
        except BaseException:
            db._write_lock.release()
            raise
        return db.connection

    async def __aexit__(self, exc_type: type[BaseException] | None, *_exc: object) -> None:
        raw = self._db.connection.raw
        try:
            if exc_type is None:
                try:
                    raw.execute("COMMIT")
                except BaseException:
                    if raw.in_transaction:
                        raw.execute("ROLLBACK")
                    raise
            elif raw.in_transaction:
                raw.execute("ROLLBACK")
        finally:
            self._db._write_lock.release()


def _migrations() -> list[tuple[int, str, str]]:
    folder = resources.files("db") / "migrations"
    found = []
    for entry in folder.iterdir():
        name = entry.name
        if name.endswith(".sql") and name[:4].isdigit():
            found.append((int(name[:4]), name, entry.read_text(encoding="utf-8")))
    return sorted(found)


async def migrate(connection: Connection) -> list[str]:
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
    connection = Connection(sqlite3.connect(path, isolation_level=None))
    connection.row_factory = sqlite3.Row
    await connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    await connection.execute("PRAGMA journal_mode = WAL")
    await connection.execute("PRAGMA synchronous = NORMAL")
    await connection.execute("PRAGMA foreign_keys = ON")
    await migrate(connection)
    return Database(connection, path)
