"""db/connection.py: a write waits for another process's write lock (a long import) instead of
failing with "database is locked" after the busy timeout."""

from __future__ import annotations

import asyncio
import logging
import sqlite3

import pytest

from db.connection import BUSY_TIMEOUT_MS, WRITE_WAIT_SECONDS, Database


def test_the_figures_the_readme_states() -> None:
    assert WRITE_WAIT_SECONDS == 60
    assert BUSY_TIMEOUT_MS == 5000


@pytest.mark.sqlite_only  # PostgreSQL's writers queue on their advisory lock instead
async def test_a_write_waits_past_the_busy_timeout_for_another_writer(
    db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    await db.fetch_all("PRAGMA busy_timeout = 10")  # as if the import held it past 5 s
    importer = sqlite3.connect(db.path, timeout=0, isolation_level=None)
    importer.execute("BEGIN IMMEDIATE")  # another process's long transaction

    async def write() -> None:
        async with db.transaction() as conn:
            await conn.execute("CREATE TABLE waited (x INTEGER)")

    with caplog.at_level(logging.INFO, logger="db.connection"):
        writing = asyncio.create_task(write())
        for _ in range(2_000):  # until the write has found the lock taken at least once
            if "database locked by another writer" in caplog.text:
                break
            await asyncio.sleep(0.005)
        assert not writing.done()
        importer.execute("ROLLBACK")
        importer.close()
        await writing
    assert await db.fetch_all("SELECT * FROM waited") == []


@pytest.mark.sqlite_only
async def test_other_errors_are_not_waited_for(db: Database) -> None:
    with pytest.raises(sqlite3.OperationalError, match="no such table"):
        async with db.transaction() as conn:
            await conn.execute("INSERT INTO nowhere VALUES (1)")


def test_a_sqlite_board_never_loads_the_postgresql_driver() -> None:
    # psycopg weighs about 20 MB in every process; the import runs two (bench_import's peak).
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    code = "import sys, bot.cli, bot.runtime; print('psycopg' in sys.modules)"
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "False"
