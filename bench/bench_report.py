"""The report's queries on 1,000,000 dossiers: the period's groups and the carried-over line.

The default period as of the data's last day (Decree 09/2019: the reporting year from 15/12)
is asked `RUNS` times; each figure is the median. The baseline is the period's grouped scan
alone, as the report ran before the carried-over line; the second row is that line's query.
"""

from __future__ import annotations

import time

from bench.data import LAST_DAY, database
from bench.report import median, result
from db.connection import open_database
from db.reports import ReportRepository
from handlers.report import choose_period

DOSSIERS = 1_000_000
RUNS = 5


async def main() -> list[dict]:
    path = database(DOSSIERS)
    db = await open_database(path)
    try:
        reports = ReportRepository(db)
        period = choose_period(LAST_DAY)
        groups, carried = [], []
        counts = (0, 0)
        for _ in range(RUNS):
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
        result("report: period's groups (baseline)", median(groups) * 1000, "ms"),
        result("report: carried-over line", median(carried) * 1000, "ms"),
    ]
