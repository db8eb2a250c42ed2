"""What to tell an officer about the notices a change queued: sent now, or at the end of the
quiet hours (giờ yên lặng) when the outbox holds them until morning."""

from __future__ import annotations

from datetime import datetime, timedelta

from handlers.reminders import ReminderRules
from handlers.services import Services
from handlers.texts import casework as t


def next_send_time(services: Services) -> datetime | None:
    """The local time queued notices leave: None now (outside quiet hours), else the end
    of the quiet hours, today or tomorrow."""
    rules = ReminderRules.from_settings(services.settings)
    local = services.local_now()
    if not rules.is_quiet(local.time()):
        return None
    at = local.replace(
        hour=rules.quiet_end.hour, minute=rules.quiet_end.minute, second=0, microsecond=0
    )
    return at if at > local else at + timedelta(days=1)


def send_at_words(services: Services) -> dict[str, str] | None:
    """`time`, `day` and `date` of when queued notices leave, or None when they go now."""
    at = next_send_time(services)
    if at is None:
        return None
    day = t.TODAY if at.date() == services.local_now().date() else t.TOMORROW
    return {"time": f"{at:%H:%M}", "day": day, "date": f"{at:%d/%m}"}


def notices_line(services: Services, count: int) -> str:
    """`Đã báo cho N người theo dõi.`, or in quiet hours `Đã xếp N thông báo, sẽ gửi lúc …`."""
    if count <= 0:
        return ""
    words = send_at_words(services)
    if words is None:
        return t.NOTIFIED_NOW.format(count=count)
    return t.NOTIFIED_LATER.format(count=count, **words)
