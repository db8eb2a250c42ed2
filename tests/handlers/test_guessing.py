"""The second factor under attack: simultaneous guesses, strangers vs the owner, code probing."""

from __future__ import annotations

import asyncio

from domain.codes import to_deep_link_payload
from handlers import build_router, lookup
from handlers.messages import Incoming, Reply
from handlers.router import BotCore
from handlers.services import Services, build_services
from handlers.texts import lookup as tl
from tests.conftest import ChatDriver, MovableClock
from tests.engines import on_both_engines as pytest_generate_tests
from tests.handlers.test_lookup import CODE, DIGITS, add_dossier, verified_card

CARD_START = f"📄 Hồ sơ {CODE}"
# The second factor's limits under simultaneous guesses hold on both engines.
__all__ = ["pytest_generate_tests"]


def outcome(replies: list[Reply]) -> str | None:
    tags = [reply.extra.get(lookup.OUTCOME) for reply in replies if lookup.OUTCOME in reply.extra]
    return tags[0] if tags else None


async def say(core: BotCore, chat_id: str, text: str, channel: str = "zalo") -> list[Reply]:
    return await core.handle(
        Incoming(channel=channel, chat_id=chat_id, sender_id=chat_id, text=text)
    )


async def attempts(services: Services, code: str = CODE) -> tuple[int, int]:
    """(failures, successes) recorded for the dossier: every digit comparison made."""
    row = await services.db.fetch_one(
        "SELECT COALESCE(SUM(CASE WHEN succeeded = 0 THEN 1 ELSE 0 END), 0),"
        " COALESCE(SUM(succeeded), 0)"
        " FROM lookup_attempts WHERE dossier_code = ?",
        (code,),
    )
    assert row is not None
    return int(row[0]), int(row[1])


async def test_2000_simultaneous_guesses_check_at_most_the_allowance(
    services: Services, core: BotCore
) -> None:
    await add_dossier(services)
    chats = [f"chat-{index}" for index in range(2000)]
    right = {chats[0], chats[777], chats[1999]}
    asked = await asyncio.gather(*(say(core, chat, CODE) for chat in chats))
    assert {outcome(replies) for replies in asked} == {lookup.ASK_PHONE}

    def guess(index: int, chat: str) -> str:
        return DIGITS if chat in right else f"{(index * 7) % 10000:04d}".replace(DIGITS, "0000")

    answers = await asyncio.gather(
        *(say(core, chat, guess(index, chat)) for index, chat in enumerate(chats))
    )
    failures, successes = await attempts(services)
    assert failures <= lookup.FREE_STRANGER_FAILURES
    assert failures + successes <= lookup.FREE_STRANGER_FAILURES + len(right)
    shown = {
        chat for chat, replies in zip(chats, answers, strict=True) if outcome(replies) == "card"
    }
    assert shown <= right
    # The first right answer came before the dossier slowed down: the owner got in.
    assert chats[0] in shown
    for chat, replies in zip(chats, answers, strict=True):
        if chat not in shown:
            assert outcome(replies) in {lookup.WRONG, lookup.COOLDOWN}, replies
            assert not any(r.text.startswith(CARD_START) for r in replies)
    held = sum(outcome(replies) == lookup.COOLDOWN for replies in answers)
    assert held >= len(chats) - lookup.FREE_STRANGER_FAILURES - len(right)


async def test_simultaneous_guesses_from_one_chat_check_five(
    services: Services, core: BotCore
) -> None:
    await add_dossier(services)
    assert outcome(await say(core, "one", CODE)) == lookup.ASK_PHONE
    answers = await asyncio.gather(*(say(core, "one", f"{n:04d}") for n in range(60)))
    failures, _ = await attempts(services)
    assert failures == lookup.MAX_FAILURES_PER_CHAT
    assert sum(outcome(replies) == lookup.WRONG for replies in answers) == 4
    # Even the right digits wait now: the chat's own limit holds.
    assert outcome(await say(core, "one", DIGITS)) == lookup.COOLDOWN


async def test_the_owner_gets_in_after_1000_foreign_guesses(
    services: Services, core: BotCore, clock: MovableClock
) -> None:
    await add_dossier(services)
    known_owner = ChatDriver(core, "zalo", "owner-phone")
    assert (await verified_card(known_owner)).startswith(CARD_START)
    # 1,000 strangers over 50 minutes, one guess each, none right.
    for index in range(1000):
        chat = f"stranger-{index}"
        await say(core, chat, CODE)
        await say(core, chat, "0000" if index % 2 else "1111")
        clock.advance(seconds=3)
    failures, _ = await attempts(services)
    # 10 at once, then 30 s, 1, 2, 4, 8 minutes, then one per 15 minutes.
    assert failures <= lookup.FREE_STRANGER_FAILURES + 8
    # The chat that proved the dossier before is not held at all.
    assert (await verified_card(known_owner)).startswith(CARD_START)
    # A new chat of the owner (another phone) waits at most SLOW_CAP.
    new_owner = ChatDriver(core, "zalo", "owner-new-phone")
    assert "4 số cuối" in await new_owner.say(CODE)
    first = await new_owner.send(DIGITS)
    if outcome(first) == lookup.COOLDOWN:
        waited_until = clock.current + lookup.SLOW_CAP
        clock.current = waited_until
        first = await new_owner.send(DIGITS)
    assert outcome(first) == lookup.CARD


