"""Personal data: /dulieucuatoi shows what is kept about the chat, /xoadulieu erases it."""

from __future__ import annotations

from domain.statuses import Status
from handlers.actions.dossier_status import change_status
from handlers.router import BotCore
from handlers.services import Services
from handlers.texts import common as tc
from handlers.texts import privacy as t
from tests.conftest import ChatDriver, MovableClock
from tests.handlers.test_status_update import (
    CODE,
    OTHER_CODE,
    follow_verified,
    make_staff,
    outbox_rows,
    payload_of,
    seed_dossier,
    snapshot,
)


async def setup_two_chats(services: Services, core: BotCore) -> tuple[ChatDriver, ChatDriver]:
    """Two chats following, with failed attempts and a pending notice each."""
    dossier = await seed_dossier(services, status=Status.in_review)
    await seed_dossier(services, OTHER_CODE)
    mine = await follow_verified(core, "console", "me")
    await follow_verified(core, "console", "me", OTHER_CODE)
    theirs = await follow_verified(core, "console", "them")
    await mine.say(CODE)
    await mine.say("0000")  # a failed attempt
    await theirs.say(CODE)
    await theirs.say("0000")
    await change_status(services, dossier, Status.passed, None, "console:off1")
    await mine.say("/tracuu")  # an open step
    return mine, theirs


async def test_my_data_shows_the_data_itself(services: Services, core: BotCore) -> None:
    mine, _theirs = await setup_two_chats(services, core)
    text = await mine.say("/dulieucuatoi")
    assert text.startswith(t.MY_DATA_HEADER)
    # The follows, the codes asked, each digit attempt, the notice, the open step: the data.
    assert t.MY_DATA_FOLLOWS.format(count=2) in text
    assert f"• {CODE} — từ 25/11/2026 09:00" in text
    assert f"• {OTHER_CODE} — từ 25/11/2026 09:00" in text
    assert t.MY_DATA_ATTEMPTS.format(count=3, days=90) in text
    assert f"• 25/11/2026 09:00: {CODE} — sai" in text
    assert f"• 25/11/2026 09:00: {CODE} — đúng" in text
    assert t.MY_DATA_PROBES.format(count=2, days=90) in text
    assert f"• 25/11/2026 09:00: {OTHER_CODE} — có hồ sơ" in text
    assert t.MY_DATA_NOTICES.format(count=1, days=90) in text
    assert "Hồ sơ 000.00.21.H01-261120-0001 đã chuyển" in text and "— chờ gửi" in text
    assert t.MY_DATA_CONVERSATION.format(what="tra cứu hồ sơ", when="25/11/2026 09:00") in text
    assert "số điện thoại đầy đủ" in text
    # Nothing of the other chat.
    assert "them" not in text


async def test_my_data_of_an_officer(services: Services, core: BotCore) -> None:
    await make_staff(services, "off1")
    text = await ChatDriver(core, "console", "off1").say("/dulieucuatoi")
    assert "Bạn được đăng ký là chuyên viên với tên “CB off1”" in text
    assert "Hồ sơ đang theo dõi" not in text


async def test_erase_after_confirmation(services: Services, core: BotCore) -> None:
    mine, theirs = await setup_two_chats(services, core)
    theirs_before = await theirs.say("/dulieucuatoi")
    ask = await mine.send("/xoadulieu")
    assert ask[0].text == t.ERASE_CONFIRM
    # Nothing is erased before the confirmation.
    summary = await services.follows.chat_summary("console", "me")
    assert summary["follows"] == 2 and summary["attempts"] == 3 and summary["pending"] == 1
    assert await mine.say(payload=payload_of(ask, ":yes")) == t.ERASED.format(staff_line="")

    # The failed attempt of the last hour stays: it is the guessing limit, not personal data.
    assert await services.follows.chat_summary("console", "me") == {
        "follows": 0,
        "attempts": 1,
        "pending": 0,
        "conversations": 0,
    }
    attempts = await services.db.fetch_all(
        "SELECT succeeded FROM lookup_attempts WHERE channel = 'console' AND chat_id = 'me'"
    )
    assert [row[0] for row in attempts] == [0]
    for table in ("follows", "conversations", "offered_choices"):
        rows = await services.db.fetch_all(
            f"SELECT 1 FROM {table} WHERE channel = 'console' AND chat_id = 'me'"
        )
        assert rows == [], table
    rows = await outbox_rows(services.db)
    assert [(row["chat_id"], row["state"]) for row in rows] == [("them", "pending")]
    # The other chat is untouched.
    assert await theirs.say("/dulieucuatoi") == theirs_before
    # The erased chat must prove the digits again to follow.
    assert (await mine.send(f"/theodoi {CODE}"))[
        0
    ].text == "Để theo dõi hồ sơ, bạn cần xác minh trước."


async def test_keep_and_stale_buttons(services: Services, core: BotCore) -> None:
    mine, theirs = await setup_two_chats(services, core)
    first = await mine.send("/xoadulieu")
    second = await mine.send("/xoadulieu")
    before = await snapshot(services.db)
    # A forged nonce, the first (replaced) question, another chat's nonce: all stale.
    assert await mine.say(payload="pd:x:yes") == tc.STALE_BUTTON
    assert await mine.say(payload="pd:") == tc.STALE_BUTTON
    assert await mine.say(payload=payload_of(first, ":yes")) == tc.STALE_BUTTON
    assert await theirs.say(payload=payload_of(second, ":yes")) == tc.STALE_BUTTON
    assert await snapshot(services.db) == before
    assert await mine.say(payload=payload_of(second, ":no")) == t.ERASE_KEPT
    summary = await services.follows.chat_summary("console", "me")
    assert summary == {"follows": 2, "attempts": 3, "pending": 1, "conversations": 0}
    # The answered question cannot be answered again.
    assert await mine.say(payload=payload_of(second, ":yes")) == tc.STALE_BUTTON
    assert (await services.follows.chat_summary("console", "me"))["follows"] == 2


async def test_erase_on_the_console_by_number(services: Services, core: BotCore) -> None:
    mine, _theirs = await setup_two_chats(services, core)
    await mine.say("/xoadulieu")
    assert await mine.say("1") == t.ERASED.format(staff_line="")
    assert (await services.follows.chat_summary("console", "me"))["follows"] == 0


async def test_erasing_does_not_reset_the_guessing_limit(
    services: Services, core: BotCore, clock: MovableClock
) -> None:
    """Guess, erase, guess again: the cooldown still comes after 5 failures in an hour."""
    await seed_dossier(services, status=Status.in_review)
    guesser = ChatDriver(core, "console", "guesser")
    failures = 0
    replies = ""
    for guess in range(20):
        await guesser.say(CODE)
        replies = await guesser.say(f"{guess:04d}")
        if "tạm khóa" in replies:
            break
        failures += 1
        if failures % 2 == 0:
            confirm = await guesser.send("/xoadulieu")
            assert await guesser.say(payload=payload_of(confirm, ":yes")) == t.ERASED.format(
                staff_line=""
            )
    # The 5th wrong answer of the hour is answered with the lock, erases notwithstanding.
    assert failures == 4 and "tạm khóa" in replies
    # An hour later the old failures are no longer kept by an erase.
    clock.advance(minutes=61)
    confirm = await guesser.send("/xoadulieu")
    await guesser.say(payload=payload_of(confirm, ":yes"))
    assert (await services.follows.chat_summary("console", "guesser"))["attempts"] == 0
