"""The half-year report: figures by hand, as-of, the paragraph's wording, /thongke, /xuat, CLI."""

from __future__ import annotations

import json
import struct
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest

from config.settings import Settings
from db.models import DossierInput
from domain.codes import make_code
from domain.statuses import Status
from handlers.importing.readers import parse_xlsx
from handlers.report import (
    Period,
    ReportInputError,
    build_report,
    choose_period,
    report_json,
    report_paragraph,
    report_percent,
    share,
)
from handlers.router import BotCore, Router
from handlers.services import Services
from tests.cli import run_cli
from tests.conftest import ChatDriver, MovableClock

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
AGENCY = "000.00.21.H01"


def dossier(
    seq: int,
    kind: str,
    received: str,
    due: str,
    status: Status,
    resolved: str | None = None,
    *,
    year: int = 2026,
) -> DossierInput:
    """A dossier of the hand-made set; dates are `MM-DD` of `year`."""
    received_on = date.fromisoformat(f"{year}-{received}")
    return DossierInput(
        code=make_code(AGENCY, received_on, seq),
        award_kind=kind,
        nominee=f"Nguyễn Văn {seq}",
        unit="UBND xã Tân Phú",
        phone_last4=f"{1000 + seq}",
        received_on=received_on,
        due_on=date.fromisoformat(f"{year}-{due}"),
        status=status,
        resolved_on=date.fromisoformat(f"{year}-{resolved}") if resolved else None,
    )


def hand_made(year: int = 2026) -> list[DossierInput]:
    """Every status, on-time and late resolutions, overdue and in-time pending dossiers.

    As of 25/11 of `year`, for dossiers received 01/07–25/11:
    resolved 1, 2, 3, 4, 5, 12 → 6; passed 1, 2, 3, 12 → 4; failed 4, 5 → 2;
    on time 1, 3, 4 (on the due day), 12 → 4; overdue 6, 7 → 2; within 8, 9 (due that very
    day) → 2; withdrawn 10 and stopped 11 → closed 2; dossier 13 falls before the period.
    """
    s = Status
    return [
        dossier(1, "BKCT", "07-01", "08-05", s.returned, "08-01", year=year),
        dossier(2, "BKCT", "07-02", "08-06", s.decided, "08-10", year=year),
        dossier(3, "GK", "07-10", "07-31", s.passed, "07-30", year=year),
        dossier(4, "GK", "07-15", "08-05", s.rejected, "08-05", year=year),
        dossier(5, "KTKC", "08-01", "09-12", s.rejected, "09-20", year=year),
        dossier(6, "KTKC", "09-01", "10-13", s.received, year=year),
        dossier(7, "BKCT", "10-01", "11-05", s.in_review, year=year),
        dossier(8, "BKCT", "11-01", "12-05", s.needs_supplement, year=year),
        dossier(9, "GK", "11-20", "11-25", s.received, year=year),
        dossier(10, "GK", "08-15", "09-05", s.withdrawn, year=year),
        dossier(11, "COTD", "09-10", "10-15", s.stopped, year=year),
        dossier(12, "COTD", "10-20", "11-24", s.decided, "11-24", year=year),
        dossier(13, "BKCT", "06-30", "08-05", s.returned, "07-15", year=year),
    ]


async def load(services: Services, rows: list[DossierInput]) -> None:
    await services.dossiers.upsert_many(rows, actor="test", now=services.now())


