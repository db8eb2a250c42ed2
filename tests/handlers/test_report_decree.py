"""Decree 09/2019 reporting periods, the carried-over line, and the board's own 2017 report."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

from config.settings import Settings
from db.models import DossierInput
from domain.codes import make_code
from domain.periods import default_period, half_year, reporting_year
from domain.statuses import Status
from handlers import build_router
from handlers.report import Period, build_report, report_text
from handlers.router import BotCore
from handlers.services import Services
from tests.cli import run_cli
from tests.conftest import ChatDriver, MovableClock

AGENCY = "000.00.21.H33"


def test_decree_09_periods() -> None:
    # Art. 12: six-month figures from 15/12 of the previous year to 14/6; yearly to 14/12.
    assert half_year(date(2017, 6, 14)) == (date(2016, 12, 15), date(2017, 6, 14))
    assert half_year(date(2016, 12, 15)) == (date(2016, 12, 15), date(2017, 6, 14))
    assert half_year(date(2016, 12, 14)) == (date(2016, 6, 15), date(2016, 12, 14))
    assert reporting_year(date(2017, 12, 14)) == (date(2016, 12, 15), date(2017, 12, 14))
    assert reporting_year(date(2017, 12, 15)) == (date(2017, 12, 15), date(2018, 12, 14))
    # Without dates: the six-month period while it runs, then the whole year.
    assert default_period(date(2017, 6, 14)) == (date(2016, 12, 15), date(2017, 6, 14))
    assert default_period(date(2017, 6, 15)) == (date(2016, 12, 15), date(2017, 12, 14))
    assert default_period(date(2017, 3, 1), "01/01") == (date(2017, 1, 1), date(2017, 6, 30))
    assert default_period(date(2017, 9, 1), "01/01") == (date(2017, 1, 1), date(2017, 12, 31))


def board_2017() -> list[DossierInput]:
    """The first half of 2017 as the board reported it on 26/06/2017, plus what must not count.

    Received 01/01–26/06: 3,219 passed and 165 failed by 26/06, all on time; 445 still being
    handled on 26/06 (100 of them resolved two days later). Received 27–30/06: 20 (after the
    as-of day). Received in December 2016 and open on 01/01: 7 (5 resolved in January, 2 not).
    """
    rows: list[DossierInput] = []

    def add(received: date, due: date, status: Status, resolved: date | None = None) -> None:
        rows.append(
            DossierInput(
                code=make_code(AGENCY, received, len(rows) + 1),
                award_kind=("BKCT", "KTKC", "BMVNAH", "TTCH")[len(rows) % 4],
                nominee=f"Hộ gia đình {len(rows) + 1}",
                unit="",
                phone_last4="",
                received_on=received,
                due_on=due,
                status=status,
                resolved_on=resolved,
            )
        )

    jan1 = date(2017, 1, 1)
    passed = (Status.passed, Status.decided, Status.returned)
    for index in range(3219):
        received = jan1 + timedelta(days=index % 160)  # up to 09/06
        add(received, received + timedelta(days=35), passed[index % 3], received + timedelta(7))
    for index in range(165):
        received = jan1 + timedelta(days=index % 160)
        add(received, received + timedelta(days=35), Status.rejected, received + timedelta(9))
    for index in range(445):
        received = date(2017, 6, 1) + timedelta(days=index % 26)  # 01/06–26/06
        if index < 100:
            add(received, received + timedelta(days=35), Status.decided, date(2017, 6, 28))
        else:
            add(received, received + timedelta(days=35), Status.in_review)
    for index in range(20):
        received = date(2017, 6, 27) + timedelta(days=index % 4)
        add(received, received + timedelta(days=35), Status.received)
    for index in range(7):
        received = date(2016, 12, 10)
        resolved = date(2017, 1, 10) if index < 5 else None
        status = Status.returned if resolved else Status.in_review
        add(received, date(2017, 1, 16), status, resolved)
    # Resolved in November 2016: finished before the period, so not carried over.
    add(date(2016, 11, 2), date(2016, 12, 7), Status.returned, date(2016, 11, 30))
    return rows


async def test_cli_reissues_the_boards_2017_report_exactly(
    services: Services, settings: Settings, tmp_path: Path
) -> None:
    await services.dossiers.upsert_many(board_2017(), actor="test", now=services.now())
    args = ["report", "--from", "2017-01-01", "--to", "2017-06-30", "--as-of", "2017-06-26"]

    done = run_cli(settings, *args, "--format", "json", cwd=tmp_path)

    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert (data["received"], data["resolved"], data["passed"], data["failed"]) == (
        3829,
        3384,
        3219,
        165,
    )
    assert (data["passed_pct"], data["failed_pct"], data["on_time_pct"]) == (95.1, 4.9, 100.0)
    assert (data["pending"], data["pending_within_deadline"], data["overdue"]) == (445, 445, 0)
    assert data["period"] == {
        "start": "2017-01-01",
        "end": "2017-06-30",
        "as_of": "2017-06-26",
        "received_until": "2017-06-26",
    }
    carried = data["carried_over"]
    assert (carried["received"], carried["resolved"], carried["on_time"]) == (7, 5, 5)
    assert (carried["pending"], carried["overdue"]) == (2, 2)

    text = run_cli(settings, *args, cwd=tmp_path)
    assert text.returncode == 0, text.stderr
    lines = text.stdout.splitlines()
    assert lines[0] == (
        "📊 Kỳ báo cáo từ 01/01/2017 đến 30/06/2017, số liệu chốt đến hết ngày 26/06/2017 "
        "(trước ngày cuối kỳ): hồ sơ tiếp nhận từ 01/01/2017 đến 26/06/2017, tình trạng tại "
        "ngày 26/06/2017:"
    )
    assert lines[1] == (
        "Tiếp nhận 3.829 hồ sơ, giải quyết 3.384 hồ sơ (thẩm định đạt 3.219 hồ sơ, chiếm 95%; "
        "không đạt 165 hồ sơ, chiếm 5%), trả đúng hạn 100%; còn 445 hồ sơ đang trong thời hạn "
        "giải quyết."
    )
    assert lines[2] == (
        "Kỳ trước chuyển sang 7 hồ sơ (tiếp nhận trước 01/01/2017, chưa giải quyết xong): "
        "đã giải quyết 5 (đúng hạn 5), còn 2 (quá hạn 2)."
    )

    # The whole half-year, as of its last day: the late receipts and June's results count.
    later = run_cli(settings, *args[:5], "--as-of", "2017-06-30", "--format", "json", cwd=tmp_path)
    data = json.loads(later.stdout)
    assert (data["received"], data["resolved"], data["pending"]) == (3849, 3484, 365)


def staff_chat(services: Services) -> ChatDriver:
    """The real router, with every sender an officer."""

    async def officer(_incoming: object, _services: object) -> str:
        return "officer"

    router = build_router()
    router.role_of = officer  # type: ignore[assignment]
    return ChatDriver(BotCore(router, services))


async def test_thongke_defaults_to_the_decree_period_and_accepts_a_running_one(
    services: Services, clock: MovableClock
) -> None:
    await services.dossiers.upsert_many(board_2017(), actor="test", now=services.now())
    chat = staff_chat(services)
    clock.set_local("2017-06-26 16:00")

    # Typed on 26/06/2017 for the calendar half-year: accepted, figures as of today.
    text, _chart = await chat.send("/thongke 01/01/2017 30/06/2017")
    assert "số liệu chốt đến hết ngày 26/06/2017 (trước ngày cuối kỳ)" in text.text
    assert "Tiếp nhận 3.829 hồ sơ, giải quyết 3.384 hồ sơ" in text.text

    # No dates: the six-month period of Decree 09/2019, 15/12/2016–14/06/2017 — closed by now.
    clock.set_local("2017-06-13 10:00")
    default = (await chat.send("/thongke"))[0].text
    assert default.startswith("📊 Kỳ báo cáo từ 15/12/2016 đến 14/06/2017, số liệu chốt đến hết")
    # Received 10/12/2016, still open on 15/12: carried over; the November one was finished.
    assert "Kỳ trước chuyển sang 7 hồ sơ (tiếp nhận trước 15/12/2016" in default
    clock.set_local("2016-12-01 10:00")
    assert "Kỳ trước không có hồ sơ chuyển sang (tiếp nhận trước 15/12/2015)." in (
        (await chat.send("/thongke"))[0].text
    )


async def test_carried_over_excludes_what_finished_before_the_start(services: Services) -> None:
    await services.dossiers.upsert_many(board_2017(), actor="test", now=services.now())
    period = Period(date(2017, 1, 1), date(2017, 6, 30), as_of=date(2017, 1, 12))

    figures = await build_report(services.reports, period)

    # As of 12/01 the five December dossiers resolved on 10/01 are done, on time (due 16/01).
    carried = figures.carried_over
    assert (carried.received, carried.resolved, carried.on_time, carried.pending) == (7, 5, 5, 2)
    assert carried.overdue == 0
    assert "Kỳ trước chuyển sang 7 hồ sơ" in report_text(figures, services.catalog)


def _one(seq: int, received: date, status: Status) -> DossierInput:
    return DossierInput(
        code=make_code("000.00.21.H01", received, seq),
        award_kind="BKCT",
        nominee=f"Lê Văn {seq}",
        unit="",
        phone_last4="",
        received_on=received,
        due_on=received + timedelta(days=35),
        status=status,
    )


async def test_withdrawals_are_placed_in_time(services: Services, clock: MovableClock) -> None:
    """A withdrawal recorded after the as-of day was still pending then; one recorded before
    the period's start is not carried over; an import of an already withdrawn dossier has no
    date of withdrawal and counts as withdrawn at any time."""
    s = Status
    clock.set_local("2026-06-25 10:00")
    await services.dossiers.upsert_many(
        [
            _one(1, date(2026, 7, 10), s.in_review),  # withdrawn 05/09
            _one(2, date(2026, 6, 20), s.in_review),  # withdrawn 05/07: carried over
            _one(3, date(2026, 6, 21), s.withdrawn),  # imported withdrawn: not carried
            _one(4, date(2026, 6, 22), s.in_review),  # withdrawn 25/06: not carried
            _one(5, date(2026, 6, 23), s.in_review),  # still open: carried
        ],
        actor="import",
        now=services.now(),
    )
    for seq, received, when in (
        (4, date(2026, 6, 22), "2026-06-25 11:00"),
        (2, date(2026, 6, 20), "2026-07-05 09:00"),
        (1, date(2026, 7, 10), "2026-09-05 09:00"),
    ):
        clock.set_local(when)
        await services.dossiers.upsert_many(
            [_one(seq, received, s.withdrawn)], actor="import", now=services.now()
        )

    august = await build_report(
        services.reports, Period(date(2026, 7, 1), date(2026, 8, 31), date(2026, 8, 31))
    )
    assert (august.total.received, august.total.closed, august.total.pending) == (1, 0, 1)
    assert august.by_status[s.in_review] == 1 and august.by_status[s.withdrawn] == 0
    carried = august.carried_over
    # 2 and 5 were open on 01/07; 2 was withdrawn since.
    assert (carried.received, carried.closed, carried.pending) == (2, 1, 1)

    later = await build_report(
        services.reports, Period(date(2026, 7, 1), date(2026, 8, 31), date(2026, 9, 30))
    )
    assert (later.total.closed, later.total.pending) == (1, 0)
    assert later.by_status[s.withdrawn] == 1


def test_report_year_start_setting(tmp_path: Path) -> None:
    import pytest

    from config.settings import SettingsError, load_settings

    assert load_settings(_env_file=None).report_year_start == "15/12"
    assert load_settings(_env_file=None, report_year_start=" 01/01 ").report_year_start == "01/01"
    for bad in ("29/02", "15-12", "32/12", "", "15/13"):
        with pytest.raises(SettingsError, match="TDKT_REPORT_YEAR_START"):
            load_settings(_env_file=None, report_year_start=bad)
