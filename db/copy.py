"""Moving a board's data from its SQLite file to PostgreSQL (`python -m bot migrate-db`).

Both databases are first brought to the same schema version by their own migrations; then
every table is copied with PostgreSQL's COPY in one transaction, parents before children (the
foreign keys stay on), the identity sequences are moved past the copied ids, and each table's
row count is compared. Any difference, or a target that already holds data, and nothing is
written.
"""

from __future__ import annotations

import asyncio
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg

from db.connection import open_database

#: Rows read from SQLite at a time (the copy streams; a million dossiers never sit in memory).
CHUNK_ROWS = 5000


class CopyError(Exception):
    """Nothing was copied. `reason`: no_source, not_empty, count_mismatch, schema, database."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True, slots=True)
class CopySummary:
    #: Rows copied per table, in the order they were copied.
    tables: dict[str, int]
    schema_version: int


async def copy_sqlite_to_postgresql(source: Path, target_url: str) -> CopySummary:
    """Copy every table of the SQLite file `source` into the (empty) database at `target_url`."""
    if not source.is_file():
        raise CopyError("no_source", str(source))
    for opened in (source, target_url):
        try:
            database = await open_database(opened)
        except sqlite3.Error as exc:
            raise CopyError("database", str(exc).splitlines()[0]) from exc
        await database.close()
    return await asyncio.to_thread(_copy, source, target_url)


def _copy(source: Path, target_url: str) -> CopySummary:
    reader = sqlite3.connect(source)
    try:
        with psycopg.connect(target_url) as writer:  # one transaction, committed on success
            tables = _tables_in_order(reader)
            _refuse_non_empty(writer, tables)
            copied = {table: _copy_table(reader, writer, table) for table in tables}
            _move_sequences(writer, tables)
            _check_counts(reader, writer, copied)
            version = int(
                reader.execute("SELECT MAX(version) FROM schema_migrations").fetchone()[0]
            )
            target_version = writer.execute("SELECT MAX(version) FROM schema_migrations").fetchone()
            if target_version is None or int(target_version[0]) != version:
                raise CopyError("schema", f"SQLite {version}, PostgreSQL {target_version}")
        return CopySummary(tables=copied, schema_version=version)
    except psycopg.Error as exc:
        raise CopyError("database", str(exc).splitlines()[0]) from exc
    finally:
        reader.close()


def _tables_in_order(reader: sqlite3.Connection) -> list[str]:
    """The data tables, each after the tables its foreign keys point to."""
    names = [
        row[0]
        for row in reader.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            " AND name <> 'schema_migrations' ORDER BY name"
        )
    ]
    parents = {
        name: {row[2] for row in reader.execute(f'PRAGMA foreign_key_list("{name}")')} - {name}
        for name in names
    }
    ordered: list[str] = []
    while len(ordered) < len(names):
        ready = [n for n in names if n not in ordered and parents[n] <= set(ordered)]
        if not ready:
            raise CopyError("schema", "foreign keys form a cycle")
        ordered.extend(ready)
    return ordered


def _refuse_non_empty(writer: psycopg.Connection[Any], tables: list[str]) -> None:
    for table in tables:
        if writer.execute(f'SELECT EXISTS (SELECT 1 FROM "{table}")').fetchone()[0]:  # type: ignore[index]
            raise CopyError("not_empty", table)


def _copy_table(reader: sqlite3.Connection, writer: psycopg.Connection[Any], table: str) -> int:
    columns = [row[1] for row in reader.execute(f'PRAGMA table_info("{table}")')]
    names = ", ".join(f'"{column}"' for column in columns)
    rows = reader.execute(f'SELECT {names} FROM "{table}"')
    count = 0
    with writer.cursor().copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
        while chunk := rows.fetchmany(CHUNK_ROWS):
            for row in chunk:
                copy.write_row(row)
            count += len(chunk)
    return count


def _move_sequences(writer: psycopg.Connection[Any], tables: list[str]) -> None:
    """Ids given by the copy did not advance the identity sequences: move each past them."""
    generated = {
        row[0]
        for row in writer.execute(
            "SELECT table_name FROM information_schema.columns WHERE column_name = 'id'"
            " AND is_identity = 'YES' AND table_schema = current_schema()"
        )
    }
    for table in tables:
        if table not in generated:
            continue
        sequence = writer.execute("SELECT pg_get_serial_sequence(%s, 'id')", (table,)).fetchone()
        assert sequence is not None
        writer.execute(
            f'SELECT setval(%s, COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM "{table}"',
            (sequence[0],),
        )


def _check_counts(
    reader: sqlite3.Connection, writer: psycopg.Connection[Any], copied: dict[str, int]
) -> None:
    for table, count in copied.items():
        source = reader.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
        target = writer.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]  # type: ignore[index]
        if not source == target == count:
            raise CopyError("count_mismatch", f"{table}: {source} → {target}")
