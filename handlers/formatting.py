"""Vietnamese formats: dates DD/MM/YYYY, thousands with dots, percentages with a comma."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo


def vn_date(day: date | None) -> str:
    return f"{day:%d/%m/%Y}" if day else "—"


def vn_datetime(moment: datetime, tz: ZoneInfo) -> str:
    return f"{moment.astimezone(tz):%d/%m/%Y %H:%M}"


def vn_number(value: int) -> str:
    """3829 → `3.829`."""
    return f"{value:,}".replace(",", ".")


def vn_percent(value: float, decimals: int = 0) -> str:
    """95.0 → `95%`, 95.25 with one decimal → `95,3%`."""
    text = f"{value:.{decimals}f}".replace(".", ",")
    return f"{text}%"
