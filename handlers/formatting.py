"""Vietnamese formats: dates DD/MM/YYYY, thousands with dots, percentages with a comma."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo


# The fields formatted one by one, not strftime: several times faster, and a status card has a few.
def vn_date(day: date | None) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year}" if day else "—"


def vn_datetime(moment: datetime, tz: ZoneInfo) -> str:
    local = moment.astimezone(tz)
    return f"{local.day:02d}/{local.month:02d}/{local.year} {local.hour:02d}:{local.minute:02d}"


def vn_number(value: int) -> str:
    """3829 → `3.829`."""
    return f"{value:,}".replace(",", ".")


def vn_percent(value: float, decimals: int = 0) -> str:
    """95.0 → `95%`, 95.25 with one decimal → `95,3%`."""
    text = f"{value:.{decimals}f}".replace(".", ",")
    return f"{text}%"
