"""The demo database: a dozen realistic dossiers so anyone can try the bot offline.

Their codes are fixed (`000.00.21.H01-261120-0001` ... `-0012`), so the README's examples run
as printed on any day; their dates move with the day the database is created, so deadlines,
overdue lines and reminders look alive.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from db.models import Dossier, DossierInput
from domain.codes import make_code
from domain.statuses import Status
from handlers.services import Services

AGENCY = "000.00.21.H01"
LEGACY_AGENCY = "000.00.21.H33"
#: The day written in every demo code (the README's examples use these codes).
CODE_DAY = date(2026, 11, 20)
#: Where the console demo serves the lookup page the demo's QR codes open.
DEMO_PUBLIC_URL = "http://127.0.0.1:{port}"


@dataclass(frozen=True)
class DemoDossier:
    days_ago: int
    award_kind: str
    nominee: str
    unit: str
    phone: str
    status: Status
    resolved_days_ago: int | None = None
    decision_no: str | None = None
    note: str | None = None
    agency: str = AGENCY


DEMO = [
    DemoDossier(
        3, "BKCT", "Nguyễn Văn An", "Trường THCS Lê Quý Đôn", "0912345678", Status.received
    ),
    DemoDossier(
        12, "BKCT", "Trần Thị Bích", "Bệnh viện Đa khoa tỉnh", "0987654321", Status.in_review
    ),
    DemoDossier(
        20,
        "CSTDT",
        "Lê Hoàng Cường",
        "Sở Giáo dục và Đào tạo",
        "0903111222",
        Status.needs_supplement,
        note="Bổ sung biên bản họp Hội đồng Thi đua – Khen thưởng cơ sở",
    ),
    DemoDossier(
        40, "BKCT", "Phạm Minh Dũng", "Công an xã Tân Hiệp", "0934555666", Status.in_review
    ),
    DemoDossier(
        35,
        "COTD",
        "Trường THPT Chuyên Thoại Ngọc Hầu",
        "Sở Giáo dục và Đào tạo",
        "0296384001",
        Status.passed,
        resolved_days_ago=5,
    ),
    DemoDossier(
        60,
        "TTLDXS",
        "Phòng Kinh tế xã Vĩnh Thạnh Trung",
        "UBND xã Vĩnh Thạnh Trung",
        "0296371234",
        Status.decided,
        resolved_days_ago=10,
        decision_no="1234/QĐ-UBND",
    ),
    DemoDossier(
        90,
        "BKCT",
        "Võ Thị Hồng",
        "Hội Liên hiệp Phụ nữ tỉnh",
        "0918777888",
        Status.returned,
        resolved_days_ago=50,
        decision_no="987/QĐ-UBND",
    ),
    DemoDossier(
        30,
        "CSTDT",
        "Huỳnh Văn Em",
        "Trạm Y tế phường Long Xuyên",
        "0909222333",
        Status.rejected,
        resolved_days_ago=8,
        note="Chưa đủ sáng kiến được công nhận theo quy định",
    ),
    DemoDossier(
        15,
        "KTKC",
        "Gia đình ông Đặng Văn Phúc",
        "xã Mỹ Hòa Hưng",
        "0939444555",
        Status.withdrawn,
        note="Gia đình xin rút hồ sơ",
    ),
    DemoDossier(25, "BMVNAH", "Mẹ Nguyễn Thị Gấm", "xã Bình Hòa", "0976123456", Status.in_review),
    DemoDossier(
        45,
        "HCDL",
        "Gia đình cụ Trương Văn Hai",
        "phường Long Xuyên",
        "0945987654",
        Status.stopped,
        note="Dừng xử lý theo đề nghị của cơ quan trình",
    ),
    DemoDossier(
        28,
        "BKCT",
        "Lý Thanh Khoa",
        "Ban Quản lý Khu kinh tế Phú Quốc",
        "0977654123",
        Status.in_review,
        agency=LEGACY_AGENCY,
    ),
]


def demo_inputs(today: date, services: Services) -> list[DossierInput]:
    """The demo dossiers, dated relative to `today` so deadlines look alive."""
    items = []
    for number, demo in enumerate(DEMO, start=1):
        received = today - timedelta(days=demo.days_ago)
        received = received - timedelta(days=max(0, received.weekday() - 4))
        kind = services.catalog.get(demo.award_kind)
        assert kind is not None, demo.award_kind
        resolved = (
            today - timedelta(days=demo.resolved_days_ago)
            if demo.resolved_days_ago is not None
            else None
        )
        items.append(
            DossierInput(
                code=make_code(demo.agency, CODE_DAY, number),
                award_kind=kind.code,
                nominee=demo.nominee,
                unit=demo.unit,
                phone_last4=demo.phone[-4:],
                received_on=received,
                due_on=services.calendar.due_date(received, kind.working_days),
                status=demo.status,
                resolved_on=resolved,
                decision_no=demo.decision_no,
                note=demo.note,
            )
        )
    return items


async def ensure_demo_data(services: Services) -> list[Dossier]:
    """Fill an empty demo database; return the demo dossiers either way (for the banner)."""
    if await services.dossiers.count() == 0:
        items = demo_inputs(services.today(), services)
        await services.dossiers.upsert_many(items, actor="demo", now=services.now())
    return await services.dossiers.first(len(DEMO))