async def test_300_codes_from_one_chat_end_in_a_cooldown(services: Services, core: BotCore) -> None:
    existing = [f"000.00.21.H01-261110-{n:04d}" for n in range(1, 14)]
    for code in existing:
        await add_dossier(services, code)
    codes = existing[:12] + [f"000.00.21.H01-261111-{n:04d}" for n in range(1, 289)]
    answers = await asyncio.gather(*(say(core, "prober", code) for code in codes))
    tags = [outcome(replies) for replies in answers]
    told = [tag for tag in tags if tag in {lookup.ASK_PHONE, lookup.NOT_FOUND}]
    assert len(told) <= lookup.MAX_CODES_PER_CHAT
    assert tags.count(lookup.NOT_FOUND) <= lookup.MAX_NOT_FOUND_PER_CHAT
    assert tags.count(lookup.COOLDOWN) >= 300 - lookup.MAX_CODES_PER_CHAT
    # In the cooldown an existing code not asked before and a missing one get the very same
    # answer (a code already answered may be asked again: that tells nothing new).
    hidden = await say(core, "prober", existing[-1])
    missing = await say(core, "prober", "000.00.21.H01-261112-0001")
    assert outcome(hidden) == lookup.COOLDOWN
    assert [r.text for r in hidden] == [r.text for r in missing]
    # /theodoi and the /start deep link are the same lookup, under the same limit.
    follow = await say(core, "prober", f"/theodoi {existing[-1]}")
    assert outcome(follow) == lookup.COOLDOWN and follow[0].text == hidden[0].text
    link = await say(core, "prober", f"/start {to_deep_link_payload(existing[-1])}")
    assert [r.text for r in link] == [r.text for r in hidden]
    assert outcome(await say(core, "prober", existing[0])) == lookup.ASK_PHONE
    # Another chat is not affected.
    assert outcome(await say(core, "neighbour", existing[-1])) == lookup.ASK_PHONE


async def test_a_burst_of_not_found_ends_in_a_cooldown_and_lifts_after_an_hour(
    services: Services, core: BotCore, clock: MovableClock
) -> None:
    await add_dossier(services)
    chat = ChatDriver(core, "zalo", "typo")
    for n in range(lookup.MAX_NOT_FOUND_PER_CHAT):
        assert outcome(await chat.send(f"000.00.21.H01-261111-{n:04d}")) == lookup.NOT_FOUND
        clock.advance(minutes=1)
    refused = await chat.send(CODE)
    assert outcome(refused) == lookup.COOLDOWN
    assert refused[0].text == tl.TOO_MANY_CODES.format(until="25/11/2026 10:00")
    # Following a dossier without the digits is refused the same way.
    assert outcome(await chat.send(f"/theodoi {CODE}")) == lookup.COOLDOWN
    clock.set_local("2026-11-25 10:00")
    asked = await chat.send(CODE)
    assert outcome(asked) == lookup.ASK_PHONE


async def test_repeating_a_known_code_costs_nothing(services: Services, core: BotCore) -> None:
    await add_dossier(services)
    for _ in range(40):
        assert outcome(await say(core, "patient", CODE)) == lookup.ASK_PHONE
    assert outcome(await say(core, "patient", DIGITS)) == lookup.CARD


async def test_the_channel_budget_holds_new_chats_but_not_proven_ones(
    services: Services, clock: MovableClock
) -> None:
    tight = build_services(
        services.settings.model_copy(update={"guess_budget": 3}), services.db, clock=clock
    )
    core = BotCore(build_router(), tight)
    codes = [f"000.00.21.H01-261110-{n:04d}" for n in range(1, 5)]
    for code in codes:
        await add_dossier(tight, code)
    owner = ChatDriver(core, "zalo", "owner")
    assert (await verified_card(owner, codes[3])).startswith(f"📄 Hồ sơ {codes[3]}")
    for index, code in enumerate(codes[:3]):
        await say(core, f"guesser-{index}", code)
        assert outcome(await say(core, f"guesser-{index}", "0000")) == lookup.WRONG
    await say(core, "late", codes[3])
    held = await say(core, "late", DIGITS)
    assert held[0].text == tl.BUSY.format(until="25/11/2026 10:00")
    # The owner who proved the dossier before still gets in; other channels are not held.
    assert (await verified_card(owner, codes[3])).startswith(f"📄 Hồ sơ {codes[3]}")
    await say(core, "late", codes[3], channel="telegram")
    assert outcome(await say(core, "late", DIGITS, channel="telegram")) == lookup.CARD
    clock.advance(hours=1)
    assert outcome(await say(core, "late", DIGITS)) == lookup.CARD


async def test_verify_called_directly_spends_the_code_budget(
    services: Services, core: BotCore
) -> None:
    """The web page calls verify() itself: a missing code is counted like begin() counts it."""
    await add_dossier(services)
    incoming = Incoming(channel="web", chat_id="203.0.113.7", sender_id="203.0.113.7")
    tags = [
        outcome(await lookup.verify(incoming, services, f"000.00.21.H01-261111-{n:04d}", "1234"))
        for n in range(15)
    ]
    assert tags.count(lookup.NOT_FOUND) == lookup.MAX_NOT_FOUND_PER_CHAT
    assert tags[lookup.MAX_NOT_FOUND_PER_CHAT :] == [lookup.COOLDOWN] * 5
    assert outcome(await lookup.verify(incoming, services, CODE, DIGITS)) == lookup.COOLDOWN
