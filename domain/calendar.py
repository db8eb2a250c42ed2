"""Working days (ngày làm việc): weekends, VN public holidays incl. Tết and substitute days."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

import holidays

#: Ngày Văn hóa Việt Nam: a day off only once the Labour Code says so (TDKT_CULTURE_DAY).
CULTURE_DAY = (11, 24)
CULTURE_DAY_FIRST_YEAR = 2026
_CULTURE_DAY_NAME = "Văn hóa Việt Nam"
#: A receipt at or after this local time counts as received on the next working day.
DEFAULT_OFFICE_END = time(17, 0)


class CalendarFileError(Exception):
    """The holidays file is unreadable or has a bad entry; the message says which."""


@dataclass(frozen=True, slots=True)
class OfficialDay:
    """One day of a year's government notice: a day off, or a weekend day worked instead."""

    day: date
    name: str
    source: str
    working: bool = False


@dataclass
class WorkCalendar:
    """The official days of `official_years` from config, else the `holidays` VN calendar.

    For a year listed in the holidays file the file alone decides (weekends, its days off and
    its worked weekend days), so due dates do not move with the package's version; other years
    fall back to the package. Ngày Văn hóa Việt Nam (24/11) counts only when `culture_day`.
    """

    days_off: frozenset[date] = frozenset()
    working_weekends: frozenset[date] = frozenset()
    official_years: frozenset[int] = frozenset()
    culture_day: bool = False
    office_end: time = DEFAULT_OFFICE_END
    official: tuple[OfficialDay, ...] = ()
    _vn: holidays.HolidayBase = field(
        default_factory=lambda: holidays.country_holidays("VN", language="vi"), repr=False
    )
    # The holidays package takes microseconds per question; due dates, status cards and the
    # reminder sweep ask about the same few hundred days again and again.
    _known: dict[date, bool] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_file(
        cls, path: Path, *, culture_day: bool = False, office_end: time = DEFAULT_OFFICE_END
    ) -> WorkCalendar:
        """Read `[[day_off]]`/`[[working_day]]` entries (and the older plain date lists)."""
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise CalendarFileError(f"{path}: {exc}") from exc
        official = [
            *_entries(path, data.get("day_off", []), working=False),
            *_entries(path, data.get("working_day", []), working=True),
        ]
        days_off = {d.day for d in official if not d.working}
        working = {d.day for d in official if d.working}
        days_off |= {_plain_date(path, v) for v in data.get("days_off", [])}
        working |= {_plain_date(path, v) for v in data.get("working_days", [])}
        for day in working:
            if day.weekday() < 5:
                raise CalendarFileError(f"{path}: working_day {day} is not a Saturday or Sunday")
        if days_off & working:
            clash = min(days_off & working)
            raise CalendarFileError(f"{path}: {clash} is both a day off and a working day")
        years = data.get("official_years", [])
        if not all(isinstance(y, int) and 2000 <= y <= 2100 for y in years):
            raise CalendarFileError(f"{path}: official_years must be years such as 2026")
        return cls(
            days_off=frozenset(days_off),
            working_weekends=frozenset(working),
            official_years=frozenset(years),
            culture_day=culture_day,
            office_end=office_end,
            official=tuple(sorted(official, key=lambda d: d.day)),
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
        if self.culture_day and _is_culture_day(day):
            return False
        if day.year in self.official_years:
            return day.weekday() < 5
        return self._package_working_day(day)

    def _package_working_day(self, day: date) -> bool:
        # Weekends, holidays, and the Saturdays the Government declares worked (22/8/2026).
        if day in self._vn.weekend_workdays:
            return True
        if day.weekday() >= 5:
            return False
        names = self._vn.get_list(day)
        if not self.culture_day:
            # The package counts 24/11 (and its substitute day) from 2026 although the Labour
            # Code does not yet.
            names = [name for name in names if _CULTURE_DAY_NAME not in name]
        return not names

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

    def receipt_day(self, received_on: date, at: time | None = None) -> date:
        """The working day a receipt counts from (ngày tiếp nhận hợp lệ).

        A dossier received on a day off (online, or at a Saturday desk) counts as received on
        the next working day; one received at or after the end of office hours, as received on
        the working day after. Its processing time then starts the day after that.
        """
        if at is not None and at >= self.office_end:
            received_on += timedelta(days=1)
        return self.next_working_day(received_on)

    def due_date(self, received_on: date, working_days: int, at: time | None = None) -> date:
        """The due date (ngày hẹn trả) of a receipt: its receipt day + `working_days`."""
        return self.add_working_days(self.receipt_day(received_on, at), working_days)

    def due_date_at(self, received_at: datetime, working_days: int) -> date:
        """`due_date` for a local receipt instant (its date and time of day)."""
        return self.due_date(received_at.date(), working_days, received_at.time())

    def days_of_year(self, year: int) -> list[tuple[date, str, str]]:
        """The year's days off on weekdays and its worked weekend days: (day, what, source).

        `what` is `nghỉ: <name>` or `làm bù: <name>`; the source is the notice's reference for
        days from the holidays file, `gói holidays` for the package's, and the setting for 24/11.
        """
        named = {d.day: d for d in self.official if d.day.year == year}
        rows = []
        day = date(year, 1, 1)
        while day.year == year:
            working = self.is_working_day(day)
            weekday = day.weekday() < 5
            if working != weekday:
                entry = named.get(day)
                if entry is not None:
                    name, source = entry.name, entry.source
                elif _is_culture_day(day) and self.culture_day:
                    name, source = "Ngày Văn hóa Việt Nam", "TDKT_CULTURE_DAY=on"
                else:
                    name = ", ".join(self._vn.get_list(day)) or "Ngày làm việc bù"
                    source = f"gói holidays {holidays.__version__}"
                rows.append((day, ("làm bù: " if working else "nghỉ: ") + name, source))
            day += timedelta(days=1)
        return rows


def _is_culture_day(day: date) -> bool:
    return (day.month, day.day) == CULTURE_DAY and day.year >= CULTURE_DAY_FIRST_YEAR


def _plain_date(path: Path, value: object) -> date:
    try:
        return value if isinstance(value, date) else date.fromisoformat(str(value))
    except ValueError:
        raise CalendarFileError(f"{path}: {value!r} is not a date such as 2026-01-02") from None


def _entries(path: Path, items: object, *, working: bool) -> list[OfficialDay]:
    kind = "working_day" if working else "day_off"
    if not isinstance(items, list):
        raise CalendarFileError(f"{path}: {kind} must be a list of [[{kind}]] tables")
    entries = []
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict) or "date" not in item:
            raise CalendarFileError(f"{path}: [[{kind}]] #{number} needs a date")
        if not str(item.get("source", "")).strip():
            raise CalendarFileError(f"{path}: [[{kind}]] #{number} needs its source")
        entries.append(
            OfficialDay(
                day=_plain_date(path, item["date"]),
                name=str(item.get("name", "")).strip(),
                source=str(item["source"]).strip(),
                working=working,
            )
        )
    return entries


def load_legacy_provinces(path: Path) -> dict[str, str]:
    """Old → new province identifiers of merged provinces, from the holidays/overrides file."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return {str(k).upper(): str(v).upper() for k, v in data.get("legacy_provinces", {}).items()}
