"""Digits of any script are the same digits on every channel and the page (issue 23 item 4).

The door (handlers/router.clean_text for chats, the page's form handler) turns NFKC forms and
any Unicode decimal digit into ASCII once: the right digits prove the phone, and nothing is
charged as a wrong guess.
"""

from __future__ import annotations

import pytest
from telegram.ext import Application

from bot.inbound import UpdateRunner
from bot.web import build_web_app
from bot.zalo_channel import ZaloChannel
from domain.text import normalize_input
from handlers.router import BotCore, clean_text
from handlers.services import Services
from handlers.texts import lookup as tl
from tests.bot.test_web_lookup import outcome, visitor
from tests.bot.test_zalo import CHAT, FakeZalo, ZaloChat, ZaloUpdates
from tests.conftest import ChatDriver
from tests.fakes import USER_ID, FakeBotApi, TelegramChat, Updates, running_application
from tests.handlers.test_status_update import CODE, seed_dossier

#: 5678 as a phone keyboard may type it: full-width, Arabic-Indic, Khmer, Devanagari.
FOREIGN_5678 = ["５６７８", "٥٦٧٨", "៥៦៧៨", "५६७८", "۵۶۷۸"]
#: The code with full-width and Arabic-Indic digits.
FOREIGN_CODES = [
    "０００．００．２１．Ｈ０１－２６１１２０－０００１",
    "٠٠٠.٠٠.٢١.H٠١-٢٦١١٢٠-٠٠٠١",
    "០០០.០០.២១.H០១-២៦១១២០-០០០១",
]


@pytest.fixture
def web_app(services: Services) -> object:
    return build_web_app(services, UpdateRunner(services.inbound, services.clock), [])


@pytest.mark.parametrize("typed", FOREIGN_5678)
def test_the_door_gives_ascii_digits(typed: str) -> None:
    assert normalize_input(typed) == "5678"
    assert clean_text(f" {typed} ") == "5678"


def test_the_door_keeps_vietnamese_and_codes() -> None:
    text = "Nguyễn Thị Lan, mã ０００．００．２１．Ｈ０１"
    assert normalize_input(text) == "Nguyễn Thị Lan, mã 000.00.21.H01"
    assert normalize_input("Đặng Văn Ất") == "Đặng Văn Ất"


async def _failures(services: Services, channel: str, chat_id: str) -> int:
    async with services.db.transaction() as conn:
        limits = await services.attempts.chat_limits(
            conn,
            channel=channel,
            chat_id=chat_id,
            since=services.now().replace(year=2000),
            failure_limit=100,
            not_found_limit=100,
        )
    return len(limits.failures)


@pytest.mark.parametrize("typed", FOREIGN_5678)
async def test_console_accepts_any_script(services: Services, core: BotCore, typed: str) -> None:
    await seed_dossier(services)
    chat = ChatDriver(core, "console", "c1")
    assert tl.ASK_PHONE.format(code=CODE) in await chat.say(CODE)
    assert tl.CARD_TITLE.format(code=CODE) in await chat.say(typed)
    assert await _failures(services, "console", "c1") == 0


@pytest.mark.parametrize("code", FOREIGN_CODES)
async def test_codes_in_any_script(services: Services, core: BotCore, code: str) -> None:
    await seed_dossier(services)
    chat = ChatDriver(core, "console", "c2")
    assert tl.ASK_PHONE.format(code=CODE) in await chat.say(code)


async def test_telegram_accepts_any_script(services: Services, core: BotCore) -> None:
    await seed_dossier(services)
    api = FakeBotApi()
    async with running_application(core, api.handler) as app:
        assert isinstance(app, Application)
        user = TelegramChat(app, Updates())
        for typed in FOREIGN_5678:
            await user.text(FOREIGN_CODES[1])
            assert tl.ASK_PHONE.format(code=CODE) in api.last_text()
            await user.text(typed)
            assert tl.CARD_TITLE.format(code=CODE) in api.last_text()
    assert await _failures(services, "telegram", str(USER_ID)) == 0


async def test_zalo_accepts_any_script(services: Services, core: BotCore) -> None:
    await seed_dossier(services)
    api = FakeZalo()
    client = api.client()

    async def no_sleep(_seconds: float) -> None:
        return None

    zalo = ZaloChannel(core, client, sleep=no_sleep, backoff_sleep=no_sleep)
    zchat = ZaloChat(zalo, UpdateRunner(services.inbound, services.clock), api, ZaloUpdates())
    try:
        for typed in FOREIGN_5678:
            assert tl.ASK_PHONE.format(code=CODE) in await zchat.say(FOREIGN_CODES[2])
            assert tl.CARD_TITLE.format(code=CODE) in await zchat.say(typed)
    finally:
        await client.aclose()
    assert await _failures(services, "zalo", CHAT) == 0


@pytest.mark.parametrize("typed", FOREIGN_5678)
async def test_page_accepts_any_script(services: Services, web_app: object, typed: str) -> None:
    await seed_dossier(services)
    async with visitor(web_app, "198.51.100.9") as browser:
        for code in FOREIGN_CODES:
            assert outcome(await browser.lookup(code, typed)) == "card"
    assert await _failures(services, "web", "198.51.100.9") == 0
