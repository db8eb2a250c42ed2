"""Times the reminder sweep over 1,000,000 dossiers (target: at most 50 ms) and prints it.

Usage: `python -m bench reminder` (or `BENCH_DOSSIERS=200000 python -m bench reminder`).

A temporary SQLite file gets a million dossiers received from 2019 on: the last six weeks
still open (received, in review, waiting for supplements), the older ones finished except
one in 500 left open and long overdue, four in five open ones assigned to one of 20 officers.
They arrive as from a fresh import, never reminded. Then, with the real tick and the clock
moved: the first sweep after the import (everything open is looked at once), a steady-state
morning (Wednesday 25 November 2026, after the holiday), the idle tick that runs every
minute, and for comparison the same selection written without `remind_on` on a plain due
date index.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from bench import report
from bot.scheduler import tick
from config.settings import Settings
from db.connection import open_database
from db.models import instant_to_db
from db.reminders import (
    NAIVE_SWEEP_SQL,
    SWEEP_SQL,
    bulk_insert_staff,
    bulk_load_dossiers,
    count_rows,
    explain,
    open_reader,
    use_only_due_index,
)
from handlers.reminders import ReminderRules, WorkdayIndex
from handlers.services import build_services

DOSSIERS = int(os.environ.get("BENCH_DOSSIERS", "1000000"))
OFFICERS = 20
LEADERS = 3
FIRST_DAY = date(2019, 1, 2)
LAST_DAY = date(2026, 11, 22)
OPEN_DAYS = 45
AGENCY = "000.00.21.H01"
TARGET_MS = 50.0


@dataclass
class Clock:
    """The benchmark moves time by hand, like the tests; nothing here reads the wall clock."""

    current: datetime

    def __call__(self) -> datetime:
        return self.current

    def set_local(self, text: str) -> None:
        self.current = (datetime.fromisoformat(text) - timedelta(hours=7)).replace(tzinfo=UTC)


def rows(
    count: int, index: WorkdayIndex, kinds: list[tuple[str, int]]
) -> Iterator[tuple[Any, ...]]:
    """(code, award_kind, nominee, received_on, due_on, status, resolved_on, officer_id,
    remind_on) for `count` dossiers spread evenly over FIRST_DAY..LAST_DAY."""
    span = (LAST_DAY - FIRST_DAY).days + 1
    open_from = LAST_DAY - timedelta(days=OPEN_DAYS)
    finished = ("returned", "decided", "returned", "passed", "rejected", "returned", "withdrawn")
    running = ("received", "in_review", "in_review", "in_review", "received", "in_review")
    sequence: dict[date, int] = {}
    due_cache: dict[tuple[date, int], str] = {}
    for number in range(count):
        received = FIRST_DAY + timedelta(days=number * span // count)
        sequence[received] = sequence.get(received, 0) + 1
        kind, working_days = kinds[number % len(kinds)]
        due = due_cache.get((received, working_days))
        if due is None:
            due = index.day_at(index.ordinal(received) + working_days).isoformat()
            due_cache[(received, working_days)] = due
        stuck = number % 500 == 7
        if received >= open_from or stuck:
            status = "needs_supplement" if number % 10 == 3 else running[number % len(running)]
            resolved = None
            officer = None if number % 5 == 0 else number % OFFICERS + 1
            remind_on = "" if status != "needs_supplement" else None
        else:
            status = finished[number % len(finished)]
            resolved = (
                None if status == "withdrawn" else (received + timedelta(days=15)).isoformat()
            )
            officer = number % OFFICERS + 1 if number % 3 else None
            remind_on = None
        yield (
            f"{AGENCY}-{received:%y%m%d}-{sequence[received]:04d}",
            kind,
            f"Người đề nghị {number}",
            received.isoformat(),
            due,
            status,
            resolved,
            officer,
            remind_on,
        )


def timed(run: Callable[[], object], repeat: int = 5) -> tuple[object, float]:
    """The result of `run` and its median duration in milliseconds."""
    durations = []
    result: object = None
    for _ in range(repeat):
        started = time.perf_counter()
        result = run()
        durations.append((time.perf_counter() - started) * 1000)
    return result, statistics.median(durations)


async def timed_tick(services: Any) -> tuple[int, float]:
    started = time.perf_counter()
    sent = await tick(services)
    return sent, (time.perf_counter() - started) * 1000


async def run(folder: Path) -> list[dict[str, Any]]:
    path = folder / "bench.sqlite3"
    settings = Settings(_env_file=None, database=path)  # type: ignore[call-arg]
    clock = Clock(datetime(2026, 11, 23, 0, 30, tzinfo=UTC))
    database = await open_database(path)  # creates and migrates the file
    services = build_services(settings, database, clock=clock)
    await database.close()
    stamp = instant_to_db(clock())
    staff = [
        ("telegram", str(9000 + n), str(9000 + n), f"Chuyên viên {n}", "officer")
        for n in range(1, OFFICERS + 1)
    ]
    staff += [("zalo", f"L{n}", f"L{n}", f"Lãnh đạo {n}", "leader") for n in range(1, LEADERS + 1)]
    bulk_insert_staff(path, staff, stamp)
    index = WorkdayIndex(services.calendar, LAST_DAY)
    kinds = [(kind.code, kind.working_days) for kind in services.catalog.kinds]
    started = time.perf_counter()
    loaded = bulk_load_dossiers(path, rows(DOSSIERS, index, kinds), stamp)
    print(f"built {loaded:,} dossiers in {time.perf_counter() - started:.1f} s ({path.name})")

    database = await open_database(path)
    services = build_services(settings, database, clock=clock)
    try:
        # Monday 23 November, 07:30: the first tick after the import looks at every open dossier.
        clock.set_local("2026-11-23 07:30")
        first, first_ms = await timed_tick(services)
        print(f"first sweep after the import: {first:,} messages enqueued in {first_ms:,.0f} ms")
        clock.set_local("2026-11-24 07:30")  # Vietnam Cultural Day: no digests, few reminders
        await tick(services)

        # Wednesday 25 November, 07:30: a steady-state morning.
        clock.set_local("2026-11-25 07:30")
        today = services.today().isoformat()
        reader = open_reader(path)
        due_now, query_ms = timed(lambda: count_rows(reader, SWEEP_SQL, (today, today, 10**9)))
        plan = explain(path, SWEEP_SQL, (today, today, 10**9))
        sent, morning_ms = await timed_tick(services)
        idle = []
        for minute in range(1, 6):
            clock.set_local(f"2026-11-25 07:{30 + minute}")
            idle.append((await timed_tick(services))[1])
        idle_ms = statistics.median(idle)
        _again, empty_ms = timed(lambda: count_rows(reader, SWEEP_SQL, (today, today, 10**9)))
        reader.close()

        # The same selection without remind_on, on a plain due_on index (the 0.7 s).
        rules = ReminderRules.from_settings(settings)
        soon = index.day_at(index.ordinal(date.fromisoformat(today)) + max(rules.offsets))
        use_only_due_index(path)
        reader = open_reader(path)
        params = (soon.isoformat(), today)
        naive_rows, naive_ms = timed(lambda: count_rows(reader, NAIVE_SWEEP_SQL, params), 3)
        naive_plan = explain(path, NAIVE_SWEEP_SQL, params)
        reader.close()
    finally:
        await database.close()

    verdict = "within" if query_ms <= TARGET_MS else "OVER"
    print(
        f"sweep query, steady-state morning: {query_ms:.1f} ms for {due_now:,} dossiers due"
        f" ({verdict} the {TARGET_MS:.0f} ms target); plan: {' / '.join(plan)}"
    )
    print(f"the morning's tick: {sent:,} messages (digests and reminders) in {morning_ms:,.0f} ms")
    print(
        f"sweep query once they are done: {empty_ms:.2f} ms;"
        f" idle tick (every minute): {idle_ms:.1f} ms"
    )
    print(
        f"without remind_on, due_on index only: {naive_ms:,.0f} ms for {naive_rows:,} rows;"
        f" plan: {' / '.join(naive_plan)}"
    )
    size = f"{DOSSIERS:,} dossiers"
    return [
        report.result(
            "reminder sweep query",
            query_ms,
            "ms",
            f"≤ {TARGET_MS:.0f}",
            query_ms <= TARGET_MS,
            note=None if query_ms <= TARGET_MS else f"{size}, {due_now:,} due",
        ),
        report.result("reminder idle tick (every minute)", idle_ms, "ms"),
        report.result("reminder morning tick", morning_ms, "ms", note=f"{sent:,} messages, {size}"),
        report.result(
            "reminder first sweep after import", first_ms, "ms", note=f"{first:,} messages"
        ),
        report.result("reminder sweep without remind_on (due_on index)", naive_ms, "ms"),
    ]


def main() -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory(prefix="tdkt-bench-") as folder:
        return asyncio.run(run(Path(folder)))
