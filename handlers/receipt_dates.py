"""The receipt day as a citizen reads it: the next-day rule for late or day-off receipts said."""

from __future__ import annotations

from datetime import datetime

from domain.calendar import WorkCalendar
from handlers.formatting import vn_date
from handlers.texts import newuser as t


def received_text(calendar: WorkCalendar, received_at: datetime) -> str:
    """`07/12/2026`, or `07/12/2026 (tiếp nhận ngoài giờ, tính từ 08/12/2026)` when the
    processing time counts from a later working day (WorkCalendar.receipt_day: after
    TDKT_OFFICE_HOURS_END or on a day off), so the receipt and the card's day count agree."""
    day = received_at.date()
    counted = calendar.receipt_day(day, received_at.time())
    if counted == day:
        return vn_date(day)
    template = t.RECEIVED_AFTER_HOURS if calendar.is_working_day(day) else t.RECEIVED_DAY_OFF
    return template.format(date=vn_date(day), counted=vn_date(counted))
