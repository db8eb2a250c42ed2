"""The demo database: a dozen realistic dossiers so anyone can try the bot offline.

Their codes are fixed (`000.00.21.H01-261120-0001` ... `-0012`), so the README's examples run
as printed on any day, and their dates are those of the codes: all were received on 20/11/2026
(a Friday), each later step fell on a working day counted from it, and the history says when
each step happened. As the days pass the running ones fall due, which the reminders show.
Two demo staff, an officer who owns the running dossiers and a leader, let `/vai` show the
board's side of it (bot/console_channel.py).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from db.models import Dossier, DossierInput
from domain.codes import make_code
from domain.statuses import FINISHED, RESOLVED, Status
from handlers.services import Services

AGENCY = "000.00.21.H01"
LEGACY_AGENCY = "000.00.21.H33"
#: The day written in every demo code (the README's examples use these codes).
CODE_DAY = date(2026, 11, 20)
#: Where the console demo serves the lookup page the demo's QR codes open.
DEMO_PUBLIC_URL = "http://127.0.0.1:{port}"
#: When the desk received the dossiers, and when later steps were taken (local time).
RECEIVED_AT = time(8, 30)
STEP_AT = time(14, 0)
#: The console's demo identities (`/vai`): user id → (role, name). They chat in the console's
#: own chat, so their reminders and digests print there.
DEMO_STAFF = {
    "canbo": ("officer", "Trần Thị Hoa"),
    "lanhdao": ("leader", "Nguyễn Văn Bình"),
}


@dataclass(frozen=True)
class DemoDossier:
    """`steps`: each later status with the working day after receipt it was reached on."""

    steps: tuple[tuple[Status, int], ...]
    award_kind: str
    nominee: str
    unit: str
    phone: str
    decision_no: str | None = None
    note: str | None = None
    agency: str = AGENCY

    @property
    def status(self) -> Status:
        return self.steps[-1][0] if self.steps else Status.received


_IN_REVIEW = Status.in_review

DEMO = [
    DemoDossier((), "BKCT", "Nguyễn Văn An", "Trường THCS Lê Quý Đôn", "0912345678"),
    DemoDossier(
        ((_IN_REVIEW, 2),), "BKCT", "Trần Thị Bích", "Bệnh viện Đa khoa tỉnh", "0987654321"
    ),
    DemoDossier(
        ((_IN_REVIEW, 1), (Status.needs_supplement, 4)),
        "CSTDT",
        "Lê Hoàng Cường",
        "Sở Giáo dục và Đào tạo",
        "0903111222",
        note="Bổ sung biên bản họp Hội đồng Thi đua – Khen thưởng cơ sở",
    ),
    DemoDossier(((_IN_REVIEW, 1),), "BKCT", "Phạm Minh Dũng", "Công an xã Tân Hiệp", "0934555666"),
    DemoDossier(
        ((_IN_REVIEW, 2), (Status.passed, 9)),
        "COTD",
        "Trường THPT Chuyên Thoại Ngọc Hầu",
        "Sở Giáo dục và Đào tạo",
        "0296384001",
    ),
    DemoDossier(
        ((_IN_REVIEW, 1), (Status.passed, 5), (Status.decided, 9)),
        "TTLDXS",
        "Phòng Kinh tế xã Vĩnh Thạnh Trung",
        "UBND xã Vĩnh Thạnh Trung",
        "0296371234",
        decision_no="1234/QĐ-UBND",
    ),
    DemoDossier(
        ((_IN_REVIEW, 1), (Status.passed, 4), (Status.decided, 7), (Status.returned, 8)),
        "BKCT",
        "Võ Thị Hồng",
        "Hội Liên hiệp Phụ nữ tỉnh",
        "0918777888",
        decision_no="987/QĐ-UBND",
    ),
    DemoDossier(
        ((_IN_REVIEW, 2), (Status.rejected, 6)),
        "CSTDT",
        "Huỳnh Văn Em",
        "Trạm Y tế phường Long Xuyên",
        "0909222333",
        note="Chưa đủ sáng kiến được công nhận theo quy định",
    ),
    DemoDossier(
        ((_IN_REVIEW, 1), (Status.withdrawn, 3)),
        "KTKC",
        "Gia đình ông Đặng Văn Phúc",
        "xã Mỹ Hòa Hưng",
        "0939444555",
        note="Gia đình xin rút hồ sơ",
    ),
    DemoDossier(((_IN_REVIEW, 3),), "BMVNAH", "Mẹ Nguyễn Thị Gấm", "xã Bình Hòa", "0976123456"),
    DemoDossier(
        ((_IN_REVIEW, 2), (Status.stopped, 5)),
        "HCDL",
        "Gia đình cụ Trương Văn Hai",
        "phường Long Xuyên",
        "0945987654",
        note="Dừng xử lý theo đề nghị của cơ quan trình",
    ),
    DemoDossier(
        ((_IN_REVIEW, 2),),
        "BKCT",
        "Lý Thanh Khoa",
        "Ban Quản lý Khu kinh tế Phú Quốc",
        "0977654123",
        agency=LEGACY_AGENCY,
    ),
]


def _step_day(services: Services, after: int, today: date) -> date:
    """The working day `after` working days past the code's day, never after today."""
    day = services.calendar.add_working_days(CODE_DAY, after)
    while day > max(today, CODE_DAY) or not services.calendar.is_working_day(day):
        day -= timedelta(days=1)
    return max(day, CODE_DAY)


