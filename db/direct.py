"""The aiosqlite look-alike handed to repositories inside a batch, on aiosqlite's own thread.

A batch (`Database.batched`) drives handler coroutines on aiosqlite's worker thread, where the
sqlite3 connection may be used directly: no hand-off, no future. These classes give the
repositories the same calls they make on an `aiosqlite.Connection` (`await conn.execute(…)`,
`async with conn.execute(…) as cursor`, `executemany`, `execute_fetchall`, `rowcount`,
`lastrowid`), each completing without ever suspending the coroutine.
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Iterable
from typing import Any

from aiosqlite.context import Result


class DirectCursor:
    """An `aiosqlite.Cursor` look-alike over a sqlite3 cursor; every call completes at once."""

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

    async def fetchmany(self, size: int | None = None) -> list[sqlite3.Row]:
        return self._cursor.fetchmany(size) if size is not None else self._cursor.fetchmany()

    async def fetchall(self) -> list[sqlite3.Row]:
        return self._cursor.fetchall()

    async def close(self) -> None:
        self._cursor.close()

    async def __aiter__(self) -> AsyncIterator[sqlite3.Row]:
        for row in self._cursor:
            yield row

    async def __aenter__(self) -> DirectCursor:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        self._cursor.close()


class DirectConnection:
    """An `aiosqlite.Connection` look-alike over the raw sqlite3 connection, for the worker."""

    def __init__(self, raw: sqlite3.Connection) -> None:
        self._raw = raw

    @property
    def in_transaction(self) -> bool:
        return self._raw.in_transaction

    @property
    def total_changes(self) -> int:
        return self._raw.total_changes

    def execute(self, sql: str, parameters: Iterable[Any] | None = None) -> Result[DirectCursor]:
        return Result(self._execute(sql, tuple(parameters or ())))

    async def _execute(self, sql: str, parameters: tuple[Any, ...]) -> DirectCursor:
        return DirectCursor(self._raw.execute(sql, parameters))

    def executemany(self, sql: str, parameters: Iterable[Iterable[Any]]) -> Result[DirectCursor]:
        return Result(self._executemany(sql, parameters))

    async def _executemany(self, sql: str, parameters: Iterable[Iterable[Any]]) -> DirectCursor:
        return DirectCursor(self._raw.executemany(sql, parameters))

    async def execute_fetchall(
        self, sql: str, parameters: Iterable[Any] | None = None
    ) -> list[sqlite3.Row]:
        return self._raw.execute(sql, tuple(parameters or ())).fetchall()

    async def execute_insert(
        self, sql: str, parameters: Iterable[Any] | None = None
    ) -> sqlite3.Row | None:
        cursor = self._raw.execute(sql, tuple(parameters or ()))
        return cursor.execute("SELECT last_insert_rowid()").fetchone()
