"""The working-day calendar: Tết 2026, substitute days, local overrides and due dates."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from domain.calendar import WorkCalendar, load_legacy_provinces
from handlers.router import BotCore
from handlers.services import Services
from tests.conftest import ChatDriver, MovableClock


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
    # 24/11 (Ngày Văn hóa Việt Nam) is a working day until TDKT_CULTURE_DAY turns it off.
    assert calendar.add_working_days(monday, 1) == date(2026, 11, 24)
    culture = WorkCalendar(culture_day=True)
    assert culture.add_working_days(monday, 1) == date(2026, 11, 25)
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
    assert services.legacy_provinces == {"000.00.21.H33": "000.00.21.H01"}


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


# --- The shipped calendar (config/holidays.toml), checked against a hand-made table ----------

SHIPPED = Path(__file__).resolve().parents[2] / "config" / "holidays.toml"


@pytest.fixture(scope="module")
def shipped() -> WorkCalendar:
    return WorkCalendar.from_file(SHIPPED)


# (received, working days, due) counted by hand on a paper calendar: the day after receipt is
# day 1; weekends, the days off of each year's notice and substitute days are skipped; the
# worked Saturdays count.
DUE_DATES = [
    # New Year 2026: Fri 2/1 off, Saturday 10/1 worked (letter 12729/VPCP-KGVX, 25/12/2025).
    ("2025-12-30", 5, "2026-01-08"),  # 31/12, 5/1, 6/1, 7/1, 8/1
    ("2025-12-31", 1, "2026-01-05"),
    ("2026-01-05", 5, "2026-01-10"),  # 6, 7, 8, 9 and Saturday 10/1
    ("2026-01-09", 1, "2026-01-10"),
    ("2026-01-09", 2, "2026-01-12"),
    # Tết Bính Ngọ: Mon 16/2–Fri 20/2 off (14/2–22/2 with the weekends).
    ("2026-02-12", 3, "2026-02-24"),  # 13/2, 23/2, 24/2
    ("2026-02-13", 5, "2026-02-27"),
    ("2026-02-10", 25, "2026-03-24"),  # 11–13/2, then 23/2 is day 4 … 24/3 day 25
    # Giỗ Tổ on Sunday 26/4 → Mon 27/4 off; 30/4 Thu and 1/5 Fri off.
    ("2026-04-24", 1, "2026-04-28"),
    ("2026-04-28", 3, "2026-05-05"),  # 29/4, 4/5, 5/5
    ("2026-04-29", 1, "2026-05-04"),
    # National Day 2026: Saturday 22/8 worked, Mon 31/8–Wed 2/9 off.
    ("2026-08-21", 1, "2026-08-22"),
    ("2026-08-27", 3, "2026-09-04"),  # 28/8, 3/9, 4/9
    ("2026-08-26", 5, "2026-09-07"),  # 27/8, 28/8, 3/9, 4/9, 7/9
    # Tết Đinh Mùi 2027 (mùng 1 on Saturday 6/2): Thu 4/2, Fri 5/2, Mon 8/2–Wed 10/2 off.
    ("2027-02-03", 1, "2027-02-11"),
    ("2027-02-02", 5, "2027-02-16"),  # 3/2, 11/2, 12/2, 15/2, 16/2
    ("2027-01-29", 10, "2027-02-19"),
]


@pytest.mark.parametrize(("received", "days", "due"), DUE_DATES)
def test_hand_made_due_dates(shipped: WorkCalendar, received: str, days: int, due: str) -> None:
    assert shipped.due_date(date.fromisoformat(received), days) == date.fromisoformat(due)


def test_the_issues_two_examples(shipped: WorkCalendar) -> None:
    assert shipped.due_date(date(2025, 12, 30), 5) == date(2026, 1, 8)
    assert shipped.due_date(date(2026, 1, 5), 5) == date(2026, 1, 10)
    assert not shipped.is_working_day(date(2026, 1, 2))
    assert shipped.is_working_day(date(2026, 1, 10))


def test_official_years_do_not_follow_the_package(shipped: WorkCalendar) -> None:
    # The file decides 2026 whole: a day the package might add is not a day off here.
    assert shipped.official_years >= {2025, 2026}
    assert shipped.is_working_day(date(2026, 11, 24))
    bare = WorkCalendar(official_years=frozenset({2026}))
    assert bare.is_working_day(date(2026, 2, 17))  # nothing listed: only weekends are off


def test_culture_day_is_a_setting(shipped: WorkCalendar) -> None:
    on = WorkCalendar.from_file(SHIPPED, culture_day=True)
    assert shipped.is_working_day(date(2027, 11, 24))
    assert not on.is_working_day(date(2026, 11, 24))
    assert not on.is_working_day(date(2027, 11, 24))
    assert on.is_working_day(date(2025, 11, 24))  # not before 2026
    assert WorkCalendar().is_working_day(date(2030, 11, 25))  # nor its package substitute
    assert not WorkCalendar(culture_day=True).is_working_day(date(2030, 11, 25))


def test_receipt_on_a_day_off_or_after_hours_counts_from_the_next_working_day(
    shipped: WorkCalendar,
) -> None:
    from datetime import datetime, time

    # Saturday 7/11/2026: counts as received Monday 9/11, so day 1 is Tuesday 10/11.
    assert shipped.receipt_day(date(2026, 11, 7)) == date(2026, 11, 9)
    assert shipped.due_date(date(2026, 11, 7), 1) == date(2026, 11, 10)
    # The worked Saturday 10/1/2026 is a normal day of receipt.
    assert shipped.due_date(date(2026, 1, 10), 1) == date(2026, 1, 12)
    # During Tết: received on Tuesday 17/2/2026 counts from Monday 23/2.
    assert shipped.due_date(date(2026, 2, 17), 1) == date(2026, 2, 24)
    # Office hours end at 17:00 by default: 16:59 is that day, 17:00 the next working day.
    assert shipped.due_date(date(2026, 11, 6), 1, time(16, 59)) == date(2026, 11, 9)
    assert shipped.due_date(date(2026, 11, 6), 1, time(17, 0)) == date(2026, 11, 10)
    assert shipped.due_date_at(datetime(2026, 11, 6, 17, 30), 1) == date(2026, 11, 10)
    early = WorkCalendar.from_file(SHIPPED, office_end=time(16, 30))
    assert early.due_date(date(2026, 11, 6), 1, time(16, 45)) == date(2026, 11, 10)


def test_bad_calendar_files_are_refused_with_the_reason(tmp_path: Path) -> None:
    from domain.calendar import CalendarFileError

    cases = {
        "[[day_off]]\ndate = 2026-01-02\n": "source",
        "[[day_off]]\nsource = 'x'\n": "date",
        "[[working_day]]\ndate = 2026-01-09\nsource = 'x'\n": "not a Saturday or Sunday",
        "days_off = ['2026-13-01']\n": "not a date",
        "official_years = ['2026']\n": "official_years",
        "days_off = [2026-01-10]\nworking_days = [2026-01-10]\n": "both",
        "days_off = [": "bad.toml",
    }
    for body, reason in cases.items():
        path = write_overrides(tmp_path / "bad.toml", body)
        with pytest.raises(CalendarFileError, match=reason):
            WorkCalendar.from_file(path)


def test_settings_refuse_a_bad_calendar_file(tmp_path: Path) -> None:
    from config.settings import SettingsError, load_settings

    path = write_overrides(tmp_path / "bad.toml", "[[day_off]]\ndate = 2026-01-02\n")
    with pytest.raises(SettingsError, match="TDKT_HOLIDAYS_FILE"):
        load_settings(_env_file=None, holidays_file=path)


def test_calendar_cli_prints_the_year_with_sources(tmp_path: Path) -> None:
    from config.settings import Settings
    from tests.cli import run_cli

    settings = Settings(_env_file=None, database=tmp_path / "x.sqlite3")  # type: ignore[call-arg]
    done = run_cli(settings, "calendar", "2026", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "Thứ Sáu 02/01/2026  nghỉ:" in out and "12729/VPCP-KGVX" in out
    assert "Thứ Bảy 10/01/2026  làm bù:" in out
    assert "Thứ Ba 17/02/2026  nghỉ: Tết Bính Ngọ" in out
    assert "24/11/2026" not in out.split("\n\n")[0]
    assert "Cộng: 13 ngày nghỉ trong tuần, 2 ngày cuối tuần đi làm, 250 ngày làm việc." in out
    bad = run_cli(settings, "calendar", "năm", cwd=tmp_path)
    assert bad.returncode == 1 and "không hợp lệ" in bad.stderr and bad.stdout == ""


async def test_nomination_after_office_hours_counts_from_the_next_working_day(
    services: Services, core: BotCore, clock: MovableClock
) -> None:
    """Registered at 17:30 on Wednesday 25/11/2026: received that day, counted from Thursday."""
    from domain.codes import make_code
    from tests.handlers.nomination.test_chat import AGENCY, SUMMARY, make_officer

    clock.set_local("2026-11-25 17:30")
    await make_officer(services, "console", "c1", "Trần Thị Hoa")
    chat = ChatDriver(core, "console", "c1")
    for message in [
        "/denghi",
        "1",
        "Nguyễn Thị Lan",
        "Giáo viên, Trường THCS Lê Lợi",
        "BKCT",
        "bo qua",
        SUMMARY,
        "Nguyễn Văn Minh, 0912 345 678",
        "xong",
        "1",
    ]:
        await chat.say(message)

    dossier = await services.dossiers.get_by_code(make_code(AGENCY, date(2026, 11, 25), 1))
    assert dossier is not None
    assert dossier.received_on == date(2026, 11, 25)
    # Before 17:00 the same kind is due 30/12/2026 (tests/handlers/nomination/test_chat.py);
    # now one later.
    assert dossier.due_on == services.calendar.add_working_days(date(2026, 11, 26), 25)
    assert dossier.due_on == date(2026, 12, 31)


@pytest.mark.parametrize(("value", "expected"), [("on", True), ("off", False), ("1", True)])
def test_culture_day_setting_reaches_the_calendar(
    tmp_path: Path, value: str, expected: bool
) -> None:
    from config.settings import load_settings
    from handlers.services import build_services

    settings = load_settings(_env_file=None, culture_day=value, database=tmp_path / "x.sqlite3")
    assert settings.culture_day is expected
    services = build_services(settings, db=None)  # type: ignore[arg-type]
    assert services.calendar.is_working_day(date(2026, 11, 24)) is not expected
