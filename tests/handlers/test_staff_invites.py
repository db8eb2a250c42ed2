"""Wrong invite codes (/dangky) are limited per chat and per channel (issue 23 item 7)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from handlers.router import BotCore
from handlers.services import Services
from handlers.staff import (
    INVITE_CHANNEL_BUDGET,
    INVITE_TTL,
    MAX_INVITE_FAILURES_PER_CHAT,
    new_invite_code,
)
from handlers.texts import staff as t
from tests.conftest import ChatDriver, MovableClock
from tests.handlers.test_status_update import make_staff


def test_the_figures_the_readme_states() -> None:
    assert MAX_INVITE_FAILURES_PER_CHAT == 5
    assert INVITE_CHANNEL_BUDGET == 100
    assert INVITE_TTL == timedelta(hours=72)
    # Worst case: 7,200 wrong codes per channel over an invite's 72 hours, of 32**8 codes.
    tries = INVITE_CHANNEL_BUDGET * 72
    assert tries == 7_200 and 32**8 // tries > 150_000_000


async def test_five_wrong_codes_pause_the_chat_for_an_hour(
    services: Services, core: BotCore, clock: MovableClock
) -> None:
    guesser = ChatDriver(core, "console", "guesser")
    replies = [await guesser.say(f"/dangky {new_invite_code()}") for _ in range(5)]
    assert replies[:2] == [t.JOIN_UNKNOWN] * 2
    assert replies[3] == f"{t.JOIN_UNKNOWN}\n{t.JOIN_TRIES_LEFT.format(left=1)}"
    assert replies[4].startswith(t.JOIN_UNKNOWN) and "tạm thời không thể đăng ký" in replies[4]
    # Now even the right code is refused, with the time it opens again: nothing is checked.
    code = "ABCD-EFGH"
    now = services.now()
    await services.staff.create_invite(
        code=code, role="officer", created_by="t", now=now, expires_at=now + timedelta(hours=72)
    )
    paused = await guesser.say(f"/dangky {code}")
    assert "thử lại sau" in paused and "Chào mừng" not in paused
    assert await services.staff.by_user("console", "guesser") is None
    # Another chat is not held by this one's mistakes.
    assert "Chào mừng" in await ChatDriver(core, "console", "other").say(f"/dangky {code}")
    clock.advance(minutes=61)
    assert (await guesser.say(f"/dangky {new_invite_code()}")) == t.JOIN_UNKNOWN


async def test_the_channel_budget_pauses_many_chats(
    services: Services, core: BotCore, clock: MovableClock
) -> None:
    for number in range(INVITE_CHANNEL_BUDGET // 4):
        chat = ChatDriver(core, "zalo", f"bot{number}")
        for _ in range(4):
            await chat.say(f"/dangky {new_invite_code()}")
    fresh = ChatDriver(core, "zalo", "fresh")
    assert "quá nhiều mã mời sai" in await fresh.say(f"/dangky {new_invite_code()}")
    # Another channel counts on its own.
    assert await ChatDriver(core, "console", "x").say("/dangky ZZZZ-ZZZZ") == t.JOIN_UNKNOWN
    clock.advance(minutes=61)
    assert await fresh.say(f"/dangky {new_invite_code()}") == t.JOIN_UNKNOWN


async def test_simultaneous_guesses_never_exceed_the_chat_limit(
    services: Services, core: BotCore
) -> None:
    guesser = ChatDriver(core, "telegram", "g")
    await asyncio.gather(*(guesser.say(f"/dangky {new_invite_code()}") for _ in range(40)))
    row = await services.db.fetch_one("SELECT COUNT(*) FROM invite_failures")
    assert row is not None and row[0] == MAX_INVITE_FAILURES_PER_CHAT


async def test_the_right_code_still_works_and_counts_nothing(
    services: Services, core: BotCore
) -> None:
    await make_staff(services, "newbie")
    row = await services.db.fetch_one("SELECT COUNT(*) FROM invite_failures")
    assert row is not None and row[0] == 0
