"""Bulk loading of dossiers straight through sqlite3, for benchmarks and very large seedings.

The async repositories go through aiosqlite's worker thread one statement at a time; loading a
million dossiers that way takes minutes. Here one plain sqlite3 connection on a worker thread
inserts them with executemany in a single transaction (with one "received" history row each,
as the import writes), which takes seconds. The database must already be migrated.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Iterable
from datetime import datetime
from itertools import islice
from pathlib import Path

from db.dossiers import INSERT_SQL, insert_row
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
            connection.execute(
                "INSERT INTO dossier_history"
                " (dossier_id, changed_at, actor, from_status, to_status, note)"
                " SELECT id, ?, ?, NULL, status, note FROM dossiers WHERE id > ? ORDER BY id",
                (stamp, actor, first_id),
            )
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
