"""`python -m bot calendar YEAR`: the year's days off and worked weekend days, with sources.

An officer checks the printout against the year's official notice (thông báo nghỉ lễ, Tết)
before due dates of that year are trusted; config/holidays.toml is where a wrong day is fixed.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date

import holidays

from config.settings import Settings
from domain.calendar import CalendarFileError, WorkCalendar
from handlers.formatting import vn_date
from handlers.texts import calendar as t

NAME = "calendar"
HELP = "print a year's days off and worked weekend days with their sources"
EXIT_OK, EXIT_FAILED = 0, 1


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("year", help="the year, e.g. 2026")


def year_lines(calendar: WorkCalendar, year: int, file_name: str) -> list[str]:
    """The printout: title, one line per day off or worked weekend day, the rules, totals."""
    if year in calendar.official_years:
        basis = t.BASIS_OFFICIAL.format(file=file_name)
    else:
        basis = t.BASIS_PACKAGE.format(version=holidays.__version__, file=file_name)
    lines = [t.TITLE.format(year=year, basis=basis)]
    rows = calendar.days_of_year(year)
    for day, what, source in rows:
        lines.append(
            t.LINE.format(
                weekday=t.WEEKDAYS[day.weekday()], day=vn_date(day), what=what, source=source
            )
        )
    if not rows:
        lines.append(t.NONE)
    worked = sum(1 for _day, what, _source in rows if what.startswith("làm bù"))
    working = sum(
        1
        for ordinal in range(date(year, 1, 1).toordinal(), date(year + 1, 1, 1).toordinal())
        if calendar.is_working_day(date.fromordinal(ordinal))
    )
    lines += [
        "",
        t.CULTURE_DAY.format(state=t.CULTURE_ON if calendar.culture_day else t.CULTURE_OFF),
        t.OFFICE_END.format(time=calendar.office_end.strftime("%H:%M")),
        t.TOTALS.format(off=len(rows) - worked, worked=worked, working=working),
    ]
    return lines


async def run(settings: Settings, args: argparse.Namespace) -> int:
    text = str(args.year).strip()
    if not text.isdecimal() or not 2000 <= int(text) <= 2100:
        print(t.BAD_YEAR.format(value=text[:20]), file=sys.stderr)
        return EXIT_FAILED
    try:
        calendar = WorkCalendar.from_file(
            settings.holidays_file,
            culture_day=settings.culture_day,
            office_end=settings.office_hours_end,
        )
    except CalendarFileError as exc:
        print(t.FILE_INVALID.format(detail=exc), file=sys.stderr)
        return EXIT_FAILED
    print("\n".join(year_lines(calendar, int(text), settings.holidays_file.name)))
    return EXIT_OK
