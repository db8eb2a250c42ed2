"""Supplement by a date (issue 26.3), on the console: the date asked with its default, the card,
the reminders 2 working days before and on the day (once), the old and new due date after the
supplement under both clock rules, late supplements in the officer's overdue list."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

from bot.console_channel import CHAT_ID, run_console
from bot.scheduler import tick
from domain.statuses import Status
from handlers.actions.dossier_status import change_status, change_status_bulk
from handlers.router import BotCore
from handlers.services import Services
from handlers.texts import deadlines as t
from tests.conftest import ChatDriver, MovableClock
from tests.handlers.test_status_update import (
    CODE,
    DIGITS,
    OTHER_CODE,
    follow_verified,
    make_staff,
    outbox_rows,
    seed_dossier,
)


def local_nine(day: date) -> datetime:
    """09:00 in Hà Nội that day (02:00 UTC): after the digest time, outside quiet hours."""
    return datetime(day.year, day.month, day.day, 2, 0, tzinfo=UTC)


async def console(core: BotCore, *lines: str) -> str:
    stdout = io.StringIO()
    await run_console(core, stdin=io.StringIO("\n".join(lines) + "\n"), stdout=stdout)
    return stdout.getvalue()


async def card(core: BotCore, chat_id: str = "citizen2") -> str:
    chat = ChatDriver(core, "console", chat_id)
    await chat.say(CODE)
    return await chat.say(DIGITS)


async def test_console_asks_the_date_and_the_card_and_notice_show_it(
    services: Services, core: BotCore
) -> None:
    await seed_dossier(services, status=Status.in_review)
    await make_staff(services, CHAT_ID)
    await follow_verified(core, "console", "citizen")
    # Wednesday 25/11/2026 + 15 working days (TDKT_SUPPLEMENT_DAYS) = Wednesday 16/12/2026.
    assert services.settings.supplement_days == 15
    output = await console(
        core, f"/capnhat {CODE}", "1", "Thiếu bản sao quyết định", "32/13/2026", "18/12", "1"
    )
    assert "Hạn bổ sung: trước ngày 16/12/2026." in output
    assert "Mặc định 15 ngày làm việc (do Ban quy định)" in output
    assert t.SUPPLEMENT_BY_BAD.format(text="32/13/2026", limit=60, date="16/12/2026") in output
    assert "Hạn bổ sung: trước ngày 18/12/2026." in output
    assert "Đã cập nhật hồ sơ" in output
    assert "Cần bổ sung: Thiếu bản sao quyết định trước ngày 18/12/2026" in await card(core)
    notices = [r for r in await outbox_rows(services.db) if r["chat_id"] == "citizen"]
    assert "Hạn bổ sung: trước ngày 18/12/2026." in notices[-1]["payload"]["text"]


async def test_a_date_in_the_past_is_refused(services: Services, core: BotCore) -> None:
    await seed_dossier(services, status=Status.in_review)
    await make_staff(services, CHAT_ID)
    output = await console(core, f"/capnhat {CODE}", "1", "Thiếu", "20/11/2026", "2")
    assert t.SUPPLEMENT_BY_BAD.format(text="20/11/2026", limit=60, date="16/12/2026") in output
    assert (await services.dossiers.get_by_code(CODE)).status is Status.in_review


async def test_reminded_two_working_days_before_and_on_the_day_once(
    services: Services, core: BotCore, clock: MovableClock
) -> None:
    dossier = await seed_dossier(services, status=Status.in_review)
    await follow_verified(core, "console", "citizen")
    # A kept phone number: the same reminder goes by ZNS.
    async with services.db.transaction() as conn:
        await conn.execute(
            "INSERT INTO dossier_phones (dossier_id, phone_enc, stored_at) VALUES (?, ?, ?)",
            (dossier.id, b"sealed", "2026-11-25T02:00:00+00:00"),
        )
    await change_status(
        services, dossier, Status.needs_supplement, "Thiếu", "x", supplement_by=date(2026, 12, 18)
    )

    async def reminders() -> list[str]:
        rows = await outbox_rows(services.db)
        return [r["dedupe_key"] for r in rows if r["dedupe_key"].startswith("supplement:")]

    for day in (date(2026, 12, 14), date(2026, 12, 15)):
        clock.current = local_nine(day)
        await tick(services)
        assert await reminders() == []
    clock.current = local_nine(date(2026, 12, 16))  # Wednesday: 2 working days before Friday
    await tick(services)
    await tick(services)  # a restart, a second tick: nothing twice
    before = await reminders()
    assert len(before) == 2 and all(":before:" in key for key in before)
    assert any(key.endswith(":zns") for key in before)
    texts = [r["payload"]["text"] for r in await outbox_rows(services.db)]
    assert any("còn 2 ngày làm việc đến hạn bổ sung (trước ngày 18/12/2026)" in x for x in texts)
    clock.current = local_nine(date(2026, 12, 17))
    await tick(services)
    assert await reminders() == before
    clock.current = local_nine(date(2026, 12, 18))
    await tick(services)
    on_the_day = [key for key in await reminders() if ":day:" in key]
    assert len(on_the_day) == 2
    rows = {r["dedupe_key"]: r for r in await outbox_rows(services.db)}
    zns = next(rows[key] for key in on_the_day if key.endswith(":zns"))
    assert zns["channel"] == "zns" and zns["payload"]["zns"]["ma_ho_so"] == CODE
    assert zns["payload"]["zns"]["ngay_hen_tra"] == "18/12/2026"


async def test_the_card_shows_the_old_and_new_due_date_continue(
    services: Services, core: BotCore, clock: MovableClock
) -> None:
    dossier = await seed_dossier(services, status=Status.in_review, due_on=date(2026, 12, 28))
    asked = await change_status(services, dossier, Status.needs_supplement, "Thiếu", "x")
    clock.current = local_nine(date(2026, 12, 2))  # 5 working days later
    back = await change_status(services, asked.dossier, Status.in_review, None, "x")
    new = services.calendar.add_working_days(date(2026, 12, 28), 5)
    assert back.dossier.due_on == new
    text = await card(core)
    assert (
        f"Sau khi bổ sung hồ sơ ngày 02/12/2026: ngày hẹn trả kết quả 28/12/2026 → {new:%d/%m/%Y}."
        in text
    )
    assert "trước ngày" not in text


async def test_the_restart_rule_counts_the_processing_time_again(
    services: Services, core: BotCore, clock: MovableClock
) -> None:
    services.settings = services.settings.model_copy(update={"supplement_clock": "restart"})
    dossier = await seed_dossier(services, status=Status.in_review, due_on=date(2026, 12, 28))
    asked = await change_status(services, dossier, Status.needs_supplement, "Thiếu", "x")
    clock.current = local_nine(date(2026, 12, 2))
    back = await change_status(services, asked.dossier, Status.in_review, None, "x")
    # BKCT takes 25 working days (config/award_catalog.toml), counted from the arrival.
    assert back.dossier.due_on == services.calendar.add_working_days(date(2026, 12, 2), 25)
    assert "28/12/2026 → " in await card(core)


async def test_a_late_supplement_is_in_the_overdue_list(
    services: Services, core: BotCore, clock: MovableClock
) -> None:
    one = await seed_dossier(services, status=Status.in_review)
    two = await seed_dossier(services, OTHER_CODE, status=Status.in_review)
    changes = await change_status_bulk(services, [one, two], Status.needs_supplement, "Thiếu", "x")
    assert all(change.applied for change in changes)
    await make_staff(services, CHAT_ID)
    clock.current = local_nine(date(2026, 12, 16))  # the default date: not late yet
    assert t.QUAHAN_SUPPLEMENT_HEADER.format(count=2) not in await console(core, "/quahan")
    clock.current = local_nine(date(2026, 12, 17))
    output = await console(core, "/quahan")
    assert t.QUAHAN_SUPPLEMENT_HEADER.format(count=2) in output
    assert f"• {CODE} — Nguyễn Văn An — hạn bổ sung 16/12/2026" in output
    # Arrived: no longer late.
    await change_status(services, changes[0].dossier, Status.in_review, None, "x")
    assert t.QUAHAN_SUPPLEMENT_HEADER.format(count=1) in await console(core, "/quahan")


async def test_a_bulk_request_shows_and_records_the_default_date(
    services: Services, core: BotCore
) -> None:
    one = await seed_dossier(services, status=Status.in_review)
    two = await seed_dossier(services, OTHER_CODE, status=Status.in_review)
    await make_staff(services, CHAT_ID)
    output = await console(core, f"/capnhat {CODE}, {OTHER_CODE}", "1", "Thiếu bản sao", "1")
    assert t.BULK_SUPPLEMENT_BY.format(date="16/12/2026", days=15) in output
    for dossier in (one, two):
        request = await services.supplements.latest(dossier.id)
        assert request is not None and request.supplement_by == date(2026, 12, 16)
