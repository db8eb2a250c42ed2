"""/denghi end to end through python-telegram-bot on httpx.MockTransport, with one document."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator

import pytest
import zxingcpp
from PIL import Image
from telegram.ext import Application

from db.connection import Database
from domain.codes import make_code
from domain.statuses import Status
from handlers.router import BotCore
from handlers.services import Services
from handlers.texts import nomination as t
from tests.fakes import FakeBotApi, TelegramChat, Updates, running_application
from tests.handlers.test_status_update import make_staff

OFFICER_ID = 4242
OFFICER = {"id": OFFICER_ID, "is_bot": False, "first_name": "Hoa", "last_name": "Trần"}
CODE = "000.00.21.H01-261125-0001"
SUMMARY = "Ba năm liền hoàn thành xuất sắc nhiệm vụ; chủ trì sáng kiến cấp tỉnh năm 2025."


@pytest.fixture
def api() -> FakeBotApi:
    return FakeBotApi()


@pytest.fixture
async def app(core: BotCore, services: Services, api: FakeBotApi) -> AsyncIterator[Application]:
    await make_staff(services, str(OFFICER_ID), channel="telegram", name="Trần Thị Hoa")
    async with running_application(core, api.handler) as application:
        assert application.post_init is not None
        await application.post_init(application)  # as bot/runtime.py does: learns the username
        yield application


def officer_chat(app: Application) -> TelegramChat:
    """The officer's private chat with the bot."""
    return TelegramChat(app, Updates(OFFICER, update_id=50_000))


async def test_whole_nomination_through_telegram_with_one_document(
    app: Application, api: FakeBotApi, services: Services, db: Database
) -> None:
    updates = officer_chat(app)
    await updates.text("/denghi")
    assert "Bước 1/9" in api.last_text()
    await updates.press(api.buttons()["Cá nhân"])
    assert "Bước 2/9" in api.last_text()
    await updates.text("Nguyễn Thị Lan")
    await updates.text("Phó Hiệu trưởng, Trường THCS Lê Lợi, xã An Bình")
    assert "Bước 4/9" in api.last_text()
    await updates.press(api.buttons()["Chiến sĩ thi đua cấp tỉnh"])
    await updates.press(api.buttons()["Thi đua thực hiện chuyển đổi số"])
    await updates.text(SUMMARY)
    await updates.text("Nguyễn Văn Minh, 0912 345 678")
    assert "Bước 8/9" in api.last_text()
    assert "Sáng kiến hoặc đề tài khoa học được công nhận" in api.last_text()
    await updates.message(
        document={
            "file_id": "BQACAgUAAxkBAAIBZ2dQk3Xq9vYAAWl0bGVfaWQ",
            "file_unique_id": "AgADZxQAAk2qeFY",
            "file_name": "bao-cao-thanh-tich.pdf",
            "mime_type": "application/pdf",
            "file_size": 1_572_864,
        }
    )
    assert "1/10: bao-cao-thanh-tich.pdf (1,5 MB)" in api.last_text()
    await updates.press(api.buttons()[t.DONE])
    review = api.last_text()
    assert "Bước 9/9" in review
    assert "Tệp đính kèm (1): bao-cao-thanh-tich.pdf" in review
    assert "Phong trào/chuyên đề: Thi đua thực hiện chuyển đổi số" in review
    await updates.press(api.buttons()[t.CONFIRM])

    receipt = api.replies()[-1]
    assert receipt.method == "sendPhoto"
    caption = receipt.params["caption"]
    assert f"Mã hồ sơ: {CODE}" in caption
    assert "Ngày hẹn trả kết quả: 30/12/2026 (25 ngày làm việc)" in caption
    link = f"https://t.me/tdkt_bot?start={CODE.replace('.', '_')}"
    assert link in caption
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(receipt.files["photo"])))
    assert [barcode.text for barcode in decoded] == [link]
    # Every button press was answered, so the officer's client stops its spinner.
    presses = [call for call in api.calls if call.method == "answerCallbackQuery"]
    assert len(presses) == 5

    dossier = await services.dossiers.get_by_code(CODE)
    assert dossier is not None
    assert (dossier.status, dossier.award_kind, dossier.phone_last4) == (
        Status.received,
        "CSTDT",
        "5678",
    )
    files = await services.nominations.attachments_of(CODE)
    assert [(f.kind, f.file_id, f.file_name, f.size, f.mime_type) for f in files] == [
        (
            "document",
            "BQACAgUAAxkBAAIBZ2dQk3Xq9vYAAWl0bGVfaWQ",
            "bao-cao-thanh-tich.pdf",
            1_572_864,
            "application/pdf",
        )
    ]
    row = await db.fetch_one("SELECT channel, registered_by, movement FROM nominations")
    assert row is not None and tuple(row) == ("telegram", f"telegram:{OFFICER_ID}", "CDS")
    assert CODE == make_code(services.settings.agency_code, services.today(), 1)


async def test_sticker_and_stale_button_on_telegram(
    app: Application, api: FakeBotApi, db: Database
) -> None:
    updates = officer_chat(app)
    await updates.text("/denghi")
    old = api.buttons()["Tập thể"]
    await updates.text("/huy")
    assert t.CANCELLED in api.last_text()
    await updates.text("/denghi")
    await updates.press(old)
    assert t.STALE in api.last_text() and "Bước 1/9" in api.last_text()
    await updates.press(api.buttons()["Tập thể"])
    await updates.message(
        sticker={
            "file_id": "CAACAgIAAxkBAAEBbWZnUJ",
            "file_unique_id": "AgADbw",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
        }
    )
    assert t.TEXT_EXPECTED in api.last_text() and "Bước 2/9" in api.last_text()
    row = await db.fetch_one("SELECT COUNT(*) FROM dossiers")
    assert row is not None and row[0] == 0
