"""Imports follow the officers' transition table and notify followers of status changes."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from db.dossiers import ForbiddenMove
from db.models import DossierInput
from domain.statuses import Status
from domain.transitions import can_reach
from handlers.importing.columns import parse_date
from handlers.importing.readers import parse_csv
from handlers.importing.writer import prepare
from handlers.notices import status_notice_renderer
from handlers.services import Services
from tests.conftest import MovableClock
from tests.handlers.importing.test_readers import run_bot

HEADER = "code,award_kind,nominee,phone,received_on,status,resolved_on,decision_no"
CODE_A = "000.00.21.H01-261102-0001"
CODE_B = "000.00.21.H01-261102-0002"


def dossier(code: str, status: Status) -> DossierInput:
    return DossierInput(
        code=code,
        award_kind="BKCT",
        nominee="Nguyễn Văn An",
        unit="",
        phone_last4="5678",
        received_on=date(2026, 11, 2),
        due_on=date(2026, 12, 8),
        status=status,
    )


async def test_forbidden_move_is_a_line_error(services: Services) -> None:
    await services.dossiers.upsert_many(
        [dossier(CODE_A, Status.in_review), dossier(CODE_B, Status.withdrawn)],
        actor="test",
        now=services.now(),
    )
    data = "\n".join(
        [
            HEADER,
            f"{CODE_A},BKCT,Nguyễn Văn An,0912345678,2026-11-02,decided,2026-11-20,12/QĐ-UBND",
            f"{CODE_B},BKCT,Nguyễn Văn An,0912345678,2026-11-02,in_review,,",
        ]
    ).encode()
    parsed = parse_csv(data, services.catalog, services.calendar)
    assert parsed.ok and parsed.lines == [2, 3]
    stored = await services.dossiers.get_many([r.code for r in parsed.rows])
    prepare(parsed, stored, services.today(), services.calendar)
    # in_review → decided is reachable (through passed); withdrawn is final.
    assert [line for line, _ in parsed.errors] == [3]
    assert "Đã rút hồ sơ" in parsed.errors[0][1]


async def test_import_status_change_notifies_followers_once(services: Services) -> None:
    await services.dossiers.upsert_many(
        [dossier(CODE_A, Status.in_review)], actor="test", now=services.now()
    )
    stored = await services.dossiers.get_by_code(CODE_A)
    assert stored is not None
    outcome = await services.follows.follow(
        channel="zalo", chat_id="z1", dossier_id=stored.id, now=services.now(), limit=10
    )
    assert outcome == "added"
    changed = replace(dossier(CODE_A, Status.passed), resolved_on=date(2026, 11, 24))
    for _ in range(2):  # the second import changes nothing and notifies nobody
        await services.dossiers.upsert_many(
            [changed], actor="import", now=services.now(), notice=status_notice_renderer()
        )
    pending = await services.outbox.all_for_chat("zalo", "z1")
    assert len(pending) == 1
    assert "Thẩm định đạt" in pending[0].payload["text"]


def test_cli_refuses_forbidden_move_and_writes_nothing(tmp_path: Path) -> None:
    first = tmp_path / "first.csv"
    first.write_text(
        f"{HEADER}\n{CODE_B},BKCT,Trần Thị Bích,0912345679,2026-11-02,withdrawn,,\n",
        encoding="utf-8",
    )
    database = str(tmp_path / "tdkt.sqlite3")
    assert run_bot(tmp_path, "import", str(first), TDKT_DATABASE=database).returncode == 0
    second = tmp_path / "second.csv"
    second.write_text(
        f"{HEADER}\n{CODE_B},BKCT,Trần Thị Bích,0912345679,2026-11-02,in_review,,\n",
        encoding="utf-8",
    )
    result = run_bot(tmp_path, "import", str(second), TDKT_DATABASE=database)
    assert result.returncode == 1
    assert "Dòng 2" in result.stderr and "không thể chuyển" in result.stderr


async def import_text(services: Services, *lines: str) -> None:
    """Parse, prepare against the stored dossiers and write, as `python -m bot import` does."""
    parsed = parse_csv("\n".join(lines).encode(), services.catalog, services.calendar)
    stored = await services.dossiers.get_many([r.code for r in parsed.rows])
    prepare(parsed, stored, services.today(), services.calendar)
    assert parsed.ok, parsed.errors
    await services.dossiers.upsert_many(parsed.rows, actor="import", now=services.now())


async def test_empty_cells_keep_phone_and_due_date(services: Services) -> None:
    header = "code,award_kind,nominee,phone,received_on,due_on,status"
    await import_text(
        services, header, f"{CODE_A},BKCT,Nguyễn Văn An,0912345678,2026-11-02,2026-12-30,in_review"
    )
    # The next export has no phone and no due date: the second factor and the date stay.
    await import_text(services, header, f"{CODE_A},BKCT,Nguyễn Văn An,,2026-11-02,,in_review")
    stored = await services.dossiers.get_by_code(CODE_A)
    assert stored is not None
    assert (stored.phone_last4, stored.due_on) == ("5678", date(2026, 12, 30))


async def test_supplement_pause_through_imports(services: Services, clock: MovableClock) -> None:
    header = "code,award_kind,nominee,phone,received_on,due_on,status"
    row = f"{CODE_A},BKCT,Nguyễn Văn An,0912345678,2026-11-02,,"
    await import_text(services, header, row + "in_review")
    due = (await services.dossiers.get_by_code(CODE_A)).due_on  # type: ignore[union-attr]
    await import_text(services, header, row + "needs_supplement")  # Wed 25/11
    waiting = await services.dossiers.get_by_code(CODE_A)
    assert waiting is not None and waiting.supplement_since == date(2026, 11, 25)
    clock.advance(days=7)  # Wed 2/12: 5 working days waited (26, 27, 30/11, 1, 2/12)
    await import_text(services, header, row + "in_review")
    resumed = await services.dossiers.get_by_code(CODE_A)
    assert resumed is not None and resumed.supplement_since is None
    assert resumed.due_on == services.calendar.add_working_days(due, 5)


async def test_move_refused_inside_the_write_transaction(services: Services) -> None:
    """An officer moved the dossier after the file was checked: the import writes nothing."""
    await services.dossiers.upsert_many(
        [dossier(CODE_A, Status.returned)], actor="officer", now=services.now()
    )
    late = replace(dossier(CODE_A, Status.decided), resolved_on=date(2026, 11, 20))
    with pytest.raises(ForbiddenMove):
        await services.dossiers.upsert_many(
            [dossier(CODE_B, Status.received), late],
            actor="import",
            now=services.now(),
            allowed_move=can_reach,
        )
    assert await services.dossiers.get_by_code(CODE_B) is None
    stored = await services.dossiers.get_by_code(CODE_A)
    assert stored is not None and stored.status is Status.returned


def test_placeholder_dates_are_refused() -> None:
    assert parse_date("31/12/9999") is None
    assert parse_date("0001-01-01") is None
    assert parse_date("01/07/2025") == date(2025, 7, 1)


# --- one pass, the chat's checks, every error with its line (issue 22 items 5 and 6) ------------


async def test_the_import_checks_what_the_chat_checks_in_one_pass(
    services: Services, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.cli import EXIT_FAILED, import_file

    header = (
        "code,award_kind,nominee,nominee_type,received_on,status,resolved_on,decision_no,officer"
    )
    lines = [
        # 2: received after today (the card would say "Còn 1021 ngày làm việc")
        "000.00.21.H01-300102-0001,BKCT,Nguyễn Văn An,,2030-01-02,,,,",
        # 3: a decision number the chat refuses
        "000.00.21.H01-261102-0003,BKCT,Nguyễn Văn Ba,,2026-11-02,decided,2026-11-20,abc,",
        # 4: the household-only award for an individual
        "000.00.21.H01-261102-0004,GKHGD,Nguyễn Văn Bốn,cá nhân,2026-11-02,,,,",
        # 5: an officer nobody is called (once only found at the write, with no line)
        "000.00.21.H01-261102-0005,BKCT,Nguyễn Văn Năm,,2026-11-02,,,,Ai Đó",
        # 6: received another day than the code's
        "000.00.21.H01-261120-0006,BKCT,Nguyễn Văn Sáu,,2026-11-21,,,,",
        # 7: a well-formed row, as the export writes it
        "000.00.21.H01-261102-0007,BKCT,Nguyễn Văn Bảy,,2026-11-02,decided,2026-11-20,12/qđ-ubnd,",
    ]
    path = tmp_path / "export.csv"
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    assert await import_file(services.settings, path) == EXIT_FAILED
    err = capsys.readouterr().err.splitlines()
    assert err[:-1] == [
        "Dòng 2: ngày tiếp nhận sau ngày hôm nay",
        "Dòng 3: số quyết định “abc” không đúng dạng (ví dụ 123/QĐ-UBND)",
        "Dòng 4: hình thức GKHGD không dành cho cá nhân (chỉ cho hộ gia đình)",
        "Dòng 5: Hồ sơ 000.00.21.H01-261102-0005: không có chuyên viên nào tên hoặc mã là «Ai Đó».",
        "Dòng 6: ngày tiếp nhận khác ngày trong mã hồ sơ (20/11/2026)",
    ]
    assert err[-1] == "Có 5 dòng lỗi — không ghi gì vào cơ sở dữ liệu."
    assert await services.dossiers.count() == 0


async def test_a_decision_number_is_stored_as_the_chat_stores_it(services: Services) -> None:
    from handlers.importing.writer import rules_for

    data = (
        f"{HEADER}\n{CODE_A},BKCT,Nguyễn Văn An,,2026-11-02,decided,2026-11-20,12 / qd - ubnd\n"
    ).encode()
    parsed = parse_csv(data, services.catalog, services.calendar, rules=await rules_for(services))
    assert parsed.ok, parsed.errors
    assert parsed.rows[0].decision_no == "12/QĐ-UBND"
