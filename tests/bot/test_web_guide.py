"""The guide and questions pages (issue 26.1, 26.2) on httpx.ASGITransport."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest

from bot.inbound import UpdateRunner
from bot.web import build_web_app
from handlers.services import Services
from handlers.texts import citizen as tg
from tests.bot.test_web_lookup import SECURITY_HEADERS, Browser, visible_text, visitor


@pytest.fixture
async def citizen(services: Services) -> AsyncIterator[Browser]:
    app = build_web_app(services, UpdateRunner(services.inbound, services.clock), [])
    async with visitor(app) as browser:
        yield browser


async def test_lookup_form_links_to_the_guide_and_the_questions(citizen: Browser) -> None:
    page = await citizen.open("/tra-cuu")
    assert 'href="/thu-tuc"' in page.text and 'href="/hoi-dap"' in page.text


async def test_guide_list_and_one_kind(citizen: Browser) -> None:
    page = await citizen.open("/thu-tuc")
    assert page.status_code == 200
    for name, value in SECURITY_HEADERS.items():
        assert page.headers[name] == value
    assert page.headers["cache-control"] == "no-store"
    assert 'href="/thu-tuc/cdcl">Cấp đổi, cấp lại hiện vật khen thưởng</a>' in page.text
    page = await citizen.open("/thu-tuc/bkct")
    text = " ".join(visible_text(page).split())
    assert 'data-kind="BKCT"' in page.text
    assert "Bằng khen của Chủ tịch UBND tỉnh" in text
    assert "Thời hạn giải quyết: 25 ngày làm việc, kể từ ngày sau ngày nhận đủ hồ sơ" in text
    assert "Phí, lệ phí: Không" in text
    assert "Cấp quyết định: Chủ tịch UBND tỉnh" in text
    assert "Tờ trình đề nghị khen thưởng (Mẫu số 01)" in text
    assert "Luật Thi đua, khen thưởng số 06/2022/QH15" in text
    assert "<script" not in page.text


async def test_unknown_kind_and_hostile_path(citizen: Browser) -> None:
    page = await citizen.open("/thu-tuc/XYZ")
    assert page.status_code == 404 and tg.PAGE_KIND_NOT_FOUND in page.text
    page = await citizen.open("/thu-tuc/%3Cscript%3Ealert(1)%3C%2Fscript%3E")
    assert page.status_code == 404 and "<script>" not in page.text


async def test_question_in_plain_words_on_the_page(citizen: Browser) -> None:
    page = await citizen.open("/hoi-dap?q=bang+khen+bi+rach+thi+lam+sao")
    assert page.status_code == 200
    assert 'data-question="lost"' in page.text
    text = " ".join(visible_text(page).split())
    assert "Bước tiếp theo: Gõ /thutuc cấp đổi" in text
    assert "Căn cứ: Nghị định 152/2025/NĐ-CP" in text
    assert "Giờ làm việc:" in text
    page = await citizen.open("/hoi-dap?q=" + "%3Cb%3Exin+chao%3C%2Fb%3E")
    assert 'data-outcome="no_match"' in page.text and "<b>" not in page.text
    assert len(re.findall(r'href="/hoi-dap/\w+"', page.text)) == 11
    page = await citizen.open("/hoi-dap/fee")
    assert 'data-question="fee"' in page.text and "Không. Thủ tục" in page.text
    assert (await citizen.open("/hoi-dap/nope")).status_code == 404
