"""PostgreSQL under the same `Database`: a psycopg connection on a worker thread of its own.

`Database` was built on aiosqlite's model: one connection, one worker thread, a batch of
messages run there in one hand-off and one transaction (bench/bench_lookup.py). A synchronous
psycopg 3 connection on a single-thread executor is that model exactly, so `Database`, its
batches and every repository run unchanged: `PgRaw` looks like a `sqlite3.Connection` and
`PgConnection` like an `aiosqlite.Connection` (the driver measurement is in the README).

What SQLite's single writer guaranteed, PostgreSQL is told explicitly: every write transaction
(`BEGIN IMMEDIATE`) takes one transaction-level advisory lock, so the check-then-writes of
every repository (the second factor's limits, follow limits, invite use, status transitions,
imports) are serialised across all instances as they were within one SQLite file, while reads
outside transactions run in parallel. psycopg's errors are raised as sqlite3's classes, so a
repository's `except sqlite3.IntegrityError` means the same on both engines.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from functools import partial
from typing import Any, TypeVar

import psycopg
from aiosqlite.context import Result
from psycopg.adapt import Loader
from psycopg.pq import TransactionStatus
from psycopg.types.string import StrDumper

from db.dialect import Statement, translate
from db.direct import DirectCursor

T = TypeVar("T")

#: The advisory lock every write transaction holds: PostgreSQL's stand-in for SQLite's one
#: writer (a constant both instances agree on; `tdkt` in ASCII).
WRITE_LOCK_KEY = 0x7464_6B74
#: Seconds a statement may wait for a lock before failing (SQLite's busy_timeout is 5 s).
LOCK_TIMEOUT = "5s"


class Row(tuple):  # type: ignore[type-arg]
    """A `sqlite3.Row` look-alike: by position, by column name, `keys()`, `dict(row)`."""

    _names: dict[str, int]

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            return tuple.__getitem__(self, self._names[key])
        return tuple.__getitem__(self, key)

    def keys(self) -> list[str]:
        return list(self._names)


def _row_factory(cursor: psycopg.Cursor[Any]) -> Callable[[Sequence[Any]], Row]:
    names = {column.name: i for i, column in enumerate(cursor.description or ())}

    def make(values: Sequence[Any]) -> Row:
        row = Row(values)
        row._names = names
        return row

    return make


class _NumberLoader(Loader):
    """SUM and AVG give `numeric`; SQLite gives int or float, and so does this."""

    def load(self, data: Any) -> int | float:
        value = Decimal(bytes(data).decode())
        return int(value) if value == value.to_integral_value() else float(value)


class PgCursor:
    """A `sqlite3.Cursor` look-alike holding a statement's rows, fetched at once."""

    def __init__(
        self, rows: list[Any], rowcount: int, lastrowid: int | None, description: Any
    ) -> None:
        self._rows = rows
        self._next = 0
        self.rowcount = rowcount
        self.lastrowid = lastrowid
        self.description = description

    def fetchone(self) -> Any:
        if self._next >= len(self._rows):
            return None
        self._next += 1
        return self._rows[self._next - 1]

    def fetchmany(self, size: int = 1) -> list[Any]:
        rows = self._rows[self._next : self._next + size]
        self._next += len(rows)
        return rows

    def fetchall(self) -> list[Any]:
        rows = self._rows[self._next :]
        self._next = len(self._rows)
        return rows

    def __iter__(self) -> Iterator[Any]:
        return iter(self.fetchall())

    def close(self) -> None:
        self._rows = []


_EMPTY = PgCursor([], -1, None, None)


