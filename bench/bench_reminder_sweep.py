"""The reminder tick over 1,000,000 dossiers: the sweep query (≤ 50 ms) and the whole tick.

Usage: `python -m bench reminder` (or `BENCH_DOSSIERS=200000 python -m bench reminder`).

A temporary SQLite file gets a million dossiers received from 2019 on: the last six weeks
still open (received, in review, waiting for supplements), the older ones finished except
one in 500 left open and long overdue, four in five open ones assigned to one of 20 officers.
They arrive as from a fresh import, never reminded. Then, with the real tick and the clock
moved: the whole first tick after the import (everything open is looked at once; ≤ 3 s) and
an ordinary morning (Wednesday 25 November 2026, after the holiday; ≤ 1 s), digests and
reminders, each on its own copy of the database, medians of three runs, interleaved with the
same ticks as before (the planner called for each dossier, the baseline); the idle tick that
runs every minute, and for comparison the selection written without `remind_on` on a plain
due date index.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from bench import report
from bench.report import median
from bot.scheduler import _digests, tick
from config.settings import Settings
from db.connection import open_database
from db.models import instant_to_db
from db.reminder_bench import (
    NAIVE_SWEEP_SQL,
    bulk_insert_staff,
    bulk_load_dossiers,
    count_rows,
    explain,
    open_reader,
    use_only_due_index,
)
from db.reminders import SWEEP_SQL
from handlers.reminders import ReminderRules, WorkdayIndex, make_planner
from handlers.services import build_services

DOSSIERS = int(os.environ.get("BENCH_DOSSIERS", "1000000"))
OFFICERS = 20
LEADERS = 3
FIRST_DAY = date(2019, 1, 2)
LAST_DAY = date(2026, 11, 22)
OPEN_DAYS = 45
AGENCY = "000.00.21.H01"
TARGET_MS = 50.0
MORNING_TARGET_MS = 1000.0
FIRST_TARGET_MS = 3000.0
RUNS = 3


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


async def timed_tick(services: Any, mode: str = "sql") -> tuple[int, float]:
    started = time.perf_counter()
    sent = await (tick(services) if mode == "sql" else planner_tick(services))
    return sent, (time.perf_counter() - started) * 1000


async def planner_tick(services: Any) -> int:
    """The tick as it was before the set-based sweep: the same digests, then the planner
    called for each dossier and its messages written one by one (the baseline)."""
    rules = ReminderRules.from_settings(services.settings)
    today = services.today()
    index = WorkdayIndex(services.calendar, today)
    staff, blocked = await services.reminders.recipients()
    sent = 0
    if services.calendar.is_working_day(today):
        sent += await _digests(services, rules, index, staff, blocked, today)
    planner = make_planner(
        rules=rules,
        index=index,
        horizon=today,
        today=today,
        staff=staff,
        blocked=blocked,
        award_name=services.catalog.name_of,
    )
    result = await services.reminders.sweep(horizon=today, planner=planner, now=services.now())
    return sent + result.messages


async def first_and_morning(
    path: Path, folder: Path, settings: Settings, clock: Clock, mode: str
) -> tuple[int, float, int, float]:
    """On a copy of the imported database: the first tick after the import (Monday 23) and
    the ordinary morning (Wednesday 25): (messages, ms) of each."""
    copy = folder / f"{mode}.sqlite3"
    shutil.copyfile(path, copy)
    database = await open_database(copy)
    services = build_services(settings, database, clock=clock)
    try:
        clock.set_local("2026-11-23 07:30")
        first, first_ms = await timed_tick(services, mode)
        clock.set_local("2026-11-24 07:30")  # Vietnam Cultural Day: no digests, few reminders
        await timed_tick(services, mode)
        clock.set_local("2026-11-25 07:30")
        sent, morning_ms = await timed_tick(services, mode)
    finally:
        await database.close()
        for leftover in folder.glob(f"{mode}.sqlite3*"):
            leftover.unlink()
    return first, first_ms, sent, morning_ms


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

    # The whole tick (digests and reminders), set-based and as before (the planner called for
    # each dossier), each on its own copy of the freshly imported database, interleaved.
    ticks: dict[str, list[tuple[int, float, int, float]]] = {"sql": [], "planner": []}
    for attempt in range(RUNS):
        for mode in ("sql", "planner"):
            ticks[mode].append(await first_and_morning(path, folder, settings, clock, mode))
            print(f"round {attempt + 1}, {mode}: {ticks[mode][-1]}", flush=True)
    first, first_ms = ticks["sql"][0][0], median([run[1] for run in ticks["sql"]])
    sent, morning_ms = ticks["sql"][0][2], median([run[3] for run in ticks["sql"]])
    before_first_ms = median([run[1] for run in ticks["planner"]])
    before_morning_ms = median([run[3] for run in ticks["planner"]])

    database = await open_database(path)
    services = build_services(settings, database, clock=clock)
    try:
        clock.set_local("2026-11-23 07:30")
        await tick(services)
        clock.set_local("2026-11-24 07:30")
        await tick(services)
        # Wednesday 25 November, 07:30: a steady-state morning.
        clock.set_local("2026-11-25 07:30")
        today = services.today().isoformat()
        reader = open_reader(path)
        due_now, query_ms = timed(lambda: count_rows(reader, SWEEP_SQL, (today, today, 10**9)))
        plan = explain(path, SWEEP_SQL, (today, today, 10**9))
        await tick(services)
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
        report.result(
            f"reminder whole tick, ordinary morning (median of {RUNS})",
            morning_ms,
            "ms",
            f"≤ {MORNING_TARGET_MS:,.0f}",
            morning_ms <= MORNING_TARGET_MS,
            note=f"{sent:,} messages (digests and reminders), {size}",
        ),
        report.result(
            f"reminder whole tick, first sweep after the import (median of {RUNS})",
            first_ms,
            "ms",
            f"≤ {FIRST_TARGET_MS:,.0f}",
            first_ms <= FIRST_TARGET_MS,
            note=f"{first:,} messages",
        ),
        report.result(
            "reminder whole tick before (the planner per dossier): morning / first sweep",
            f"{before_morning_ms:,.0f} / {before_first_ms:,.0f}",
            "ms",
            note="the same runs, each on its own copy of the database",
        ),
        report.result("reminder sweep without remind_on (due_on index)", naive_ms, "ms"),
    ]


def main() -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory(prefix="tdkt-bench-") as folder:
        return asyncio.run(run(Path(folder)))
