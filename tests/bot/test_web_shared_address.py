"""The page's limit does not lock a shared address (CGNAT, the desk's Wi-Fi): issue 23 item 8."""

from __future__ import annotations

import pytest

from bot.inbound import UpdateRunner
from bot.web import build_web_app
from handlers import lookup
from handlers.router import BotCore
from handlers.services import Services
from handlers.texts import lookup as tl
from tests.bot.test_web_lookup import outcome, visible_text, visitor
from tests.conftest import ChatDriver, MovableClock
from tests.handlers.test_status_update import seed_dossier

DESK = "203.0.113.50"


def code_no(number: int) -> str:
    return f"000.00.21.H01-261120-{number:04d}"


@pytest.fixture
def web_app(services: Services) -> object:
    return build_web_app(services, UpdateRunner(services.inbound, services.clock), [])


def test_the_figures_the_readme_states() -> None:
    assert lookup.MAX_FAILURES_PER_CHAT == 5
    assert lookup.ADDRESS_DOSSIERS == 10
    assert lookup.FAILURE_WINDOW.total_seconds() == 3600
    # Worst case for one address: 50 wrong digits an hour; its code answers: 20 codes.
    assert lookup.MAX_FAILURES_PER_CHAT * lookup.ADDRESS_DOSSIERS == 50
    assert lookup.MAX_CODES_PER_CHAT == 20


async def test_one_persons_typos_do_not_lock_the_desk(services: Services, web_app: object) -> None:
    for number in range(1, 10):
        await seed_dossier(services, code_no(number), phone=f"{1000 + number}")
    async with visitor(web_app, DESK) as desk:
        # Someone gets their own digits wrong five times: their dossier pauses for this address.
        typos = [outcome(await desk.lookup(code_no(1), "0000")) for _ in range(5)]
        assert typos == [lookup.WRONG] * 4 + [lookup.COOLDOWN]
        # Everyone else at the desk, each with a typo of their own first, gets their card.
        for number in range(2, 10):
            assert outcome(await desk.lookup(code_no(number), "0000")) == lookup.WRONG
            assert outcome(await desk.lookup(code_no(number), f"{1000 + number}")) == "card"


async def test_an_address_guessing_over_many_dossiers_pauses(
    services: Services, web_app: object, clock: MovableClock
) -> None:
    count = lookup.ADDRESS_DOSSIERS + 1
    for number in range(1, count + 1):
        await seed_dossier(services, code_no(number), phone=f"{1000 + number}")
    async with visitor(web_app, DESK) as guesser:
        for number in range(1, lookup.ADDRESS_DOSSIERS + 1):
            assert outcome(await guesser.lookup(code_no(number), "0000")) == lookup.WRONG
        paused = await guesser.lookup(code_no(count), f"{1000 + count}")
        assert outcome(paused) == lookup.COOLDOWN
        assert "nhiều hồ sơ khác nhau" in visible_text(paused)
        assert tl.ADDRESS_BUSY.split("{")[0] in visible_text(paused)
    # Another address is not held, and the paused one opens after the hour.
    async with visitor(web_app, "198.51.100.20") as other:
        assert outcome(await other.lookup(code_no(count), f"{1000 + count}")) == "card"
    clock.advance(minutes=61)
    async with visitor(web_app, DESK) as guesser:
        assert outcome(await guesser.lookup(code_no(count), f"{1000 + count}")) == "card"


async def test_chats_keep_their_own_limit_over_all_dossiers(
    services: Services, core: BotCore
) -> None:
    """Only the page's address is shared; a chat's 5 still count over every dossier."""
    await seed_dossier(services, code_no(1), phone="1001")
    await seed_dossier(services, code_no(2), phone="1002")
    chat = ChatDriver(core, "telegram", "t1")
    for attempt in range(5):
        await chat.say(code_no(1 + attempt % 2))
        reply = await chat.say("0000")
    assert "tạm khóa" in reply
