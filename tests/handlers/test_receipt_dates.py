"""The receipt says the next-day rule when it applies, so it agrees with the card (22.5)."""

from __future__ import annotations

from datetime import datetime

from domain.codes import make_code
from handlers.receipt_dates import received_text
from handlers.router import BotCore
from handlers.services import Services
from handlers.texts import newuser as tn
from tests.conftest import ChatDriver, MovableClock
from tests.handlers.nomination.test_chat import AGENCY, SUMMARY, make_officer


def test_received_text(services: Services) -> None:
    tz = services.tz
    calendar = services.calendar
    assert received_text(calendar, datetime(2026, 12, 7, 16, 59, tzinfo=tz)) == "07/12/2026"
    assert received_text(calendar, datetime(2026, 12, 7, 17, 39, tzinfo=tz)) == (
        tn.RECEIVED_AFTER_HOURS.format(date="07/12/2026", counted="08/12/2026")
    )
    assert received_text(calendar, datetime(2026, 12, 5, 9, 0, tzinfo=tz)) == (
        tn.RECEIVED_DAY_OFF.format(date="05/12/2026", counted="07/12/2026")
    )


async def test_a_nomination_after_hours_says_from_when_it_counts(
    services: Services, core: BotCore, clock: MovableClock
) -> None:
    clock.set_local("2026-12-07 17:39")
    await make_officer(services, "console", "c1", "Trần Thị Hoa")
    officer = ChatDriver(core, "console", "c1")
    for message in [
        "/denghi",
        "1",
        "Nguyễn Thị Lan",
        "Giáo viên, Trường THCS Lê Lợi, xã An Bình",
        "bang khen cua chu tich ubnd tinh",
        "bo qua",
        SUMMARY,
        "Nguyễn Văn Minh, 0912 345 678",
        "xong",
    ]:
        await officer.say(message)
    receipt = await officer.say("1")
    code = make_code(AGENCY, datetime(2026, 12, 7).date(), 1)
    assert f"Mã hồ sơ: {code}" in receipt
    assert "Ngày tiếp nhận: 07/12/2026 (tiếp nhận ngoài giờ, tính từ 08/12/2026)" in receipt
    # 25 working days counted from the day after 08/12/2026.
    assert "Ngày hẹn trả kết quả: 13/01/2027 (25 ngày làm việc)" in receipt
