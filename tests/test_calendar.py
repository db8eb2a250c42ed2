"""The working-day calendar: Tết 2026, substitute days, local overrides and due dates."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from handlers.domain.calendar import WorkCalendar, load_legacy_provinces
from handlers.services import Services


@pytest.fixture(scope="module")
def calendar() -> WorkCalendar:
    return WorkCalendar()


def write_overrides(path: Path, body: str) -> Path:
    """A local overrides file like config/holidays.toml."""
    path.write_text(body, encoding="utf-8")
    return path


@pytest.mark.parametrize("day", [16, 17, 18, 19, 20])
def test_tet_2026_is_not_working(calendar: WorkCalendar, day: int) -> None:
    assert date(2026, 2, day).weekday() < 5
    assert not calendar.is_working_day(date(2026, 2, day))


def test_days_around_tet_2026(calendar: WorkCalendar) -> None:
    assert calendar.is_working_day(date(2026, 2, 13))  # Friday before Tết
    assert not calendar.is_working_day(date(2026, 2, 14))  # Saturday
    assert not calendar.is_working_day(date(2026, 2, 15))  # Sunday
    assert calendar.is_working_day(date(2026, 2, 23))  # Monday after Tết


def test_hung_kings_substitute_day_2026(calendar: WorkCalendar) -> None:
    # 10/3 lunar falls on Sunday 26/4/2026: Monday 27/4 is the day off instead.
    assert date(2026, 4, 26).weekday() == 6
    assert not calendar.is_working_day(date(2026, 4, 26))
    assert not calendar.is_working_day(date(2026, 4, 27))
    assert calendar.is_working_day(date(2026, 4, 28))
    assert not calendar.is_working_day(date(2026, 4, 30))
    assert not calendar.is_working_day(date(2026, 5, 1))
    # Friday 24/4 + 1 working day skips the weekend and the substitute Monday.
    assert calendar.add_working_days(date(2026, 4, 24), 1) == date(2026, 4, 28)
    assert calendar.add_working_days(date(2026, 4, 24), 3) == date(2026, 5, 4)


def test_government_declared_working_saturday(calendar: WorkCalendar) -> None:
    # Saturday 22/8/2026 is worked to give Monday 31/8 off before National Day (2/9).
    assert calendar.is_working_day(date(2026, 8, 22))
    assert not calendar.is_working_day(date(2026, 8, 23))
    assert not calendar.is_working_day(date(2026, 8, 31))
    assert calendar.add_working_days(date(2026, 8, 21), 1) == date(2026, 8, 22)
    assert calendar.add_working_days(date(2026, 8, 28), 1) == date(2026, 9, 3)


def test_counting_starts_the_next_day(calendar: WorkCalendar) -> None:
    monday = date(2026, 11, 23)
    assert calendar.add_working_days(monday, 0) == monday
    assert calendar.add_working_days(monday, 1) == date(2026, 11, 25)  # 24/11 is a holiday
    assert calendar.add_working_days(date(2026, 11, 25), 1) == date(2026, 11, 26)
    # A receipt on a Saturday: the first working day counted is Monday.
    assert calendar.add_working_days(date(2026, 11, 28), 1) == date(2026, 11, 30)


def test_receipt_before_tet_plus_five_working_days(calendar: WorkCalendar) -> None:
    # Fri 13/2/2026 + 5: 14–15 weekend, 16–20 Tết, 21–22 weekend, then 23, 24, 25, 26, 27.
    received = date(2026, 2, 13)
    assert calendar.add_working_days(received, 5) == date(2026, 2, 27)
    assert calendar.add_working_days(received, 1) == date(2026, 2, 23)


def test_working_days_between(calendar: WorkCalendar) -> None:
    assert calendar.working_days_between(date(2026, 2, 13), date(2026, 2, 27)) == 5
    assert calendar.working_days_between(date(2026, 2, 13), date(2026, 2, 22)) == 0
    assert calendar.working_days_between(date(2026, 2, 13), date(2026, 2, 13)) == 0
    assert calendar.working_days_between(date(2026, 2, 27), date(2026, 2, 13)) == 0
    assert calendar.working_days_between(date(2026, 2, 12), date(2026, 2, 13)) == 1


def test_between_inverts_add(calendar: WorkCalendar) -> None:
    start = date(2026, 1, 2)
    for count in range(0, 80, 7):
        end = calendar.add_working_days(start, count)
        assert calendar.working_days_between(start, end) == count


def test_next_working_day(calendar: WorkCalendar) -> None:
    assert calendar.next_working_day(date(2026, 2, 14)) == date(2026, 2, 23)
    assert calendar.next_working_day(date(2026, 2, 13)) == date(2026, 2, 13)


def test_local_overrides_from_file(tmp_path: Path) -> None:
    path = write_overrides(
        tmp_path / "holidays.toml",
        "# a provincial day off and a compensating Saturday\n"
        "days_off = [2026-11-26, '2026-11-27']\n"
        "working_days = [2026-11-28]\n"
        "[legacy_provinces]\nh33 = 'h01'\n",
    )
    calendar = WorkCalendar.from_file(path)
    assert calendar.days_off == frozenset({date(2026, 11, 26), date(2026, 11, 27)})
    assert not calendar.is_working_day(date(2026, 11, 26))
    assert not calendar.is_working_day(date(2026, 11, 27))
    assert calendar.is_working_day(date(2026, 11, 28))
    # Wed 25/11 + 1: Thu and Fri are off, Saturday is worked.
    assert calendar.add_working_days(date(2026, 11, 25), 1) == date(2026, 11, 28)
    assert calendar.add_working_days(date(2026, 11, 25), 2) == date(2026, 11, 30)
    assert WorkCalendar().add_working_days(date(2026, 11, 25), 1) == date(2026, 11, 26)
    assert load_legacy_provinces(path) == {"H33": "H01"}


def test_empty_overrides_file(tmp_path: Path) -> None:
    calendar = WorkCalendar.from_file(write_overrides(tmp_path / "h.toml", ""))
    assert calendar.days_off == frozenset()
    assert calendar.working_weekends == frozenset()
    assert load_legacy_provinces(tmp_path / "h.toml") == {}


def test_shipped_overrides_know_kien_giang(services: Services) -> None:
    assert services.legacy_provinces == {"H33": "H01"}


def test_due_date_of_catalogue_kind(services: Services) -> None:
    bkct = services.catalog.get("BKCT")
    assert bkct is not None
    assert bkct.name == "Bằng khen của Chủ tịch UBND tỉnh"
    assert bkct.working_days == 25
    # 23–27/2, 2–6/3, 9–13/3, 16–20/3, 23–27/3: the 25th working day is Fri 27/3/2026.
    assert services.calendar.add_working_days(date(2026, 2, 13), 25) == date(2026, 3, 27)
    # Across 27/4, 30/4 and 1/5: Fri 17/4/2026 + 25 lands on Wed 27/5/2026.
    assert services.calendar.add_working_days(date(2026, 4, 17), 25) == date(2026, 5, 27)


def test_every_catalogue_kind_has_a_realistic_processing_time(services: Services) -> None:
    names = {kind.name for kind in services.catalog.kinds}
    assert "Bằng khen của Chủ tịch UBND tỉnh" in names
    assert "Chiến sĩ thi đua cấp tỉnh" in names
    assert "Tập thể lao động xuất sắc" in names
    for kind in services.catalog.kinds:
        assert 1 <= kind.working_days <= 60
        received = date(2026, 2, 13)
        due = services.calendar.add_working_days(received, kind.working_days)
        assert due - received >= timedelta(days=kind.working_days)
        assert services.calendar.is_working_day(due)
