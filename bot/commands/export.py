"""`python -m bot export`: dossiers (later also nominations) to .xlsx or .csv.

Usage: `python -m bot export --what dossiers [--from YYYY-MM-DD] [--to YYYY-MM-DD]
-o FILE.xlsx|FILE.csv`. The file has exactly the import's columns, so importing it back
changes nothing. Nothing is written unless the whole export succeeds. `--for-staff [--status
S]...` writes the sheet staff read instead (handlers/staff_export.py).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import date
from pathlib import Path

from bot.app import open_app
from bot.commands.export_decision import export_decision
from bot.commands.report import OptionError, add_period_arguments, parse_period
from bot.progress import progress_bar
from config.settings import Settings
from domain.statuses import Status
from domain.text import fold
from handlers.excel import WRITERS, write_dossiers
from handlers.formatting import vn_date, vn_number
from handlers.services import Services
from handlers.texts import casework as tw
from handlers.texts import newuser as tn
from handlers.texts import report as t

NAME = "export"
#: Opens an existing database only: the CLI checks it is there and says which it is.
READS_DATABASE = True
HELP = "export dossiers to .xlsx or .csv in the import's columns (a round trip changes nothing)"
EXIT_OK, EXIT_FAILED = 0, 1

#: What one kind of export does: services, period bounds, target file → exit code.
Exporter = Callable[[Services, date | None, date | None, Path], Awaitable[int]]


async def export_dossiers(
    services: Services, start: date | None, end: date | None, target: Path
) -> int:
    repository = services.reports
    total = await repository.count_received(start, end)
    if total == 0:
        print(_nothing_message(start, end), file=sys.stderr)
        return EXIT_FAILED

    async def write(partial: Path, on_batch: Callable[[int], None]) -> int:
        writer = WRITERS[target.suffix.lower()](partial)
        return await write_dossiers(repository.export_rows(start, end), writer, on_batch)

    return await _write_export(target, total, write)


async def export_nominations(
    services: Services, start: date | None, end: date | None, target: Path
) -> int:
    from handlers.nomination.export import write_nominations

    total = await services.nominations.count_received(start, end)
    if total == 0:
        empty = start is None and end is None
        print(t.NO_NOMINATIONS if empty else _nothing_message(start, end), file=sys.stderr)
        return EXIT_FAILED

    async def write(partial: Path, on_batch: Callable[[int], None]) -> int:
        rows = services.nominations.export_rows(start, end)
        return await write_nominations(rows, partial, suffix=target.suffix, on_batch=on_batch)

    return await _write_export(target, total, write)


async def _write_export(
    target: Path,
    total: int,
    write: Callable[[Path, Callable[[int], None]], Awaitable[int]],
) -> int:
    """Let `write` fill a `.part` file next to `target` (with a progress bar over `total`
    rows), then rename it: a failed export leaves no file. Prints the count and the time."""
    began = time.monotonic()
    partial = target.with_name(f".{target.name}.part")
    try:
        with progress_bar(total, t.PROGRESS_EXPORT) as bar:
            written = await write(partial, bar.update)
        os.replace(partial, target)
    except OSError as exc:
        print(t.EXPORT_WRITE_FAILED.format(path=target, reason=exc.strerror), file=sys.stderr)
        return EXIT_FAILED
    finally:
        partial.unlink(missing_ok=True)
    seconds = f"{time.monotonic() - began:.1f}".replace(".", ",")
    print(t.EXPORT_DONE.format(count=vn_number(written), path=target, seconds=seconds))
    return EXIT_OK


async def export_staff(
    services: Services,
    start: date | None,
    end: date | None,
    target: Path,
    statuses: frozenset[Status] | None = None,
) -> int:
    """`--for-staff`: the sheet staff read (handlers/staff_export.py), not the import's."""
    from handlers.staff_export import STAFF_WRITERS, write_staff_rows

    total = await services.casework.count_for_export(start, end, statuses)
    if total == 0:
        print(_nothing_message(start, end), file=sys.stderr)
        return EXIT_FAILED

    async def write(partial: Path, on_batch: Callable[[int], None]) -> int:
        writer = STAFF_WRITERS[target.suffix.lower()](partial)
        rows = services.casework.staff_export_rows(start, end, statuses=statuses)
        return await write_staff_rows(
            rows, writer, services.catalog, services.calendar, services.today(), on_batch
        )

    return await _write_export(target, total, write)


