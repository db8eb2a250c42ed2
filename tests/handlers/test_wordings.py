"""Counts and wordings an officer relies on (issue 14): import errors by rows and errors, the
digest's waiting line, bulk updates never making a second supplement request."""

from __future__ import annotations

from datetime import date

from db.models import DossierInput
from db.reminders import WorkItem
from domain.statuses import Status
from handlers.actions.dossier_status import change_status
from handlers.importing.readers import parse_csv
from handlers.reminders import WorkdayIndex, item_phrase
from handlers.router import BotCore
from handlers.services import Services
from handlers.texts import casework as tw
from handlers.texts import importing as ti
from tests.conftest import ChatDriver
from tests.handlers.importing.test_readers import HEADER, ROW_1, csv_bytes
from tests.handlers.test_status_update import make_staff, payload_of


def test_import_summary_counts_rows_and_errors_apart(services: Services) -> None:
    two_errors = "000.00.21.H01-260213-0003,XYZ,Lê Văn C,,0912345678,2026-02-30,,,,,"
    also_two = "000.00.21.H01-260213-0004,XYZ,Lê Văn D,,0912345678,2026-02-31,,,,,"
    parsed = parse_csv(
        csv_bytes(HEADER, ROW_1, two_errors, also_two), services.catalog, services.calendar
    )
    assert len(parsed.errors) == 4
    assert parsed.summary() == ti.NOTHING_WRITTEN_ERRORS.format(rows=2, errors=4)
    one = parse_csv(
        csv_bytes(HEADER, ROW_1, also_two.replace("XYZ", "BKCT")),
        services.catalog,
        services.calendar,
    )
    assert one.summary() == ti.NOTHING_WRITTEN.format(count=1)


def test_waiting_without_a_date_prints_no_dash(services: Services) -> None:
    item = WorkItem(
        id=1,
        code="000.00.21.H01-260213-0001",
        nominee="An",
        award_kind="BKCT",
        status=Status.needs_supplement,
        due_on=date(2026, 12, 1),
        supplement_since=None,
        officer_id=None,
        officer_name=None,
    )
    today = services.today()
    phrase = item_phrase(item, today, WorkdayIndex(services.calendar, today))
    assert phrase == "chờ bổ sung" and "—" not in phrase


async def test_bulk_never_makes_a_second_supplement_request(
    services: Services, core: BotCore
) -> None:
    await make_staff(services, "lead", role="leader")
    leader = ChatDriver(core, "console", "lead")
    codes = ["000.00.21.H01-261120-0001", "000.00.21.H01-261120-0002"]
    await services.dossiers.upsert_many(
        [
            DossierInput(
                code=code,
                award_kind="BKCT",
                nominee="Người nhận",
                unit="",
                phone_last4="5678",
                received_on=date(2026, 11, 20),
                due_on=date(2026, 12, 28),
                status=Status.in_review,
            )
            for code in codes
        ],
        actor="import",
        now=services.now(),
    )
    first = await services.dossiers.get_by_code(codes[0])
    assert first is not None
    moved = await change_status(services, first, Status.needs_supplement, "Thiếu", "t")
    await change_status(services, moved.dossier, Status.in_review, None, "t")
    menu = await leader.send("/capnhat " + "\n".join(codes))
    await leader.send(payload=payload_of(menu, ":to:needs_supplement"))
    preview = await leader.say("Bổ sung bản chính")
    assert f"• {codes[0]}: {tw.REASON_SUPPLEMENT_ONCE}" in preview
    assert "Xác nhận cập nhật 1 hồ sơ" in preview
