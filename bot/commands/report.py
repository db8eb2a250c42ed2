"""`python -m bot report`: the half-year report's figures as text or JSON, and its chart.

Usage: `python -m bot report [--from YYYY-MM-DD --to YYYY-MM-DD] [--as-of YYYY-MM-DD]
[--format text|json] [--chart FILE.png]`. Without dates: the current reporting period of Decree
09/2019/NĐ-CP (15/12–14/6, then the year 15/12–14/12) up to today. `--as-of` re-issues a past
report: the figures as they stood at the end of that day, even before the period's end.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import date
from pathlib import Path

from bot.app import open_app
from config.settings import Settings
from handlers import apology, rating
from handlers.formatting import vn_date
from handlers.report import (
    ReportInputError,
    build_report,
    choose_period,
    report_chart,
    report_json,
    report_text,
)
from handlers.texts import report as t

NAME = "report"
#: Opens an existing database only: the CLI checks it is there and says which it is.
READS_DATABASE = True
HELP = "the half-year report (received, resolved, on time, pending) as text or JSON"
EXIT_OK, EXIT_FAILED = 0, 1


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_period_arguments(parser)
    parser.add_argument(
        "--as-of", dest="as_of", metavar="YYYY-MM-DD", help="figures as of this day (today)"
    )
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument("--chart", type=Path, metavar="FILE.png", help="also write the chart")


def add_period_arguments(parser: argparse.ArgumentParser) -> None:
    """`--from` and `--to`: the first and last day received (read them with `parse_period`)."""
    parser.add_argument("--from", dest="start", metavar="YYYY-MM-DD", help="first day received")
    parser.add_argument("--to", dest="end", metavar="YYYY-MM-DD", help="last day received")


class OptionError(Exception):
    """A command-line value is wrong; the message is the Vietnamese line for stderr."""


def parse_day(option: str, value: str | None) -> date | None:
    """An ISO date given on the command line, or None when the option is absent."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise OptionError(t.CLI_BAD_DATE.format(option=option, value=value[:40])) from None


def parse_period(args: argparse.Namespace) -> tuple[date | None, date | None]:
    """The days of `--from` and `--to` (None where absent); OptionError for a bad one."""
    return parse_day("--from", args.start), parse_day("--to", args.end)


def write_atomically(path: Path, content: bytes) -> None:
    """Write next to the target and rename: a failure never leaves half a file behind."""
    partial = path.with_name(f".{path.name}.part")
    try:
        partial.write_bytes(content)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


async def run(settings: Settings, args: argparse.Namespace) -> int:
    try:
        start, end = parse_period(args)
        as_of = parse_day("--as-of", args.as_of)
    except OptionError as exc:
        print(exc, file=sys.stderr)
        return EXIT_FAILED
    app = await open_app(settings)
    try:
        services = app.services
        try:
            period = choose_period(
                services.today(), start, end, as_of, year_start=settings.report_year_start
            )
        except ReportInputError as exc:
            print(exc, file=sys.stderr)
            return EXIT_FAILED
        figures = await build_report(services.reports, period, services.tz)
        if figures.empty:
            print(
                t.EMPTY_PERIOD.format(
                    start=vn_date(period.start), end=vn_date(period.received_until)
                ),
                file=sys.stderr,
            )
            return EXIT_FAILED
        if args.chart is not None:
            try:
                write_atomically(args.chart, report_chart(figures))
            except OSError as exc:
                print(
                    t.EXPORT_WRITE_FAILED.format(path=args.chart, reason=exc.strerror),
                    file=sys.stderr,
                )
                return EXIT_FAILED
        if args.format == "json":
            print(json.dumps(report_json(figures, services.catalog), ensure_ascii=False, indent=2))
        else:
            print(report_text(figures, services.catalog, with_statuses=True))
            period = figures.period
            print(
                await apology.report_line(
                    services, period.start, period.received_until, period.as_of
                )
            )
            # Issue 26.5: the satisfaction index of the ratings given in the period.
            rated = await rating.satisfaction(services, period.start, period.received_until)
            print()
            print("\n".join(rating.satisfaction_lines(rated, services)))
    finally:
        await app.close()
    return EXIT_OK
