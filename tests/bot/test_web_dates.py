"""The lookup page shows the dates of issue 26.3 and 26.4 as the chat card does: by when to
supplement, the due date before and after the supplement, the apology with its new date."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.inbound import UpdateRunner
from bot.web import build_web_app
from domain.statuses import Status
from handlers.actions.dossier_status import change_status
from handlers.services import Services
from tests.bot.test_web_lookup import outcome, visible_text, visitor
from tests.conftest import ChatDriver, MovableClock
from tests.handlers.test_status_update import CODE, DIGITS, make_staff, seed_dossier


@pytest.fixture
def web_app(services: Services) -> object:
    return build_web_app(services, UpdateRunner(services.inbound, services.clock), [])


async def page_text(app: object) -> str:
    async with visitor(app) as browser:
        response = await browser.lookup(CODE, DIGITS)
    assert outcome(response) == "card"
    return " ".join(visible_text(response).split())


async def test_the_page_shows_the_supplement_date_then_the_old_and_new_due_date(
    services: Services, web_app: object, clock: MovableClock
) -> None:
    dossier = await seed_dossier(services, status=Status.in_review, due_on=date(2026, 12, 28))
    asked = await change_status(
        services,
        dossier,
        Status.needs_supplement,
        "Thiếu bản sao",
        "x",
        supplement_by=date(2026, 12, 18),
    )
    assert "Cần bổ sung: Thiếu bản sao trước ngày 18/12/2026" in await page_text(web_app)
    clock.current = datetime(2026, 12, 2, 2, 0, tzinfo=UTC)
    await change_status(services, asked.dossier, Status.in_review, None, "x")
    new = services.calendar.add_working_days(date(2026, 12, 28), 5)
    assert f"ngày hẹn trả kết quả 28/12/2026 → {new:%d/%m/%Y}" in await page_text(web_app)


async def test_the_page_says_the_apology_was_made(
    services: Services, web_app: object, core: object
) -> None:
    await seed_dossier(services, status=Status.in_review, due_on=date(2026, 12, 28))
    await make_staff(services, "off1")
    officer = ChatDriver(core, "console", "off1")  # type: ignore[arg-type]
    (draft,) = await officer.send(f"/doihan {CODE} 05/01/2027 Chờ ý kiến cơ quan liên quan")
    await officer.say(payload=draft.choices[0].payload)
    text = await page_text(web_app)
    assert "Ngày hẹn trả kết quả: 05/01/2027" in text
    assert "Đã xin lỗi vì chậm trả kết quả (hẹn cũ 28/12/2026); ngày hẹn mới: 05/01/2027." in text