async def test_figures_of_the_hand_made_set(services: Services) -> None:
    await load(services, hand_made())
    period = Period(date(2026, 7, 1), date(2026, 11, 25), as_of=date(2026, 11, 25))

    figures = await build_report(services.reports, period)
    data = report_json(figures, services.catalog)

    assert {k: v for k, v in data.items() if not isinstance(v, dict)} == {
        "received": 12,
        "resolved": 6,
        "passed": 4,
        "passed_pct": 66.7,
        "failed": 2,
        "failed_pct": 33.3,
        "on_time": 4,
        "on_time_pct": 66.7,
        "pending": 4,
        "pending_within_deadline": 2,
        "overdue": 2,
    }
    assert figures.total.closed == 2
    assert data["by_status"] == {
        "received": 2,
        "in_review": 1,
        "needs_supplement": 1,
        "passed": 1,
        "rejected": 2,
        "decided": 2,
        "returned": 1,
        "withdrawn": 1,
        "stopped": 1,
    }
    kinds = data["by_award_kind"]
    assert kinds["BKCT"] == {
        "name": "Bằng khen của Chủ tịch UBND tỉnh",
        "received": 4,
        "resolved": 2,
        "passed": 2,
        "failed": 0,
        "on_time": 1,
        "pending": 2,
        "pending_within_deadline": 1,
        "overdue": 1,
    }
    assert (kinds["GK"]["received"], kinds["GK"]["passed"], kinds["GK"]["failed"]) == (4, 1, 1)
    assert (kinds["GK"]["on_time"], kinds["GK"]["pending_within_deadline"]) == (2, 1)
    assert (kinds["KTKC"]["failed"], kinds["KTKC"]["on_time"], kinds["KTKC"]["overdue"]) == (
        1,
        0,
        1,
    )
    assert (kinds["COTD"]["received"], kinds["COTD"]["resolved"], kinds["COTD"]["pending"]) == (
        2,
        1,
        0,
    )
    # One month per bar on the chart, months without receipts included.
    assert list(figures.by_month) == ["2026-07", "2026-08", "2026-09", "2026-10", "2026-11"]
    assert [t.received for t in figures.by_month.values()] == [4, 2, 2, 2, 2]
    assert report_paragraph(figures) == (
        "Tiếp nhận 12 hồ sơ, giải quyết 6 hồ sơ (thẩm định đạt 4 hồ sơ, chiếm 67%; không đạt "
        "2 hồ sơ, chiếm 33%), trả đúng hạn 67%; còn 2 hồ sơ đang trong thời hạn giải quyết và "
        "2 hồ sơ quá hạn. Ngoài ra có 2 hồ sơ đã rút hoặc dừng xử lý."
    )


async def test_as_of_reissues_a_past_report(services: Services) -> None:
    await load(services, hand_made())
    july_august = (date(2026, 7, 1), date(2026, 8, 31))

    # At the end of August dossier 5 (rejected on 20/09) was still being handled, in time.
    august = report_json(
        await build_report(services.reports, Period(*july_august, as_of=date(2026, 8, 31))),
        services.catalog,
    )
    # Dossiers 1–5 and 10 were received; 1, 2, 3 passed and 4 failed by then.
    assert (august["received"], august["resolved"], august["passed"], august["failed"]) == (
        6,
        4,
        3,
        1,
    )
    assert (august["on_time"], august["pending_within_deadline"], august["overdue"]) == (3, 1, 0)
    assert august["by_status"]["rejected"] == 1
    assert august["by_status"]["in_review"] == 1

    # By mid-September its due date (12/09) had passed: the same dossier is now overdue.
    september = report_json(
        await build_report(services.reports, Period(*july_august, as_of=date(2026, 9, 15))),
        services.catalog,
    )
    assert (september["resolved"], september["pending_within_deadline"]) == (4, 0)
    assert september["overdue"] == 1

    # And today it is resolved, late: 2 of the 5 were late.
    today = report_json(
        await build_report(services.reports, Period(*july_august, as_of=date(2026, 11, 25))),
        services.catalog,
    )
    assert (today["resolved"], today["failed"], today["on_time"], today["pending"]) == (5, 2, 3, 0)
    assert today["on_time_pct"] == 60.0


