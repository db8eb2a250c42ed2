"""The counts per step of the units' submissions (the inbox and every morning digest), median
of 3 runs, on 1,000 submissions of 10 rows each, all still waiting.

Baseline in the same run: one plain count of the same waiting rows, so the difference is the
cost of reading every row's step and working out its limit on the calendar.
"""

from __future__ import annotations

import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bench.report import median, result
from config.settings import Settings
from db.connection import open_database
from handlers.review.inbox import step_summary
from handlers.services import build_services

SUBMISSIONS = 1_000
ROWS_EACH = 10
RUNS = 3


async def _fill(db: object, day: date) -> None:
    stamp = datetime(2026, 11, 25, tzinfo=UTC).isoformat()
    async with db.transaction() as conn:  # type: ignore[attr-defined]
        await conn.execute(
            "INSERT INTO units (id, name, name_key, created_at) VALUES (1, 'Đơn vị', 'don vi', ?)",
            (stamp,),
        )
        for number in range(SUBMISSIONS):
            submitted = day - timedelta(days=number % 30)
            await conn.execute(
                "INSERT INTO submissions (id, code, unit_id, submitted_on, submitted_by,"
                " file_name, file_bytes, created_at) VALUES (?, ?, 1, ?, 'bench', 'ds.xlsx', x'',"
                " ?)",
                (number + 1, f"TT-BENCH-{number:04d}", submitted.isoformat(), stamp),
            )
            for row in range(ROWS_EACH):
                dossier_id = number * ROWS_EACH + row + 1
                await conn.execute(
                    "INSERT INTO dossiers (id, code, award_kind, nominee, unit, phone_last4,"
                    " received_on, due_on, status, created_at, updated_at)"
                    " VALUES (?, ?, 'BKCT', 'Người', '', '', ?, ?, ?, ?, ?)",
                    (
                        dossier_id,
                        f"000.00.21.H01-BENCH-{dossier_id:06d}",
                        submitted.isoformat(),
                        (submitted + timedelta(days=28)).isoformat(),
                        ("received", "in_review")[row % 2],
                        stamp,
                        stamp,
                    ),
                )
                await conn.execute(
                    "INSERT INTO submission_rows (submission_id, row_number, dossier_id,"
                    " nominee_type, verdict, verdict_text) VALUES (?, ?, ?, 'individual',"
                    " 'eligible', 'Đủ điều kiện')",
                    (number + 1, row + 2, dossier_id),
                )


async def main() -> list[dict]:
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(_env_file=None, database=Path(folder) / "bench.sqlite3")  # type: ignore[call-arg]
        db = await open_database(settings.database)  # type: ignore[arg-type]
        try:
            now = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
            services = build_services(settings, db, clock=lambda: now)
            await _fill(db, services.today())
            steps: list[float] = []
            counts: list[float] = []
            for _ in range(RUNS):
                started = time.perf_counter()
                summary = await step_summary(services)
                steps.append(time.perf_counter() - started)
                assert summary is not None
                started = time.perf_counter()
                row = await db.fetch_one(
                    "SELECT COUNT(*) FROM submission_rows r JOIN dossiers d ON d.id = r.dossier_id"
                    " WHERE d.status IN ('received', 'in_review', 'needs_supplement', 'passed')"
                )
                counts.append(time.perf_counter() - started)
                assert row is not None and row[0] == SUBMISSIONS * ROWS_EACH
        finally:
            await db.close()
    step_s, count_s = median(steps), median(counts)
    total = SUBMISSIONS * ROWS_EACH
    print(f"counts per step, {total} rows: median {step_s:.3f} s")
    print(f"baseline, plain count of the same rows: median {count_s:.4f} s")
    return [
        result(
            f"submissions' rows per step, {total:,} rows",
            step_s,
            "s",
            note=f"baseline plain count {count_s:.4f} s",
        )
    ]
