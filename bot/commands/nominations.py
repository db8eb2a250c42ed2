"""`python -m bot nominations template|check|submit`: the unit's list, its check, submitting it.

`template -o FILE.xlsx` writes the board's blank list; `check FILE.xlsx` prints every row as
`Dòng N: NAME — HÌNH THỨC — verdict` plus format errors, exit 0 when the file could be read and
1 otherwise (a board officer runs it on a list received by e-mail); `submit FILE --unit NAME`
submits its eligible and for-review rows for that unit, as the unit's officer would in chat.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.app import open_app
from config.catalog import CatalogError, load_catalog
from config.eligibility import EligibilityError, eligibility_from
from config.settings import Settings
from handlers.nomination.unit_list import (
    ListUnreadable,
    check_workbook,
    report_lines,
    write_template,
)
from handlers.nomination.units import submit_list
from handlers.texts import unit_list as t

NAME = "nominations"
HELP = "the unit's nomination list: write the template, check a filled one"
EXIT_OK, EXIT_FAILED = 0, 1


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", required=True)
    template = sub.add_parser("template", help="write the blank list template (.xlsx)")
    template.add_argument("-o", "--output", type=Path, required=True, metavar="FILE.xlsx")
    checker = sub.add_parser("check", help="check every row of a filled list against the Law")
    checker.add_argument("file", type=Path)
    checker.add_argument(
        "--year", type=int, default=None, help="the year of the nomination (default: this year)"
    )
    submit = sub.add_parser("submit", help="submit a list's accepted rows for a unit")
    submit.add_argument("file", type=Path)
    submit.add_argument("--unit", required=True, help="the unit's name (created when new)")


async def run(settings: Settings, args: argparse.Namespace) -> int:
    try:
        catalog = load_catalog(settings.award_catalog)
        rules = eligibility_from(settings.eligibility_file)
    except (CatalogError, EligibilityError) as exc:
        print(exc, file=sys.stderr)
        return EXIT_FAILED
    if args.action == "template":
        target: Path = args.output
        try:
            target.write_bytes(write_template(catalog, rules))
        except OSError as exc:
            print(t.UNREADABLE.format(file=target.name, detail=exc), file=sys.stderr)
            return EXIT_FAILED
        print(t.TEMPLATE_WRITTEN.format(file=target))
        return EXIT_OK
    if args.action == "submit":
        return await _submit(settings, args.file, args.unit)
    year = args.year or datetime.now(ZoneInfo(settings.timezone)).year
    source: Path = args.file
    try:
        result = check_workbook(source, catalog, rules, year)
    except ListUnreadable as exc:
        print(t.UNREADABLE.format(file=source.name, detail=exc), file=sys.stderr)
        return EXIT_FAILED
    print("\n".join(report_lines(result, source.name)))
    return EXIT_OK


async def _submit(settings: Settings, source: Path, unit_name: str) -> int:
    try:
        content = source.read_bytes()
    except OSError as exc:
        print(t.UNREADABLE.format(file=source.name, detail=exc), file=sys.stderr)
        return EXIT_FAILED
    if sum(ch.isalpha() for ch in unit_name) < 2:
        print(t.INVITE_UNIT_USAGE, file=sys.stderr)
        return EXIT_FAILED
    app = await open_app(settings)
    try:
        unit = await app.services.submissions.unit_named(unit_name, app.services.now())
        replies = await submit_list(
            app.services, unit, source.name, content, actor=f"cli:{getpass.getuser()}"
        )
    except ListUnreadable as exc:
        print(t.UNREADABLE.format(file=source.name, detail=exc), file=sys.stderr)
        return EXIT_FAILED
    finally:
        await app.close()
    print("\n".join(reply.text for reply in replies))
    return EXIT_OK
