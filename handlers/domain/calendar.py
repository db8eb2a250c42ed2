"""Working days (ngày làm việc): weekends, VN public holidays incl. Tết and substitute days."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import holidays


@dataclass
class WorkCalendar:
    """The `holidays` VN calendar plus local overrides (extra days off, working weekends)."""

    days_off: frozenset[date] = frozenset()
    working_weekends: frozenset[date] = frozenset()
    _vn: holidays.HolidayBase = field(default_factory=lambda: holidays.country_holidays("VN"))
    # The holidays package takes microseconds per question; due dates, status cards and the
    # reminder sweep ask about the same few hundred days again and again.
    _known: dict[date, bool] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_file(cls, path: Path) -> WorkCalendar:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        return cls(
            days_off=frozenset(date.fromisoformat(str(d)) for d in data.get("days_off", [])),
            working_weekends=frozenset(
                date.fromisoformat(str(d)) for d in data.get("working_days", [])
            ),
        )

    def is_working_day(self, day: date) -> bool:
        known = self._known.get(day)
        if known is None:
            known = self._known[day] = self._is_working_day(day)
        return known

    def _is_working_day(self, day: date) -> bool:
        if day in self.working_weekends:
            return True
        if day in self.days_off:
            return False
        # Weekends, holidays, and the Saturdays the Government declares worked (22/8/2026).
        return self._vn.is_working_day(day)

    def add_working_days(self, start: date, count: int) -> date:
        """The date `count` working days after `start`; counting starts the next day."""
        day = start
        remaining = count
        while remaining > 0:
            day += timedelta(days=1)
            if self.is_working_day(day):
                remaining -= 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]: 0 when end <= start."""
        count = 0
        day = start
        while day < end:
            day += timedelta(days=1)
            if self.is_working_day(day):
                count += 1
        return count

    def next_working_day(self, day: date) -> date:
        """`day` itself when it is a working day, else the first working day after it."""
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day


def load_legacy_provinces(path: Path) -> dict[str, str]:
    """Old → new province identifiers of merged provinces, from the holidays/overrides file."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return {str(k).upper(): str(v).upper() for k, v in data.get("legacy_provinces", {}).items()}
