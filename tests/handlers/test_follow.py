"""Following dossiers: only after the phone digits, at most 10, the list, stopping."""

from __future__ import annotations

from handlers.follow import MAX_FOLLOWS
from handlers.router import BotCore
from handlers.services import Services
from handlers.texts import common as tc
from handlers.texts import follow as t
from handlers.texts import lookup as tl
from tests.conftest import ChatDriver
from tests.handlers.test_status_update import (
    CODE,
    DIGITS,
    OTHER_CODE,
    follow_verified,
    payload_of,
    seed_dossier,
    snapshot,
)


def code_no(index: int) -> str:
    return f"000.00.21.H01-261120-{index:04d}"


async def test_follow_asks_for_the_digits_first(services: Services, chat: ChatDriver) -> None:
    dossier = await seed_dossier(services)
    replies = await chat.send(f"/theodoi {CODE}")
    assert [r.text for r in replies] == [t.VERIFY_FIRST, tl.ASK_PHONE.format(code=CODE)]
    assert await services.follows.for_chat("console", "c1") == []
    assert await chat.say("1111") == tl.WRONG_PHONE.format(left=4)
    assert await services.follows.for_chat("console", "c1") == []
    replies = await chat.send(DIGITS)
    assert replies[0].text.startswith(f"📄 Hồ sơ {CODE}")  # the status card
    assert replies[1].text == t.FOLLOWED.format(code=CODE)
    (follow,) = await services.follows.for_chat("console", "c1")
    assert follow.dossier_id == dossier.id
    # Once verified, following again is immediate and idempotent.
    assert await chat.say(f"/theodoi {CODE}") == t.ALREADY.format(code=CODE)
    assert len(await services.follows.for_chat("console", "c1")) == 1


async def test_follow_button_after_a_lookup(services: Services, chat: ChatDriver) -> None:
    await seed_dossier(services)
    await chat.say(CODE)
    card = await chat.send(DIGITS)
    follow_payload = payload_of(card, "fl:")
    assert follow_payload == f"fl:{CODE}"
    assert await chat.say(payload=follow_payload) == t.FOLLOWED.format(code=CODE)
    assert await chat.say(payload=follow_payload) == t.ALREADY.format(code=CODE)
    # The next lookup offers to stop instead.
    await chat.say(CODE)
    again = await chat.send(DIGITS)
    assert payload_of(again, "uf:") == f"uf:{CODE}"


async def test_forged_follow_button_needs_verification(services: Services, core: BotCore) -> None:
    await seed_dossier(services)
    await follow_verified(core, "console", "owner")
    stranger = ChatDriver(core, "console", "stranger")
    # Asking for the digits opens a step and counts one code answer (the existence limit).
    skip = ("conversations", "lookup_probes")
    before = await snapshot(services.db, skip=skip)
    replies = await stranger.send(payload=f"fl:{CODE}")
    assert replies[0].text == t.VERIFY_FIRST
    assert await snapshot(services.db, skip=skip) == before
    assert await services.follows.for_chat("console", "stranger") == []
    # Verification is per chat and per dossier: the owner's does not count for anyone else.
    other_channel = ChatDriver(core, "telegram", "owner")
    assert (await other_channel.send(f"/theodoi {CODE}"))[0].text == t.VERIFY_FIRST
    assert await stranger.say(payload="fl:not-a-code") == tc.STALE_BUTTON


async def test_verified_for_one_dossier_is_not_verified_for_another(
    services: Services, core: BotCore
) -> None:
    await seed_dossier(services)
    await seed_dossier(services, OTHER_CODE, phone="4321")
    citizen = await follow_verified(core, "console", "citA")
    assert (await citizen.send(f"/theodoi {OTHER_CODE}"))[0].text == t.VERIFY_FIRST
    assert "Đã theo dõi" in await citizen.say("4321")