def demo_history(today: date, services: Services) -> list[list[tuple[date, DossierInput]]]:
    """Each demo dossier as it stood after each step, with the day of that step; the first is
    its receipt on the code's day, the last its state today."""
    histories = []
    for number, demo in enumerate(DEMO, start=1):
        kind = services.catalog.get(demo.award_kind)
        assert kind is not None, demo.award_kind
        item = DossierInput(
            code=make_code(demo.agency, CODE_DAY, number),
            award_kind=kind.code,
            nominee=demo.nominee,
            unit=demo.unit,
            phone_last4=demo.phone[-4:],
            received_on=CODE_DAY,
            due_on=services.calendar.due_date(CODE_DAY, kind.working_days),
            status=Status.received,
        )
        states = [(CODE_DAY, item)]
        for status, after in demo.steps:
            day = _step_day(services, after, today)
            item = replace(
                item,
                status=status,
                # Resolved when it first reached a resolved status; kept through later steps.
                resolved_on=item.resolved_on or (day if status in RESOLVED else None),
                decision_no=demo.decision_no if status in _DECIDED else None,
                note=demo.note if status not in _DECIDED and status is not _IN_REVIEW else None,
                supplement_since=day if status is Status.needs_supplement else None,
            )
            states.append((day, item))
        histories.append(states)
    return histories


_DECIDED = (Status.decided, Status.returned)


def demo_inputs(today: date, services: Services) -> list[DossierInput]:
    """The demo dossiers as they stand today."""
    return [states[-1][1] for states in demo_history(today, services)]


async def ensure_demo_data(services: Services, chat_id: str | None = None) -> list[Dossier]:
    """Fill an empty demo database, step by step so each history line has its own day; with
    the console's `chat_id`, add the demo staff, the officer owning the running dossiers.
    Return the demo dossiers either way (for the banner)."""
    if await services.dossiers.count() == 0:
        histories = demo_history(services.today(), services)
        now = services.now()
        for step in range(max(len(states) for states in histories)):
            for states in histories:
                if step < len(states):
                    day, item = states[step]
                    at = RECEIVED_AT if step == 0 else STEP_AT
                    stamp = min(datetime.combine(day, at, tzinfo=services.tz), now)
                    await services.dossiers.upsert_many([item], actor="demo", now=stamp)
    dossiers = await services.dossiers.first(len(DEMO))
    if chat_id is not None:
        await ensure_demo_staff(services, chat_id, dossiers)
    return dossiers


async def ensure_demo_staff(services: Services, chat_id: str, dossiers: list[Dossier]) -> None:
    """Register the demo officer and leader in the console's chat (once), and give the
    officer every running dossier nobody owns, so reminders, /viec and /giao have work."""
    now = services.now()
    officer = None
    for user_id, (role, name) in DEMO_STAFF.items():
        member = await services.staff.by_user("console", user_id)
        if member is None:
            code = f"DEMO-{user_id}"
            await services.staff.create_invite(
                code=code, role=role, created_by="demo", now=now, expires_at=now + _INVITE
            )
            member = await services.staff.redeem_invite(
                code=code, channel="console", user_id=user_id, chat_id=chat_id, name=name, now=now
            )
        if member is not None and member.role == "officer":
            officer = member
    if officer is None:
        return
    for dossier in dossiers:
        found = await services.reminders.assignable([dossier.code])
        if found is not None and found.status not in FINISHED and found.officer_id is None:
            await services.reminders.assign(
                dossier_id=found.id,
                expected_officer_id=None,
                officer_id=officer.id,
                actor="demo",
                now=now,
                notices=lambda _assignment: [],
            )


_INVITE = timedelta(minutes=5)


def demo_identities(admin_id: str) -> dict[str, str]:
    """`/vai` words → the sender id the console then speaks as."""
    return {"quantri": admin_id, "canbo": "canbo", "lanhdao": "lanhdao", "congdan": "congdan"}