def parse_statuses(values: list[str] | None) -> frozenset[Status] | None:
    """`--status in_review --status "Đang thẩm định"`: keys or labels, accents optional."""
    if not values:
        return None
    by_name = {fold(status.value): status for status in Status}
    by_name |= {fold(status.label): status for status in Status}
    found = set()
    for value in values:
        status = by_name.get(fold(value))
        if status is None:
            raise OptionError(tw.EXPORT_BAD_STATUS.format(value=value[:60]))
        found.add(status)
    return frozenset(found)


EXPORTERS: dict[str, Exporter] = {
    "dossiers": export_dossiers,
    "nominations": export_nominations,
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--what", choices=sorted([*EXPORTERS, "decision"]), default="dossiers")
    parser.add_argument("--decision", metavar="NUMBER", help="with --what decision: its number")
    add_period_arguments(parser)
    parser.add_argument("-o", "--output", type=Path, required=True, metavar="FILE.xlsx|FILE.csv")
    parser.add_argument(
        "--for-staff",
        action="store_true",
        help="the sheet staff read: Vietnamese headers and labels, officer, days left/overdue"
        " (not importable; the default export is the import's round-trip format)",
    )
    parser.add_argument(
        "--status",
        action="append",
        metavar="STATUS",
        help="with --for-staff: only these statuses (key or Vietnamese label); repeatable",
    )
    parser.add_argument(
        "--force", action="store_true", help="replace FILE when it exists (refused otherwise)"
    )


async def run(settings: Settings, args: argparse.Namespace) -> int:
    target: Path = args.output
    if args.what == "decision":  # issue 25: the list attached to a decision
        return await _export_decision(settings, args.decision, target)
    if target.suffix.lower() not in WRITERS:
        print(t.EXPORT_BAD_TARGET.format(name=target.name), file=sys.stderr)
        return EXIT_FAILED
    try:
        start, end = parse_period(args)
        statuses = parse_statuses(args.status)
    except OptionError as exc:
        print(exc, file=sys.stderr)
        return EXIT_FAILED
    if statuses is not None and not args.for_staff:
        print(tw.EXPORT_STATUS_NEEDS_STAFF, file=sys.stderr)
        return EXIT_FAILED
    if target.exists() and not args.force:
        # Like `backup`: an earlier export is somebody's file; replacing it is asked for.
        print(tn.EXPORT_EXISTS.format(path=target), file=sys.stderr)
        return EXIT_FAILED
    app = await open_app(settings)
    try:
        problem = _period_problem(start, end, app.services.today())
        if problem is not None:
            print(problem, file=sys.stderr)
            return EXIT_FAILED
        if args.for_staff and args.what == "dossiers":
            return await export_staff(app.services, start, end, target, statuses)
        return await EXPORTERS[args.what](app.services, start, end, target)
    finally:
        await app.close()


async def _export_decision(settings: Settings, number: str | None, target: Path) -> int:
    app = await open_app(settings)
    try:
        return await export_decision(app.services, number, target)
    finally:
        await app.close()


def _period_problem(start: date | None, end: date | None, today: date) -> str | None:
    if start is not None and end is not None and end < start:
        return t.END_BEFORE_START.format(start=vn_date(start), end=vn_date(end))
    for day in (start, end):
        if day is not None and day > today:
            return t.FUTURE_DATE.format(day=vn_date(day), today=vn_date(today))
    return None


def _nothing_message(start: date | None, end: date | None) -> str:
    if start is None and end is None:
        return t.EXPORT_NOTHING
    return t.EMPTY_PERIOD.format(
        start=vn_date(start) if start else "…", end=vn_date(end) if end else "…"
    )
