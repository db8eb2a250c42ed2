"""The reminder sweep's benchmark support (bench/bench_reminder_sweep.py): bulk loading of
a million dossiers, the sweep as it would be without `remind_on`, and query plans. Plain
sqlite3, outside the bot's connection; not used by the bot itself.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any


def bulk_load_dossiers(path: Path, rows: Iterable[tuple[Any, ...]], stamp: str) -> int:
    """Insert many dossiers fast with sqlite3's executemany in one transaction (benchmarks).

    Each row is (code, award_kind, nominee, received_on, due_on, status, resolved_on,
    officer_id, remind_on). For benchmarks: no history rows, no notices.
    """
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA synchronous = OFF")
        connection.execute("BEGIN")
        # Building the secondary indexes once at the end is several times faster than keeping
        # them up to date row by row; whatever indexes the migrations made are rebuilt as is.
        indexes = connection.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index'"
            " AND tbl_name = 'dossiers' AND sql IS NOT NULL"
        ).fetchall()
        for name, _sql in indexes:
            connection.execute(f'DROP INDEX "{name}"')
        cursor = connection.executemany(
            "INSERT INTO dossiers (code, award_kind, nominee, received_on, due_on, status,"
            " resolved_on, officer_id, remind_on, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            ((*row, stamp, stamp) for row in rows),
        )
        count = cursor.rowcount
        for _name, sql in indexes:
            connection.execute(sql)
        connection.execute("COMMIT")
        return count
    finally:
        connection.close()


def bulk_insert_staff(
    path: Path, rows: Iterable[tuple[str, str, str, str, str]], stamp: str
) -> None:
    """Insert staff rows (channel, user_id, chat_id, name, role) directly (benchmarks)."""
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("BEGIN")
        connection.executemany(
            "INSERT INTO staff (channel, user_id, chat_id, name, role, joined_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [(*row, stamp) for row in rows],
        )
        connection.execute("COMMIT")
    finally:
        connection.close()


#: The sweep as it would be written without `remind_on`: every running dossier due within the
#: reminder window or overdue, minus those already reminded today. Kept for the benchmark's
#: comparison only.
NAIVE_SWEEP_SQL = (
    "SELECT d.id, d.code, d.nominee, d.award_kind, d.status, d.due_on, d.officer_id"
    " FROM dossiers d WHERE d.status IN ('received', 'in_review') AND d.due_on <= ?"
    " AND NOT EXISTS (SELECT 1 FROM reminders_sent r WHERE r.dossier_id = d.id AND r.day = ?)"
)


def use_only_due_index(path: Path) -> None:
    """Benchmarks: drop the reminder and covering indexes and index due_on alone, to measure
    what the sweep would cost without the partial index."""
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        for name in (
            "dossiers_remind_on",
            "dossiers_open_officer",
            "dossiers_open_due",
            "dossiers_report",
        ):
            connection.execute(f"DROP INDEX IF EXISTS {name}")
        connection.execute("CREATE INDEX IF NOT EXISTS bench_dossiers_due ON dossiers (due_on)")
    finally:
        connection.close()


def open_reader(path: Path) -> sqlite3.Connection:
    """A plain sqlite3 connection for benchmarks to time queries on, without aiosqlite."""
    return sqlite3.connect(path)


def count_rows(connection: sqlite3.Connection, sql: str, params: Sequence[Any]) -> int:
    """Run a query to its end; how many rows it gave."""
    return len(connection.execute(sql, params).fetchall())


def explain(path: Path, sql: str, params: Sequence[Any]) -> list[str]:
    """The query plan's lines (benchmarks print them to show which index a query uses)."""
    connection = sqlite3.connect(path)
    try:
        return [str(row[3]) for row in connection.execute("EXPLAIN QUERY PLAN " + sql, params)]
    finally:
        connection.close()
