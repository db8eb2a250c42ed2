"""Reporting periods (kỳ báo cáo) of Decree 09/2019/NĐ-CP art. 12: half-year and year cut-offs.

The figures of a year's report run from 15/12 of the previous year to 14/12; those of the
six-month report from 15/12 of the previous year to 14/6. The first day (15/12) is a setting
(TDKT_REPORT_YEAR_START), so a board that reports by calendar year sets 01/01.
"""

from __future__ import annotations

from datetime import date, timedelta

DECREE_09_YEAR_START = "15/12"


def parse_year_start(text: str) -> tuple[int, int]:
    """`DD/MM` → (month, day); ValueError with a plain reason otherwise. 29/02 is refused."""
    day_text, _, month_text = text.strip().partition("/")
    try:
        day, month = int(day_text), int(month_text)
        date(2001, month, day)  # a common year: 29/02 would vanish three years in four
    except ValueError:
        raise ValueError(f"expected a day and month such as 15/12, got {text!r}") from None
    return month, day


def reporting_year(day: date, year_start: str = DECREE_09_YEAR_START) -> tuple[date, date]:
    """The reporting year containing `day`: 15/12 of the year before to 14/12 by default."""
    month, first = parse_year_start(year_start)
    start = date(day.year, month, first)
    if start > day:
        start = date(day.year - 1, month, first)
    end = date(start.year + 1, month, first) - timedelta(days=1)
    return start, end


def half_year(day: date, year_start: str = DECREE_09_YEAR_START) -> tuple[date, date]:
    """The six-month report's period containing `day`, or its second half.

    First half: the reporting year's first day to the day before six months later (15/12–14/6);
    second half: from there to the end of the reporting year (15/6–14/12).
    """
    start, end = reporting_year(day, year_start)
    month = start.month + 6
    middle = date(start.year + (month - 1) // 12, (month - 1) % 12 + 1, start.day)
    if day < middle:
        return start, middle - timedelta(days=1)
    return middle, end


def default_period(day: date, year_start: str = DECREE_09_YEAR_START) -> tuple[date, date]:
    """What a report asked without dates covers: the six-month period (15/12–14/6) while it
    runs, then the whole reporting year (15/12–14/12), as the two periodic reports do."""
    first_half = half_year(reporting_year(day, year_start)[0], year_start)
    if day <= first_half[1]:
        return first_half
    return reporting_year(day, year_start)
