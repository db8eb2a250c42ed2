"""Supplement by a date (hạn bổ sung hồ sơ, issue 26.3): reminders, the card's lines, the late list.

The date is set where the status changes (handlers/actions/dossier_status.py). Here: followers
(and ZNS) are reminded REMIND_DAYS_BEFORE working days before the date and on the day, by the
scheduler's tick, from the open requests in the database and under dedupe keys (a restart
neither loses nor repeats one); the card shows by when, and after the supplement the due date
before and after; the officer's overdue list shows requests past their date.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from db.models import Dossier
from db.supplements import Notice, OpenSupplement
from domain.statuses import Status
from handlers import zns
from handlers.formatting import vn_date
from handlers.services import Services
from handlers.texts import deadlines as t

#: Issue 26.3: followers are reminded this many working days before the date, and on the day.
REMIND_DAYS_BEFORE = 2
#: The overdue list names this many late supplements, then "… and N more".
LATE_LINES = 10


def reminder_days(services: Services, today: date) -> dict[date, str]:
    """The dates to supplement by whose reminder falls today, with the rule's name."""
    days = {today: "day"}
    if services.calendar.is_working_day(today):
        days[services.calendar.add_working_days(today, REMIND_DAYS_BEFORE)] = "before"
    return days


def _payload(item: OpenSupplement, rule: str) -> dict[str, Any]:
    by = vn_date(item.supplement_by)
    note = item.note or ""
    if rule == "day":
        text = t.REMIND_DAY.format(code=item.code, date=by, note=note)
    else:
        text = t.REMIND_BEFORE.format(code=item.code, days=REMIND_DAYS_BEFORE, date=by, note=note)
    template = {
        "ma_ho_so": item.code,
        "trang_thai": t.REMIND_STATUS,
        "ngay_hen_tra": by,
        "tracking_id": f"tdkt-s{item.request_id}-{rule}"[: zns.MAX_TRACKING_ID],
    }
    return {"text": text, zns.PAYLOAD_KEY: template}


async def remind(services: Services, today: date) -> int:
    """Queue today's supplement reminders; a second call the same day adds nothing."""
    days = reminder_days(services, today)
    repository = services.supplements
    notices = [
        Notice(
            dossier_id=item.dossier_id,
            key=f"supplement:{item.dossier_id}:{item.request_id}:{days[item.supplement_by]}",
            payload=_payload(item, days[item.supplement_by]),
        )
        for item in await repository.due_on(sorted(days))
    ]
    return await repository.send(notices, services.now()) if notices else 0


async def card_lines(services: Services, dossier: Dossier) -> tuple[str, list[str]]:
    """What the card adds: ` trước ngày …` after "Cần bổ sung: …" while waiting, and after
    the supplement the due date before and after it."""
    request = await services.supplements.latest(dossier.id)
    if request is None:
        return "", []
    if dossier.status is Status.needs_supplement and request.arrived_on is None:
        return t.CARD_SUPPLEMENT_BY.format(date=vn_date(request.supplement_by)), []
    if request.arrived_on is not None and request.due_after is not None:
        line = t.CARD_DUE_AFTER_SUPPLEMENT.format(
            arrived=vn_date(request.arrived_on),
            old=vn_date(request.due_before),
            new=vn_date(request.due_after),
        )
        return "", [line]
    return "", []


async def late_lines(services: Services, officer_id: int | None) -> list[str]:
    """The overdue list's section of supplements not arrived by their date (or nothing)."""
    late, total = await services.supplements.late(services.today(), officer_id, limit=LATE_LINES)
    if not total:
        return []
    lines = [t.QUAHAN_SUPPLEMENT_HEADER.format(count=total)]
    lines += [
        t.QUAHAN_SUPPLEMENT_LINE.format(
            code=item.code, nominee=item.nominee, date=vn_date(item.supplement_by)
        )
        for item in late
    ]
    if total > len(late):
        lines.append(t.QUAHAN_SUPPLEMENT_MORE.format(count=total - len(late)))
    return lines
