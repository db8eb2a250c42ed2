"""Dates of a dossier's deadlines typed by an officer, and which reminder day a date is."""

from __future__ import annotations

import re
from datetime import date

_DAY = re.compile(r"\s*(\d{1,2})\s*[/.\-]\s*(\d{1,2})(?:\s*[/.\-]\s*(\d{2}|\d{4}))?\s*")


def parse_day(text: str, today: date) -> date | None:
    """`20/12/2026`, `20-12-26`, `20.12` (the next such day from today); None otherwise."""
    match = _DAY.fullmatch(text)
    if match is None:
        return None
    day, month, year = int(match[1]), int(match[2]), match[3]
    try:
        if year is None:
            found = date(today.year, month, day)
            return found if found > today else date(today.year + 1, month, day)
        return date(int(year) + (2000 if len(year) == 2 else 0), month, day)
    except ValueError:
        return None