async def test_paragraph_is_the_boards_own_sentence(services: Services) -> None:
    """3,829 received: the report of the first half of 2017, number for number."""
    rows: list[DossierInput] = []
    day, seq = date(2025, 1, 2), 0

    def add(status: Status, received_on: date, resolved: bool) -> None:
        nonlocal seq
        seq += 1
        rows.append(
            DossierInput(
                code=make_code(AGENCY, received_on, seq),
                award_kind="BKCT" if seq % 3 else "KTKC",
                nominee=f"Hộ gia đình {seq}",
                unit="",
                phone_last4="",
                received_on=received_on,
                due_on=received_on + timedelta(days=35),
                status=status,
                resolved_on=received_on + timedelta(days=10) if resolved else None,
            )
        )

    passed_kinds = (Status.passed, Status.decided, Status.returned)
    for index in range(3219):
        add(passed_kinds[index % 3], day + timedelta(days=index % 140), resolved=True)
    for index in range(165):
        add(Status.rejected, day + timedelta(days=index % 140), resolved=True)
    for index in range(445):
        add((Status.received, Status.in_review)[index % 2], date(2025, 6, 20), resolved=False)
    await load(services, rows)

    figures = await build_report(
        services.reports, Period(date(2025, 1, 1), date(2025, 6, 30), as_of=date(2025, 6, 30))
    )

    assert report_paragraph(figures) == (
        "Tiếp nhận 3.829 hồ sơ, giải quyết 3.384 hồ sơ (thẩm định đạt 3.219 hồ sơ, chiếm 95%; "
        "không đạt 165 hồ sơ, chiếm 5%), trả đúng hạn 100%; còn 445 hồ sơ đang trong thời hạn "
        "giải quyết."
    )


def test_percentages_never_round_to_a_false_100_or_0() -> None:
    assert report_percent(3219, 3384) == "95%"
    assert report_percent(165, 3384) == "5%"
    assert report_percent(1, 3) == "33%"
    assert report_percent(2, 3) == "67%"
    assert report_percent(999, 1000) == "99,9%"
    assert report_percent(1999, 2000) == "99,9%"
    assert report_percent(1, 1000) == "0,1%"
    assert report_percent(1, 5000) == "0,1%"
    assert report_percent(7, 7) == "100%"
    assert report_percent(0, 7) == "0%"
    assert share(2, 3) == 66.7
    assert share(1, 8) == 12.5
    assert share(0, 0) is None


def test_period_rules() -> None:
    today = date(2026, 11, 25)
    # Decree 09/2019: after 14/6 the default is the reporting year 15/12–14/12, up to today.
    assert choose_period(today) == Period(date(2025, 12, 15), date(2026, 12, 14), today)
    assert choose_period(date(2026, 3, 3)) == Period(
        date(2025, 12, 15), date(2026, 6, 14), date(2026, 3, 3)
    )
    # The calendar half-year when a board sets the reporting year to start on 01/01.
    assert choose_period(date(2026, 3, 3), year_start="01/01") == Period(
        date(2026, 1, 1), date(2026, 6, 30), date(2026, 3, 3)
    )
    # A past as-of day picks that day's period.
    assert choose_period(today, as_of=date(2025, 12, 31)) == Period(
        date(2025, 12, 15), date(2026, 6, 14), date(2025, 12, 31)
    )
    with pytest.raises(ReportInputError, match="trước ngày đầu kỳ"):
        choose_period(today, date(2026, 8, 1), date(2026, 7, 1))
    with pytest.raises(ReportInputError, match="chưa đến"):
        choose_period(today, date(2026, 7, 1), date(2026, 12, 31))
    with pytest.raises(ReportInputError, match="chưa đến"):
        choose_period(today, date(2026, 11, 26), date(2026, 12, 14))
    with pytest.raises(ReportInputError, match="chưa đến"):
        choose_period(today, as_of=date(2026, 11, 26))
    # A period still running, or re-issued as of a day before its end, is accepted.
    assert choose_period(today, date(2026, 7, 1), date(2026, 12, 14)).partial
    assert choose_period(
        today, date(2026, 7, 1), date(2026, 9, 30), as_of=date(2026, 8, 31)
    ) == Period(date(2026, 7, 1), date(2026, 9, 30), date(2026, 8, 31))
    with pytest.raises(ReportInputError, match="Ngày chốt số liệu"):
        choose_period(today, date(2026, 7, 1), date(2026, 9, 30), as_of=date(2026, 6, 30))
    with pytest.raises(ReportInputError, match="Cần cả ngày đầu kỳ"):
        choose_period(today, start=date(2026, 7, 1))


