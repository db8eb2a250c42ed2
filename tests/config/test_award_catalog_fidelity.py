"""The award catalogue's names and authorities, and the board-step-only rule on the card."""

from __future__ import annotations

from datetime import date

from config.catalog import NomineeType
from db.models import DossierInput
from domain.statuses import Status
from handlers.services import Services
from tests.conftest import ChatDriver, MovableClock
from tests.handlers.test_lookup import CODE, add_dossier, verified_card

STATE_LEVEL = {"KTKC", "TTCH", "HCLD3", "HCDL", "BMVNAH", "BKTTG", "CSTDTQ"}


def test_names_authorities_and_the_board_step_flag(services: Services) -> None:
    catalog = services.catalog
    contribution = catalog.get("TTCH")
    assert contribution is not None
    assert contribution.name == "Khen thưởng quá trình cống hiến"
    assert catalog.find("khen thuong qua trinh cong hien") is contribution
    # A family's Giấy khen is given by the commune chairman, not the department director.
    family = catalog.for_nominee(NomineeType.family)
    giay_khen = [kind for kind in family if kind.name.startswith("Giấy khen")]
    assert [kind.authority for kind in giay_khen] == ["Chủ tịch UBND cấp xã"]
    gk = catalog.get("GK")
    assert gk is not None and NomineeType.family not in gk.for_whom
    # Decided above the province: the due date covers the board's own step only.
    assert {kind.code for kind in catalog.kinds if kind.board_step_only} == STATE_LEVEL
    for kind in catalog.kinds:
        above = kind.authority in ("Chủ tịch nước", "Thủ tướng Chính phủ")
        assert kind.board_step_only == above, kind.code


async def test_card_of_a_submitted_state_award_does_not_count_overdue(
    services: Services, chat: ChatDriver, clock: MovableClock
) -> None:
    # Submitted on 16/11, due 20/11; the President's decision takes months.
    await add_dossier(
        services,
        award_kind="BMVNAH",
        status=Status.passed,
        due_on=date(2026, 11, 20),
        resolved_on=date(2026, 11, 16),
    )
    clock.set_local("2027-03-01 09:00")
    lines = (await verified_card(chat)).splitlines()
    assert "Hạn thẩm định, trình của Ban: 20/11/2026" in lines
    assert (
        "Ban đã trình hồ sơ ngày 16/11/2026 (trình Chủ tịch nước); "
        "chờ quyết định của cấp có thẩm quyền."
    ) in lines
    assert not any("Quá hạn" in line or "trễ hạn" in line for line in lines)


async def test_card_of_a_state_award_still_at_the_board(
    services: Services, chat: ChatDriver
) -> None:
    await add_dossier(services, award_kind="BKTTG", due_on=date(2026, 12, 2))
    lines = (await verified_card(chat)).splitlines()
    assert "Hạn thẩm định, trình của Ban: 02/12/2026" in lines
    assert any(line.startswith("Thời hạn trên chỉ tính bước thẩm định tại Ban") for line in lines)
    assert "Còn 5 ngày làm việc đến hạn." in lines


async def test_provincial_award_keeps_the_ordinary_card(
    services: Services, chat: ChatDriver
) -> None:
    await add_dossier(services, status=Status.passed, resolved_on=date(2026, 11, 18))
    lines = (await verified_card(chat)).splitlines()
    assert "Ngày hẹn trả kết quả: 02/12/2026" in lines
    assert "Đã giải quyết ngày 18/11/2026 (đúng hạn)." in lines
    assert not any("chờ quyết định" in line for line in lines)


async def test_submitted_state_award_is_not_in_the_overdue_lists(
    services: Services, clock: MovableClock
) -> None:
    """The reminders' open set is received, in_review and needs_supplement (SQL `OPEN`)."""
    await add_dossier(
        services,
        award_kind="HCLD3",
        status=Status.passed,
        due_on=date(2026, 11, 20),
        resolved_on=date(2026, 11, 19),
    )
    await services.dossiers.upsert_many(
        [
            DossierInput(
                code=CODE.replace("-0001", "-0002"),
                award_kind="HCLD3",
                nominee="Trần Văn B",
                unit="",
                phone_last4="1111",
                received_on=date(2026, 10, 1),
                due_on=date(2026, 11, 20),
                status=Status.in_review,
            )
        ],
        actor="import",
        now=services.now(),
    )
    clock.set_local("2027-03-01 09:00")
    overdue, count = await services.reminders.worklist(
        officer_id=None, overdue_before=date(2027, 3, 1), limit=50, offset=0
    )
    assert [item.code for item in overdue] == [CODE.replace("-0001", "-0002")]
    assert count == 1
