"""Numbered prompts keep their choices until answered or cancelled (issue 22, item 1)."""

from __future__ import annotations

from domain.statuses import Status
from handlers.messages import numbered
from handlers.router import BotCore
from handlers.services import Services
from handlers.texts import common as tc
from handlers.texts import newuser as tn
from handlers.texts import status as t
from tests.conftest import ChatDriver
from tests.handlers.test_status_update import CODE, make_staff, seed_dossier


async def _officer(services: Services, core: BotCore) -> ChatDriver:
    await make_staff(services, "off1")
    return ChatDriver(core, "console", "off1")


async def test_a_stray_word_at_confirm_repeats_the_choices_and_1_still_confirms(
    services: Services, core: BotCore
) -> None:
    """The issue's repro: /capnhat, 2, a note, `ok`, `1`."""
    officer = await _officer(services, core)
    await seed_dossier(services, status=Status.in_review)
    await officer.send(f"/capnhat {CODE}")
    assert (await officer.send("2"))[0].text == t.ASK_NOTE_OPTIONAL  # passed
    confirm = await officer.send("Đạt yêu cầu")
    assert confirm[0].choices
    stray = await officer.send("ok")
    assert stray[0].text == tc.CHOICE_EXPECTED
    assert numbered(stray[0]).endswith(numbered(confirm[0]).split("\n\n", 1)[1])
    # A second stray reply still keeps them.
    assert (await officer.send("vâng"))[0].choices == confirm[0].choices
    assert "Đã cập nhật" in await officer.say("1")
    stored = await services.dossiers.get_by_code(CODE)
    assert stored is not None and stored.status is Status.passed
    assert stored.note == "Đạt yêu cầu"


async def test_a_stray_word_at_the_status_menu_keeps_it(services: Services, core: BotCore) -> None:
    officer = await _officer(services, core)
    await seed_dossier(services, status=Status.received)
    menu = await officer.send(f"/capnhat {CODE}")
    again = await officer.send("gì vậy")
    assert again[0].choices == menu[0].choices
    assert (await officer.send("1"))[0].text == t.ASK_NOTE_OPTIONAL


async def test_out_of_range_then_a_word_still_keeps_the_choices(
    services: Services, core: BotCore
) -> None:
    officer = await _officer(services, core)
    await seed_dossier(services, status=Status.received)
    menu = await officer.send(f"/capnhat {CODE}")
    wrong = await officer.send("99")
    assert wrong[0].text == tc.CHOICE_OUT_OF_RANGE.format(count=len(menu[0].choices))
    assert (await officer.send("hả"))[0].choices == menu[0].choices
    assert (await officer.send("1"))[0].text == t.ASK_NOTE_OPTIONAL


async def test_a_required_note_of_only_digits_is_asked_again(
    services: Services, core: BotCore
) -> None:
    officer = await _officer(services, core)
    await seed_dossier(services, status=Status.in_review)
    await officer.send(f"/capnhat {CODE}")
    assert (await officer.send("1"))[0].text == t.ASK_NOTE_REQUIRED["needs_supplement"]
    assert await officer.say("1") == tn.NOTE_ONLY_DIGITS.format(text="1")
    assert await officer.say("  12 ") == tn.NOTE_ONLY_DIGITS.format(text="12")
    confirm = await officer.send("Thiếu biên bản họp")
    assert "Thiếu biên bản họp" in confirm[0].text
    stored = await services.dossiers.get_by_code(CODE)
    assert stored is not None and stored.status is Status.in_review


async def test_the_choices_stay_on_zalo_too(services: Services, core: BotCore) -> None:
    await make_staff(services, "z1", channel="zalo")
    officer = ChatDriver(core, "zalo", "z1")
    await seed_dossier(services, status=Status.in_review)
    await officer.send(f"/capnhat {CODE}")
    await officer.send("2")
    confirm = await officer.send("Đạt")
    assert (await officer.send("ừ"))[0].choices == confirm[0].choices
    assert "Đã cập nhật" in await officer.say("1")


async def test_the_digit_only_rule_leaves_decision_numbers_alone(
    services: Services, core: BotCore
) -> None:
    officer = await _officer(services, core)
    await seed_dossier(services, status=Status.passed)
    menu = await officer.send(f"/capnhat {CODE}")
    decided = 1 + [c.payload.endswith(":to:decided") for c in menu[0].choices].index(True)
    asked = await officer.send(str(decided))
    assert asked[0].text == t.ASK_NOTE_REQUIRED["decided"]
    assert "1234/QĐ-UBND" in await officer.say("1234/QĐ-UBND")
