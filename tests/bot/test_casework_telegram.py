"""/viec's buttons and a bulk update end to end through python-telegram-bot and the fake Bot API."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date

import pytest
from telegram.ext import Application

from db.models import DossierInput
from domain.statuses import Status
from handlers.router import BotCore
from handlers.services import Services
from handlers.texts import casework as tw
from handlers.texts import status as ts
from tests.fakes import FakeBotApi, TelegramChat, Updates, running_application
from tests.handlers.test_status_update import history, make_staff

OFFICER_ID = 4343
OFFICER = {"id": OFFICER_ID, "is_bot": False, "first_name": "Hoa", "last_name": "Trần"}


def code(seq: int) -> str:
    return f"000.00.21.H01-261120-{seq:04d}"


@pytest.fixture
def api() -> FakeBotApi:
    return FakeBotApi()


@pytest.fixture
async def app(core: BotCore, services: Services, api: FakeBotApi) -> AsyncIterator[Application]:
    await make_staff(services, str(OFFICER_ID), channel="telegram", name="Trần Thị Hoa")
    async with running_application(core, api.handler) as application:
        yield application


async def seed(services: Services, count: int, status: Status) -> None:
    items = [
        DossierInput(
            code=code(seq),
            award_kind="BKCT",
            nominee=f"Người nhận {seq}",
            unit="Sở Nội vụ",
            phone_last4="5678",
            received_on=date(2026, 11, 20),
            due_on=date(2026, 12, 1 + seq % 20),
            status=status,
            decision_no="7/QĐ-UBND" if status is Status.decided else None,
        )
        for seq in range(1, count + 1)
    ]
    await services.dossiers.upsert_many(items, actor="import", now=services.now())


async def test_viec_line_buttons_open_the_dossier_and_update_it(
    app: Application, api: FakeBotApi, services: Services
) -> None:
    await seed(services, 3, Status.in_review)
    chat = TelegramChat(app, Updates(OFFICER, update_id=70_000))
    await chat.text("/viec")
    buttons = api.buttons()
    assert buttons[f"Người nhận 1 · {code(1)[-11:]}"] == f"ho:{code(1)}"
    assert buttons[tw.ACTION_BULK] == "wb:v:1"
    await chat.press(buttons[f"Người nhận 2 · {code(2)[-11:]}"])
    assert api.last_text().startswith(f"📁 Hồ sơ {code(2)}")
    await chat.press(api.buttons()[tw.ACTION_UPDATE])
    assert code(2) in api.last_text()
    await chat.press(api.buttons()[Status.passed.label])
    await chat.press(api.buttons()[ts.SKIP])
    await chat.press(api.buttons()[ts.YES])
    assert api.last_text() == ts.DONE.format(code=code(2), label=Status.passed.label)
    stored = await services.dossiers.get_by_code(code(2))
    assert stored is not None and stored.status is Status.passed


async def test_thirty_returned_in_four_telegram_messages(
    app: Application, api: FakeBotApi, services: Services
) -> None:
    await seed(services, 30, Status.decided)
    chat = TelegramChat(app, Updates(OFFICER, update_id=80_000))
    before = len(api.replies())
    await chat.text("/capnhat\n" + "\n".join(code(seq) for seq in range(1, 31)))  # 1
    assert tw.BULK_CHOOSE.format(count=30) in api.last_text()
    target = tw.BULK_TARGET.format(label=Status.returned.label, count=30, total=30)
    await chat.press(api.buttons()[target])  # 2
    await chat.press(api.buttons()[ts.SKIP])  # 3
    assert "Xác nhận cập nhật 30 hồ sơ" in api.last_text()
    await chat.press(api.buttons()[ts.YES])  # 4
    assert api.last_text() == tw.BULK_DONE.format(count=30, target=Status.returned.label)
    assert len(api.replies()) - before == 4
    for seq in range(1, 31):
        stored = await services.dossiers.get_by_code(code(seq))
        assert stored is not None and stored.status is Status.returned
        assert (await history(services, stored.id))[-1].actor == f"telegram:{OFFICER_ID}"


async def test_bulk_pick_from_the_work_list_on_telegram(
    app: Application, api: FakeBotApi, services: Services
) -> None:
    await seed(services, 4, Status.in_review)
    chat = TelegramChat(app, Updates(OFFICER, update_id=90_000))
    await chat.text("/viec")
    await chat.press(api.buttons()[tw.ACTION_BULK])
    assert tw.BULK_ASK_PICK in api.last_text()
    await chat.text("1-2, 4")
    assert tw.BULK_CHOOSE.format(count=3) in api.last_text()
