"""The report's queries on 1,000,000 dossiers: the period's groups and the carried-over line.

The default period as of the data's last day (Decree 09/2019: the reporting year from 15/12)
is asked `RUNS` times, the three queries interleaved; each figure is the median. The baseline
is the grouped scan as it was before issue 12 (no withdrawal placed in time, no carried-over
line), run on the same database in the same process.
"""

from __future__ import annotations

import time

from bench.data import LAST_DAY, database
from bench.report import median, result
from db.connection import open_database
from db.reports import _RESOLVED_AS_OF, _RESOLVED_KEYS, ReportRepository
from handlers.report import choose_period

DOSSIERS = 1_000_000
RUNS = 5
BEFORE_SQL = f"""
SELECT award_kind, substr(received_on, 1, 7) AS month, status,
       {_RESOLVED_AS_OF} AS resolved,
       ({_RESOLVED_AS_OF} AND resolved_on <= due_on) AS on_time,
       (due_on < ? AND status <> 'needs_supplement') AS past_due,
       COUNT(*) AS dossiers
FROM dossiers WHERE received_on BETWEEN ? AND ? GROUP BY 1, 2, 3, 4, 5, 6
"""


async def main() -> list[dict]:
    path = database(DOSSIERS)
    db = await open_database(path)
    try:
        reports = ReportRepository(db)
        period = choose_period(LAST_DAY)
        before: list[float] = []
        groups: list[float] = []
        carried: list[float] = []
        counts = (0, 0)
        day = period.as_of.isoformat()
        params = (*_RESOLVED_KEYS, day, *_RESOLVED_KEYS, day, day)
        for _ in range(RUNS):
            begun = time.perf_counter()
            await db.fetch_all(
                BEFORE_SQL,
                (*params, period.start.isoformat(), period.received_until.isoformat()),
            )
            before.append(time.perf_counter() - begun)
            begun = time.perf_counter()
            rows = await reports.groups(period.start, period.received_until, period.as_of)
            groups.append(time.perf_counter() - begun)
            begun = time.perf_counter()
            old = await reports.carried_over(period.start, period.as_of)
            carried.append(time.perf_counter() - begun)
            counts = (sum(g.dossiers for g in rows), sum(g.dossiers for g in old))
    finally:
        await db.close()
    print(
        f"period {period.start}–{period.end} as of {period.as_of}: {counts[0]:,} received,"
        f" {counts[1]:,} carried over"
    )
    return [
        result("report: period's groups before issue 12 (baseline)", median(before) * 1000, "ms"),
        result("report: period's groups, withdrawals placed in time", median(groups) * 1000, "ms"),
        result("report: carried-over line", median(carried) * 1000, "ms"),
    ]