# --- In chat ------------------------------------------------------------------------------


def staff_chat(services: Services) -> ChatDriver:
    """The bot as an officer sees it: the feature's router with every sender an officer."""
    from handlers import report

    async def officer(_incoming: object, _services: object) -> str:
        return "officer"

    router = Router(role_of=officer)  # type: ignore[arg-type]
    report.register(router)
    return ChatDriver(BotCore(router, services))


async def test_citizens_are_refused(chat: ChatDriver, services: Services) -> None:
    await load(services, hand_made())
    for command in ("/thongke", "/thongke 01/07/2026 31/08/2026", "/xuat"):
        replies = await chat.send(command)
        assert len(replies) == 1
        assert replies[0].image is None and replies[0].document is None
        assert "Tiếp nhận" not in replies[0].text


async def test_thongke_sends_the_paragraph_the_table_then_the_chart(
    services: Services, clock: MovableClock
) -> None:
    await load(services, hand_made())
    chat = staff_chat(services)

    text, photo = await chat.send("/thongke 01/07/2026 25/11/2026")

    assert text.text.startswith(
        "📊 Hồ sơ tiếp nhận từ 01/07/2026 đến 25/11/2026 (số liệu đến hết ngày 25/11/2026):\n"
        "Tiếp nhận 12 hồ sơ, giải quyết 6 hồ sơ"
    )
    assert "Theo hình thức khen thưởng:" in text.text
    assert (
        "• Bằng khen của Chủ tịch UBND tỉnh: tiếp nhận 4; giải quyết 2 (đạt 2, không đạt 0); "
        "còn 2 (quá hạn 1)"
    ) in text.text
    assert text.image is None
    assert photo.image is not None and photo.image.startswith(PNG_MAGIC)
    assert photo.image_name.endswith(".png")

    # Two weeks later dossier 9 (due 25/11) is overdue as well; dossier 8 (due 05/12) waits
    # for supplements, its clock paused, so it is not counted as overdue.
    clock.set_local("2026-12-10 09:00")
    later = (await chat.send("/thongke 01/07/2026 25/11/2026"))[0].text
    assert "còn 1 hồ sơ đang trong thời hạn giải quyết và 3 hồ sơ quá hạn." in later


async def test_thongke_for_a_period_and_its_bad_input(services: Services) -> None:
    await load(services, hand_made())
    chat = staff_chat(services)

    replies = await chat.send("/thongke 01/07/2026 31/08/2026")
    assert len(replies) == 2
    assert "Tiếp nhận 6 hồ sơ, giải quyết 5 hồ sơ" in replies[0].text

    assert "trước ngày đầu kỳ" in await chat.say("/thongke 31/08/2026 01/07/2026")
    assert "chưa đến" in await chat.say("/thongke 01/07/2026 31/12/2026")
    assert "chưa đến" in await chat.say("/thongke 26/11/2026 14/12/2026")
    assert "không phải ngày hợp lệ" in await chat.say("/thongke 31/02/2026 01/03/2026")
    assert "Cách dùng: /thongke" in await chat.say("/thongke 01/07/2026")
    empty = await chat.send("/thongke 01/01/2020 31/01/2020")
    assert [r.text for r in empty] == ["Không có hồ sơ nào tiếp nhận từ 01/01/2020 đến 31/01/2020."]
    assert empty[0].image is None