async def test_eleventh_follow_is_refused(services: Services, core: BotCore) -> None:
    for index in range(1, MAX_FOLLOWS + 2):
        await seed_dossier(services, code_no(index))
    citizen = ChatDriver(core, "console", "citA")
    for index in range(1, MAX_FOLLOWS + 1):
        await follow_verified(core, "console", "citA", code_no(index))
    # The 11th dossier is verified by a lookup, so only the follow itself is refused.
    eleventh = code_no(MAX_FOLLOWS + 1)
    await citizen.say(eleventh)
    card = await citizen.send(DIGITS)
    assert payload_of(card, "fl:") == f"fl:{eleventh}"
    before = await snapshot(services.db)
    full = t.FULL.format(code=eleventh, limit=MAX_FOLLOWS)
    assert await citizen.say(f"/theodoi {eleventh}") == full
    assert await citizen.say(payload=f"fl:{eleventh}") == full
    assert "10" in full and "/dangtheodoi" in full
    assert await snapshot(services.db) == before
    assert len(await services.follows.for_chat("console", "citA")) == MAX_FOLLOWS
    # Through the verification flow as well: the card, then the refusal.
    other = ChatDriver(core, "console", "citB")
    for index in range(1, MAX_FOLLOWS + 1):
        await follow_verified(core, "console", "citB", code_no(index))
    replies = await other.send(f"/theodoi {eleventh}")
    assert replies[0].text == t.VERIFY_FIRST
    replies = await other.send(DIGITS)
    assert replies[-1].text == full
    assert len(await services.follows.for_chat("console", "citB")) == MAX_FOLLOWS
    # Stopping one frees a place.
    assert "Đã ngừng" in await citizen.say(f"/botheodoi {code_no(1)}")
    assert await citizen.say(f"/theodoi {eleventh}") == t.FOLLOWED.format(code=eleventh)


async def test_list_follows(services: Services, core: BotCore, chat: ChatDriver) -> None:
    assert await chat.say("/dangtheodoi") == t.LIST_EMPTY
    await seed_dossier(services)
    await seed_dossier(services, OTHER_CODE)
    await follow_verified(core, "console", "c1")
    await follow_verified(core, "console", "c1", OTHER_CODE)
    await follow_verified(core, "console", "someone-else")
    replies = await chat.send("/dangtheodoi")
    lines = replies[0].text.splitlines()
    assert lines == [
        t.LIST_HEADER.format(count=2, limit=MAX_FOLLOWS),
        f"• {CODE} — Đã tiếp nhận",
        f"• {OTHER_CODE} — Đã tiếp nhận",
    ]
    assert [c.payload for c in replies[0].choices] == [f"uf:{CODE}", f"uf:{OTHER_CODE}"]


async def test_stop_following(services: Services, core: BotCore) -> None:
    await seed_dossier(services)
    await seed_dossier(services, OTHER_CODE)
    citizen = await follow_verified(core, "console", "citA")
    await follow_verified(core, "console", "citA", OTHER_CODE)
    await follow_verified(core, "console", "citB")
    assert await citizen.say(f"/botheodoi  {CODE.lower()} ") == t.UNFOLLOWED.format(code=CODE)
    assert await citizen.say(f"/botheodoi {CODE}") == t.NOT_FOLLOWING.format(code=CODE)
    assert await citizen.say(payload=f"uf:{OTHER_CODE}") == t.UNFOLLOWED.format(code=OTHER_CODE)
    assert await services.follows.for_chat("console", "citA") == []
    # Another chat's follow is untouched.
    assert len(await services.follows.for_chat("console", "citB")) == 1
    before = await snapshot(services.db)
    assert await citizen.say("/botheodoi") == t.UNFOLLOW_USAGE
    assert "không phải là mã hồ sơ hợp lệ" in await citizen.say("/botheodoi abc")
    missing = "000.00.21.H01-261120-0099"
    assert await citizen.say(f"/botheodoi {missing}") == t.NOT_FOLLOWING.format(code=missing)
    assert await citizen.say(payload="uf:garbage") == tc.STALE_BUTTON
    assert await snapshot(services.db) == before


async def test_bad_follow_input_writes_nothing(services: Services, chat: ChatDriver) -> None:
    await seed_dossier(services)
    before = await snapshot(services.db, skip=("lookup_probes",))
    assert await chat.say("/theodoi") == t.FOLLOW_USAGE
    assert "không phải là mã hồ sơ hợp lệ" in await chat.say("/theodoi 12345")
    missing = "000.00.21.H01-261120-0099"
    assert await chat.say(f"/theodoi {missing}") == tl.NOT_FOUND.format(
        code=missing, example="000.00.21.H01-250704-0001"
    )
    # Only the "not found" answer is counted, for the per-chat existence limit.
    assert await snapshot(services.db, skip=("lookup_probes",)) == before
    probes = await services.db.fetch_all("SELECT chat_id, code, found FROM lookup_probes")
    assert [tuple(row) for row in probes] == [("c1", missing, 0)]


async def test_follow_with_a_legacy_province_code(services: Services, core: BotCore) -> None:
    dossier = await seed_dossier(services)  # stored under H01 (An Giang)
    legacy = CODE.replace(".H01-", ".H33-")  # printed on an old Kiên Giang receipt
    citizen = ChatDriver(core, "console", "citA")
    assert (await citizen.send(f"/theodoi {legacy}"))[0].text == t.VERIFY_FIRST
    assert t.FOLLOWED.format(code=CODE) in await citizen.say(DIGITS)
    (follow,) = await services.follows.for_chat("console", "citA")
    assert follow.dossier_id == dossier.id
