"""The rating form under a finished dossier's card on the lookup page (issue 26.5)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.inbound import UpdateRunner
from bot.web import build_web_app
from domain.statuses import Status
from handlers.services import Services
from handlers.texts import citizen as tg
from tests.bot.test_web_lookup import Browser, form_token, visible_text, visitor
from tests.handlers.test_status_update import CODE, DIGITS, OTHER_CODE, seed_dossier


@pytest.fixture
def app(services: Services) -> object:
    return build_web_app(services, UpdateRunner(services.inbound, services.clock), [])


@pytest.fixture
async def citizen(app: object) -> AsyncIterator[Browser]:
    async with visitor(app) as browser:
        yield browser


async def rate(browser: Browser, token: str, score: str, comment: str = "") -> str:
    response = await browser.client.post(
        "/danh-gia", data={"csrf": token, "code": CODE, "score": score, "comment": comment}
    )
    return " ".join(visible_text(response).split())


async def test_finished_card_offers_the_rating_once(
    services: Services, citizen: Browser, app: object
) -> None:
    await seed_dossier(services, status=Status.decided, decision_no="12/QĐ-UBND")
    card = await citizen.lookup(CODE, DIGITS)
    assert 'data-outcome="card"' in card.text
    assert tg.PAGE_RATING_HEADING in card.text
    assert 'action="/danh-gia"' in card.text and 'name="score" value="5"' in card.text
    token = form_token(card)

    assert tg.PAGE_RATING_BAD in await rate(citizen, token, "7")
    comment = "Nhanh <b>gọn</b>" + "!" * 2000
    assert tg.PAGE_RATING_THANKS.format(code=CODE) in await rate(citizen, token, "5", comment)
    assert tg.RATING_ALREADY.format(code=CODE) in await rate(citizen, token, "1")
    row = await services.db.fetch_one("SELECT channel, score, comment FROM ratings")
    assert row is not None and (row[0], row[1]) == ("web", 5)
    assert row[2].startswith("Nhanh <b>gọn</b>!") and len(row[2]) == tg.RATING_COMMENT_MAX

    # Another address that never proved the dossier cannot rate it, nor without a token.
    async with visitor(app, "198.51.100.9") as stranger:
        token = form_token(await stranger.open())
        assert tg.RATING_NOT_ALLOWED in await rate(stranger, token, "1")
        assert (await stranger.client.post("/danh-gia", data={"code": CODE})).status_code == 403


async def test_an_open_dossier_has_no_rating_form(services: Services, citizen: Browser) -> None:
    await seed_dossier(services, OTHER_CODE, status=Status.in_review)
    card = await citizen.lookup(OTHER_CODE, DIGITS)
    assert 'data-outcome="card"' in card.text
    assert tg.PAGE_RATING_HEADING not in card.text