async def test_xuat_sends_the_periods_dossiers_as_xlsx(services: Services) -> None:
    rows = hand_made()
    await load(services, rows)
    chat = staff_chat(services)

    (reply,) = await chat.send("/xuat 01/07/2026 25/11/2026")

    assert reply.document is not None and reply.document_name.endswith(".xlsx")
    assert reply.text.startswith("Danh sách 12 hồ sơ tiếp nhận từ 01/07/2026 đến 25/11/2026")
    parsed = parse_xlsx(reply.document, services.catalog, services.calendar)
    assert parsed.ok, parsed.errors
    in_period = sorted((r for r in rows if r.received_on >= date(2026, 7, 1)), key=_order)
    # A file sent in chat can be forwarded: it carries no second factor.
    assert parsed.rows == [replace(r, phone_last4="") for r in in_period]

    nothing = await chat.send("/xuat 01/01/2020 31/01/2020")
    assert nothing[0].document is None
    assert "Không có hồ sơ nào" in nothing[0].text


def _order(row: DossierInput) -> tuple[date, str]:
    return row.received_on, row.code


# --- On the command line ------------------------------------------------------------------


async def test_cli_json_keys_as_of_and_chart(
    services: Services, settings: Settings, tmp_path: Path
) -> None:
    # A past year, so "today" on the machine running the test never makes the dates future.
    await load(services, hand_made(year=2025))
    chart = tmp_path / "chart.png"
    common = ["report", "--from", "2025-07-01", "--to", "2025-08-31", "--format", "json"]

    done = run_cli(settings, *common, "--as-of", "2025-08-31", "--chart", str(chart), cwd=tmp_path)

    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert list(data) == [
        "received",
        "resolved",
        "passed",
        "passed_pct",
        "failed",
        "failed_pct",
        "on_time",
        "on_time_pct",
        "pending",
        "pending_within_deadline",
        "overdue",
        "by_award_kind",
        "by_status",
        "carried_over",
        "period",
    ]
    assert (data["received"], data["resolved"], data["pending_within_deadline"]) == (6, 4, 1)
    assert (data["passed_pct"], data["failed_pct"], data["on_time_pct"]) == (75.0, 25.0, 75.0)
    png = chart.read_bytes()
    assert png.startswith(PNG_MAGIC)
    width, height = struct.unpack(">II", png[16:24])
    assert width > height > 300

    later = run_cli(settings, *common, "--as-of", "2025-11-25", cwd=tmp_path)
    assert json.loads(later.stdout)["resolved"] == 5


async def test_cli_bad_input_writes_nothing(
    services: Services, settings: Settings, tmp_path: Path
) -> None:
    await load(services, hand_made(year=2025))
    chart = tmp_path / "chart.png"

    for args, message in (
        (["--from", "2025-08-31", "--to", "2025-07-01"], "trước ngày đầu kỳ"),
        (["--from", "2025-07-01", "--to", "2999-12-31"], "chưa đến"),
        (["--from", "2025-07-01", "--to", "2025-13-01"], "không phải ngày hợp lệ"),
        (["--from", "2020-01-01", "--to", "2020-01-31"], "Không có hồ sơ nào"),
    ):
        done = run_cli(settings, "report", *args, "--chart", str(chart), cwd=tmp_path)
        assert done.returncode == 1
        assert message in done.stderr
        assert done.stdout == ""
        assert not chart.exists()


async def test_cli_text_is_the_same_report(
    services: Services, settings: Settings, tmp_path: Path
) -> None:
    await load(services, hand_made(year=2025))
    done = run_cli(
        settings,
        "report",
        "--from",
        "2025-07-01",
        "--to",
        "2025-11-25",
        "--as-of",
        "2025-11-25",
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert "Tiếp nhận 12 hồ sơ, giải quyết 6 hồ sơ (thẩm định đạt 4 hồ sơ, chiếm 67%" in done.stdout
    assert "Theo trạng thái (tại ngày 25/11/2025):" in done.stdout
    assert "• Đã rút hồ sơ: 1" in done.stdout
