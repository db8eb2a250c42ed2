"""Bulk loading of dossiers: sqlite3 straight for benchmarks, and an import's bulk mode.

The async repositories go through aiosqlite's worker thread one statement at a time; loading a
million dossiers that way takes minutes. Here one plain sqlite3 connection on a worker thread
inserts them with executemany in a single transaction (with one "received" history row each,
as the import writes), which takes seconds. The database must already be migrated.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from itertools import islice
from operator import itemgetter
from pathlib import Path
from typing import Any

from db.connection import Database
from db.dialect import POSTGRESQL
from db.dossiers import (
    DATA_FIELDS,
    INSERT_SQL,
    REMINDED_STATUSES,
    ImportedHistory,
    insert_row,
    new_history,
)
from db.models import DossierInput, instant_to_db

_CHUNK = 50_000


def insert_dossiers_sync(
    path: Path, items: Iterable[DossierInput], *, now: datetime, actor: str = "import"
) -> int:
    """Insert new dossiers (codes must not exist yet) in one transaction; return how many."""
    stamp = instant_to_db(now)
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("PRAGMA busy_timeout = 5000")
        connection.execute("BEGIN IMMEDIATE")
        try:
            first_id = connection.execute("SELECT COALESCE(MAX(id), 0) FROM dossiers").fetchone()[0]
            rows = (insert_row(item, stamp) for item in items)
            while chunk := list(islice(rows, _CHUNK)):
                connection.executemany(INSERT_SQL, chunk)
            connection.execute(*new_history(stamp, actor, first_id, None))
            count = connection.execute(
                "SELECT COUNT(*) FROM dossiers WHERE id > ?", (first_id,)
            ).fetchone()[0]
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")
        # The planner's statistics: without them a fresh million-row table may get poor plans.
        connection.execute("PRAGMA optimize")
    finally:
        connection.close()
    return int(count)


async def insert_dossiers(
    path: Path, items: Iterable[DossierInput], *, now: datetime, actor: str = "import"
) -> int:
    """`insert_dossiers_sync` on a worker thread, so the event loop keeps running."""
    return await asyncio.to_thread(insert_dossiers_sync, path, items, now=now, actor=actor)


# --- new dossiers of an import, as compact rows ------------------------------------------------

#: The columns an import's compact row starts with (handlers.importing.columns.ImportRow): the
#: code and the stored fields up to the note; supplement_since, the stamps and remind_on are
#: worked out by SQL, so that a row goes to executemany without a new tuple per field.
NEW_ROW_COLUMNS = ("code", *DATA_FIELDS[: DATA_FIELDS.index("supplement_since")])
_new_row = itemgetter(slice(0, len(NEW_ROW_COLUMNS)))


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _insert_new_sql(stamp: str, today: date) -> str:
    """INSERT_SQL for compact rows: a needs_supplement dossier waits since today (as
    `prepare` sets it), remind_on as `insert_row` writes it; the stamps are literals."""
    status = f"?{NEW_ROW_COLUMNS.index('status') + 1}"
    reminded = ", ".join(_literal(value) for value in REMINDED_STATUSES)
    # An empty resolved_on, decision_no or note comes as "" (see ImportRow) and is stored NULL.
    nullable = {NEW_ROW_COLUMNS.index(name) + 1 for name in ("resolved_on", "decision_no", "note")}
    values = [
        f"NULLIF(?{position}, '')" if position in nullable else f"?{position}"
        for position in range(1, len(NEW_ROW_COLUMNS) + 1)
    ]
    values += [
        f"CASE WHEN {status} = 'needs_supplement' THEN {_literal(today.isoformat())} END",
        _literal(stamp),
        _literal(stamp),
        f"CASE WHEN {status} IN ({reminded}) THEN '' END",
    ]
    columns = [*NEW_ROW_COLUMNS, "supplement_since", "created_at", "updated_at", "remind_on"]
    return f"INSERT INTO dossiers ({', '.join(columns)}) VALUES ({', '.join(values)})"


async def insert_new(
    db: Database,
    rows: Sequence[Sequence[Any]],
    *,
    actor: str,
    stamp: str,
    today: date,
    imported: ImportedHistory | None = None,
) -> int:
    """Inside an import's transaction, on the worker (`Database.on_worker`): insert dossiers
    none of whose codes is stored, from compact rows (NEW_ROW_COLUMNS first), each with its
    "received" history row, as `DossierRepository.upsert_many` would; returns how many.

    A code that does exist fails on the unique index, rolling the import back."""
    async with db.transaction() as conn:
        async with conn.execute("SELECT COALESCE(MAX(id), 0) FROM dossiers") as cursor:
            last_id = (await cursor.fetchone())[0]
        await conn.executemany(_insert_new_sql(stamp, today), map(_new_row, rows))
        await conn.execute(*new_history(stamp, actor, last_id, imported))
    return len(rows)


# --- bulk mode of an import -------------------------------------------------------------------

#: Indexes of these tables are dropped for a big import and built again after it: building an
#: index once from sorted data is several times faster than updating it row by row.
_BULK_TABLES = ("dossiers", "dossier_history")
#: Only this trigger is suspended: INSERT_SQL already writes remind_on as it would.
_BULK_TRIGGERS = ("dossiers_remind_insert",)
#: Page cache (KiB, as a negative cache_size) while a big import runs: the index builds sort
#: in memory (temp_store=MEMORY) and the inserts touch fewer pages twice.
_BULK_CACHE_KIB = 16_384
#: Helper threads SQLite's sorter may start while a big import builds its indexes.
_BULK_SORT_THREADS = 2


def is_bulk(estimated_rows: int, stored_rows: int, *, minimum: int = 20_000) -> bool:
    """A file is loaded in bulk mode when it is large relative to the table: rebuilding the
    indexes then costs less than updating them row by row."""
    return estimated_rows >= minimum and estimated_rows >= stored_rows


async def bulk_settings(db: Database) -> list[tuple[str, Any]]:
    """Outside a transaction: temp_store=MEMORY, a bigger page cache and sorter threads;
    returns the old settings. PostgreSQL has no such settings: nothing to change."""
    if db.dialect == POSTGRESQL:
        return []
    previous = []
    for pragma, value in (
        ("temp_store", 2),
        ("cache_size", -_BULK_CACHE_KIB),
        # The index builds' sorts may use a helper thread on the other core: a 1M-row import
        # took a median 0.9 s less (6 runs side by side, the machine shared with one job).
        ("threads", _BULK_SORT_THREADS),
    ):
        row = await db.fetch_one(f"PRAGMA {pragma}")
        previous.append((pragma, row[0] if row else None))
        await db.fetch_all(f"PRAGMA {pragma} = {int(value)}")
    return previous


async def restore_settings(db: Database, previous: list[tuple[str, Any]]) -> None:
    for pragma, value in previous:
        if value is not None:
            await db.fetch_all(f"PRAGMA {pragma} = {int(value)}")


async def suspend_indexes(db: Database) -> list[str]:
    """Inside the import's transaction: drop the secondary indexes of the dossier tables and
    the redundant insert trigger; returns the SQL that creates them again. On PostgreSQL
    (several instances reading meanwhile) the indexes stay: nothing to rebuild."""
    if db.dialect == POSTGRESQL:
        return []
    tables = ", ".join("?" * len(_BULK_TABLES))
    triggers = ", ".join("?" * len(_BULK_TRIGGERS))
    rows = await db.fetch_all(
        "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL AND ("
        f" (type = 'index' AND tbl_name IN ({tables})) OR (type = 'trigger' AND name IN"
        f" ({triggers}))) ORDER BY type, name",
        (*_BULK_TABLES, *_BULK_TRIGGERS),
    )
    async with db.transaction() as conn:
        for row in rows:
            kind = "INDEX" if row["type"] == "index" else "TRIGGER"
            await conn.execute(f'DROP {kind} "{row["name"]}"')
    return [row["sql"] for row in rows]


async def restore_indexes(db: Database, statements: list[str]) -> None:
    """Inside the same transaction: build the indexes and put the trigger back."""
    async with db.transaction() as conn:
        for sql in statements:
            await conn.execute(sql)