class PgRaw:
    """A `sqlite3.Connection` look-alike over one psycopg connection (autocommit: the
    transactions are the BEGIN/COMMIT statements `Database` sends, as on SQLite)."""

    def __init__(self, connection: psycopg.Connection[Any], identity: frozenset[str]) -> None:
        self._connection = connection
        self._identity = identity

    @property
    def in_transaction(self) -> bool:
        return self._connection.info.transaction_status != TransactionStatus.IDLE

    def execute(self, sql: str, parameters: Iterable[Any] = ()) -> PgCursor:
        if sql == "BEGIN IMMEDIATE":
            self._run("BEGIN", None)
            try:
                self._run("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK_KEY,))
            except sqlite3.Error:
                # Like SQLite's BEGIN IMMEDIATE when busy: no transaction is left open.
                self._run("ROLLBACK", None)
                raise
            return _EMPTY
        statement = translate(sql, self._identity)
        params = parameters if isinstance(parameters, Mapping) else tuple(parameters)
        cursor = self._run(
            statement.text if params else statement.plain,
            statement.arguments(params) if params else None,
        )
        return _result(cursor, statement)

    def executemany(self, sql: str, seq: Iterable[Iterable[Any]]) -> PgCursor:
        statement = translate(sql, frozenset())
        rows = [statement.arguments(_params(params)) for params in seq]
        if not rows:
            return _EMPTY
        try:
            with self._connection.cursor() as cursor:
                cursor.executemany(statement.text, rows)
                return PgCursor([], cursor.rowcount, None, None)
        except psycopg.Error as exc:
            raise _as_sqlite(exc) from exc

    def _run(self, sql: str, params: tuple[Any, ...] | None) -> psycopg.Cursor[Any]:
        try:
            return self._connection.execute(sql, params)
        except psycopg.Error as exc:
            raise _as_sqlite(exc) from exc

    def close(self) -> None:
        self._connection.close()


def _params(parameters: Any) -> Any:
    return parameters if isinstance(parameters, Mapping) else tuple(parameters or ())


def _result(cursor: psycopg.Cursor[Any], statement: Statement) -> PgCursor:
    # psycopg builds the description anew at each read of it: once.
    description = cursor.description
    rows = cursor.fetchall() if description is not None else []
    if statement.returns_id:
        return PgCursor([], cursor.rowcount, rows[0][0] if rows else None, None)
    return PgCursor(rows, cursor.rowcount, None, description)


def _as_sqlite(exc: psycopg.Error) -> sqlite3.Error:
    """The same exception classes as sqlite3's, so callers above db/ need not know."""
    if isinstance(exc, psycopg.IntegrityError):
        return sqlite3.IntegrityError(str(exc))
    if isinstance(exc, psycopg.OperationalError):
        return sqlite3.OperationalError(str(exc))
    if isinstance(exc, psycopg.ProgrammingError):
        return sqlite3.OperationalError(str(exc))
    return sqlite3.DatabaseError(str(exc))


class PgConnection:
    """An `aiosqlite.Connection` look-alike: every statement runs on one worker thread."""

    def __init__(self, raw: PgRaw, executor: ThreadPoolExecutor) -> None:
        self._conn = raw
        self._executor = executor
        self._closed = False

    async def _execute(self, fn: Callable[..., T], *args: Any) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, partial(fn, *args))

    def execute(self, sql: str, parameters: Iterable[Any] | None = None) -> Result[DirectCursor]:
        return Result(self._statement(self._conn.execute, sql, _params(parameters)))

    def executemany(self, sql: str, parameters: Iterable[Iterable[Any]]) -> Result[DirectCursor]:
        return Result(self._statement(self._conn.executemany, sql, list(parameters)))

    async def _statement(self, run: Callable[..., PgCursor], *args: Any) -> DirectCursor:
        return DirectCursor(await self._execute(run, *args))  # type: ignore[arg-type]

    async def execute_fetchall(self, sql: str, parameters: Iterable[Any] | None = None) -> Any:
        cursor = await self._execute(self._conn.execute, sql, _params(parameters))
        return cursor.fetchall()

    @property
    def in_transaction(self) -> bool:
        return self._conn.in_transaction

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        try:
            await self._execute(self._conn.close)
        finally:
            self._executor.shutdown(wait=True)


def connect(url: str) -> psycopg.Connection[Any]:
    """One autocommit connection with SQLite-like rows and numbers (blocking: on a thread)."""
    connection = psycopg.connect(url, autocommit=True, row_factory=_row_factory)
    connection.adapters.register_loader("numeric", _NumberLoader)
    # Strings go typed `text`, as SQLite sees them: `? IS NULL` and GREATEST(col, ?) need a
    # type, which psycopg's default (`unknown`, for the server to guess) does not give.
    connection.adapters.register_dumper(str, StrDumper)
    connection.execute(f"SET lock_timeout = '{LOCK_TIMEOUT}'")
    return connection


async def open_connection(url: str, identity: frozenset[str]) -> PgConnection:
    """Connect on the worker thread that will run every statement of this connection."""
    executor = ThreadPoolExecutor(1, thread_name_prefix="postgresql")
    try:
        raw = await asyncio.get_running_loop().run_in_executor(executor, connect, url)
    except psycopg.Error as exc:
        executor.shutdown(wait=False)
        raise _as_sqlite(exc) from exc
    return PgConnection(PgRaw(raw, identity), executor)
