"""Imports follow the officers' transition table and notify followers of status changes."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

from db.models import DossierInput
from handlers.domain.statuses import Status
from handlers.dossier_import import check_moves, parse_csv
from handlers.notices import status_notice_renderer
from handlers.services import Services
from tests.test_import import run_bot

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
    check_moves(parsed, await services.dossiers.statuses([r.code for r in parsed.rows]))
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
