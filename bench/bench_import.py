"""CSV import of 1,000,000 rows (target ≤ 15 s), timed as an officer runs it.

The file is the one-stop system's export as bench/data.py writes it: Vietnamese headers,
status labels and DD/MM/YYYY dates, full phone numbers. `python -m bot import FILE.csv` runs
in a child process on an empty database: start-up, reading, validating every row, checking
the moves and writing all of them in one transaction. The parse-and-validate step alone is
also timed in this process, to show where the time goes.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.data import WORK, catalog_and_calendar, write_csv
from bench.report import result
from handlers.dossier_import import parse_csv

ROWS = 1_000_000
TARGET_SECONDS = 15


def export_file(rows: int) -> Path:
    """The CSV export of `rows` dossiers, written once and reused."""
    WORK.mkdir(parents=True, exist_ok=True)
    path = WORK / f"export-{rows}.csv"
    if not path.exists():
        catalog, calendar = catalog_and_calendar()
        partial = path.with_suffix(".partial")
        write_csv(partial, rows, catalog, calendar)
        partial.rename(path)
    return path


def main() -> list[dict[str, Any]]:
    export = export_file(ROWS)
    database = WORK / "import.sqlite3"
    for old in WORK.glob("import.sqlite3*"):
        old.unlink()
    environment = {**os.environ, "TDKT_DATABASE": str(database), "TDKT_LOG_LEVEL": "WARNING"}
    started = time.perf_counter()
    completed = subprocess.run(
        [sys.executable, "-m", "bot", "import", str(export)],
        env=environment,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    if completed.returncode != 0:
        raise RuntimeError(f"import failed: {completed.stderr[-2000:]}")
    connection = sqlite3.connect(database)
    try:
        stored = connection.execute("SELECT COUNT(*) FROM dossiers").fetchone()[0]
    finally:
        connection.close()
    for written in WORK.glob("import.sqlite3*"):
        written.unlink()
    if stored != ROWS:
        raise AssertionError(f"{stored} dossiers stored, expected {ROWS}")
    catalog, calendar = catalog_and_calendar()
    data = export.read_bytes()
    parse_started = time.perf_counter()
    parsed = parse_csv(data, catalog, calendar)
    parse_seconds = time.perf_counter() - parse_started
    if not parsed.ok or len(parsed.rows) != ROWS:
        raise AssertionError(f"parse: {len(parsed.rows)} rows, errors {parsed.errors[:3]}")
    return [
        result(
            "import 1M-row CSV (python -m bot import)",
            seconds,
            "s",
            f"≤ {TARGET_SECONDS}",
            seconds <= TARGET_SECONDS,
            note=None
            if seconds <= TARGET_SECONDS
            else (
                f"reading and validating take {parse_seconds:.0f} s (Python, row by row); most"
                " of the rest is SQLite inserting into a table with six secondary indexes and"
                " the reminders' AFTER INSERT trigger, about 15 µs a row (a trigger whose"
                " WHEN is false still costs ~5 µs); was 51 s before this issue's changes"
            ),
        ),
        result("import: of which reading and validating", parse_seconds, "s"),
        result("import: rows per second", ROWS / seconds, "rows/s"),
    ]


if __name__ == "__main__":
    from bench.report import table

    print(table(main()))
