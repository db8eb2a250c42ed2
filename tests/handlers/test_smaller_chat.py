"""Smaller things a newcomer met in the chat (issue 22.9), each with its own test."""

from __future__ import annotations

import re

from handlers.bulk_update import split_codes
from handlers.messages import Incoming
from handlers.router import BotCore
from handlers.services import Services
from handlers.texts import casework as tw
from handlers.texts import common as tc
from handlers.texts import newuser as tn
from tests.conftest import ChatDriver
from tests.handlers.test_status_update import CODE, OTHER_CODE, make_staff, seed_dossier

THIRD = "000.00.21.H01-261120-0003"


async def test_thongke_with_bad_words_answers_the_usage_without_working_first(
    services: Services, core: BotCore
) -> None:
    await make_staff(services, "hoa")

    def incoming(text: str) -> Incoming:
        return Incoming(channel="console", chat_id="hoa", sender_id="hoa", text=text)

    assert await core.progress(incoming("/thongke abc")) is None
    assert await core.progress(incoming("/thongke")) == tw.WORKING
    usage = await ChatDriver(core, "console", "hoa").say("/thongke abc")
    assert usage.startswith("Cách dùng: /thongke") and tw.WORKING not in usage


def test_codes_side_by_side_after_a_comma_are_each_read() -> None:
    assert split_codes(f"{CODE},{OTHER_CODE} {THIRD}") == ([CODE, OTHER_CODE, THIRD], [])


def test_a_stray_word_between_commas_is_reported() -> None:
    assert split_codes(f"{CODE}, abc; {OTHER_CODE}") == ([CODE, OTHER_CODE], ["abc"])
    # An Excel row pasted whole still gives its code and nothing about the other cells.
    assert split_codes(f"{CODE}\tNguyễn Văn An\tSở Nội vụ") == ([CODE], [])


async def test_bulk_capnhat_with_a_comma_and_a_space_offers_all_three(
    services: Services, core: BotCore
) -> None:
    await make_staff(services, "off1")
    for code in (CODE, OTHER_CODE, THIRD):
        await seed_dossier(services, code)
    officer = ChatDriver(core, "console", "off1")
    menu = await officer.send(f"/capnhat {CODE},{OTHER_CODE} {THIRD}")
    assert tw.BULK_CHOOSE.format(count=3) in menu[0].text
    stray = await officer.send(f"/capnhat {CODE}, abc")
    assert "abc" in stray[0].text and tw.REASON_BAD_CODE in stray[0].text


async def test_two_codes_in_one_message_are_named_and_asked_one_at_a_time(
    services: Services, core: BotCore
) -> None:
    await seed_dossier(services)
    await seed_dossier(services, OTHER_CODE)
    for number, text in enumerate((f"{CODE} {OTHER_CODE}", f"{CODE}, {OTHER_CODE}")):
        chat = ChatDriver(core, "console", f"cit{number}")
        said = await chat.say(text)
        assert said == tn.SEVERAL_CODES.format(count=2, codes=f"{CODE}, {OTHER_CODE}")
        assert "Tôi chưa hiểu" not in said
        assert await services.conversations.get("console", f"cit{number}") is None
    once = await ChatDriver(core, "console", "cit9").say(f"{CODE} {CODE}")
    assert "Tin nhắn có" not in once


async def test_digits_typed_again_after_the_card_are_no_choice(
    services: Services, core: BotCore
) -> None:
    await seed_dossier(services, phone="0001")
    citizen = ChatDriver(core, "console", "cit")
    await citizen.send(CODE)
    card = await citizen.send("0001")
    assert card[0].choices  # “Theo dõi hồ sơ này”
    again = await citizen.send("0001")
    assert again[0].text == tc.CHOICE_OUT_OF_RANGE.format(count=len(card[0].choices))
    assert await services.follows.for_chat("console", "cit") == []
    assert "Đang theo dõi" not in await citizen.say("5")  # still the card's one choice


def test_no_district_in_examples_or_the_demo() -> None:
    """Districts (huyện) were abolished on 1/7/2025: examples name a xã or phường."""
    from config.settings import ROOT

    paths = [*(ROOT / "handlers" / "texts").glob("*.py"), ROOT / "bot" / "demo.py"]
    for path in paths:
        assert not re.search(r"\bhuyện\b", path.read_text(encoding="utf-8").lower()), path
