"""/denghi end to end through python-telegram-bot on httpx.MockTransport, with one document."""

from __future__ import annotations

import io
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import timedelta
from email import policy
from email.parser import BytesParser
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest
import zxingcpp
from PIL import Image
from telegram import Update
from telegram.ext import Application
from telegram.request import HTTPXRequest

from bot.telegram_channel import build_application
from db.connection import Database
from handlers.domain.codes import make_code
from handlers.domain.statuses import Status
from handlers.router import BotCore
from handlers.services import Services
from handlers.texts import nomination as t

TOKEN = "123:ABC"
OFFICER_ID = 4242
DATE = 1795572000  # 2026-11-25 02:00 UTC
BOT = {"id": 123, "is_bot": True, "first_name": "TDKT", "username": "tdkt_bot"}
OFFICER = {"id": OFFICER_ID, "is_bot": False, "first_name": "Hoa", "last_name": "Trần"}
CHAT = {"id": OFFICER_ID, "type": "private", "first_name": "Hoa", "last_name": "Trần"}
CODE = "000.00.21.H01-261125-0001"
SUMMARY = "Ba năm liền hoàn thành xuất sắc nhiệm vụ; chủ trì sáng kiến cấp tỉnh năm 2025."


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    files: dict[str, bytes] = field(default_factory=dict)


class FakeBotApi:
    """Answers Bot API requests the way api.telegram.org does, and records them."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.message_id = 700

    def handler(self, request: httpx.Request) -> httpx.Response:
        method = request.url.path.rsplit("/", 1)[1]
        params, files = decode(request)
        self.calls.append(Call(method, params, files))
        return httpx.Response(200, json={"ok": True, "result": self.result(method, params)})

    def result(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return BOT
        if method in ("sendMessage", "sendPhoto"):
            self.message_id += 1
            message: dict[str, Any] = {
                "message_id": self.message_id,
                "date": DATE,
                "chat": {"id": int(params["chat_id"]), "type": "private"},
                "from": BOT,
            }
            if method == "sendMessage":
                message["text"] = params["text"]
            else:
                message["photo"] = [
                    {"file_id": "AgADqr", "file_unique_id": "qr1", "width": 450, "height": 490}
                ]
                message["caption"] = params.get("caption", "")
            return message
        return True  # answerCallbackQuery, setMyCommands

    def replies(self) -> list[Call]:
        return [call for call in self.calls if call.method in ("sendMessage", "sendPhoto")]

    def last_text(self) -> str:
        call = self.replies()[-1]
        return str(call.params.get("text") or call.params.get("caption") or "")

    def buttons(self) -> dict[str, str]:
        """Label → callback data of the inline keyboard of the latest reply."""
        markup = self.replies()[-1].params.get("reply_markup")
        assert markup, "the latest reply has no buttons"
        rows = json.loads(markup)["inline_keyboard"]
        return {button["text"]: button["callback_data"] for row in rows for button in row}


def decode(request: httpx.Request) -> tuple[dict[str, Any], dict[str, bytes]]:
    content_type = request.headers.get("content-type", "")
    body = request.content
    if not body:
        return {}, {}
    if content_type.startswith("application/json"):
        return json.loads(body), {}
    if content_type.startswith("application/x-www-form-urlencoded"):
        form = parse_qs(body.decode(), keep_blank_values=True)
        return {key: values[-1] for key, values in form.items()}, {}
    message = BytesParser(policy=policy.HTTP).parsebytes(
        b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body
    )
    params: dict[str, Any] = {}
    files: dict[str, bytes] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        assert isinstance(name, str) and isinstance(payload, bytes)
        if part.get_filename():
            files[name] = payload
        else:
            params[name] = payload.decode()
    return params, files


class Updates:
    """Real Bot API update JSON from the officer's private chat."""

    def __init__(self, app: Application) -> None:
        self.app = app
        self.update_id = 50_000
        self.message_id = 10

    async def feed(self, update: dict[str, Any]) -> None:
        await self.app.process_update(Update.de_json(update, self.app.bot))

    def _message(self, **content: Any) -> dict[str, Any]:
        self.update_id += 1
        self.message_id += 1
        message = {"message_id": self.message_id, "date": DATE, "chat": CHAT, "from": OFFICER}
        return {"update_id": self.update_id, "message": message | content}

    async def text(self, text: str) -> None:
        content: dict[str, Any] = {"text": text}
        if text.startswith("/"):
            content["entities"] = [
                {"type": "bot_command", "offset": 0, "length": len(text.split()[0])}
            ]
        await self.feed(self._message(**content))

    async def document(self, document: dict[str, Any]) -> None:
        await self.feed(self._message(document=document))

    async def press(self, data: str) -> None:
        self.update_id += 1
        await self.feed(
            {
                "update_id": self.update_id,
                "callback_query": {
                    "id": f"cb{self.update_id}",
                    "from": OFFICER,
                    "chat_instance": "-7300000000000000001",
                    "data": data,
                    "message": {
                        "message_id": self.message_id,
                        "date": DATE,
                        "chat": CHAT,
                        "from": BOT,
                        "text": "…",
                    },
                },
            }
        )


@pytest.fixture
def api() -> FakeBotApi:
    return FakeBotApi()


@pytest.fixture
async def app(core: BotCore, services: Services, api: FakeBotApi) -> AsyncIterator[Application]:
    code = "INV-TG"
    await services.staff.create_invite(
        code=code,
        role="officer",
        created_by="console:admin",
        now=services.now(),
        expires_at=services.now() + timedelta(days=1),
    )
    await services.staff.redeem_invite(
        code=code,
        channel="telegram",
        user_id=str(OFFICER_ID),
        chat_id=str(OFFICER_ID),
        name="Trần Thị Hoa",
        now=services.now(),
    )
    transport = httpx.MockTransport(api.handler)
    application = build_application(
        core,
        TOKEN,
        request=HTTPXRequest(httpx_kwargs={"transport": transport}),
        get_updates_request=HTTPXRequest(httpx_kwargs={"transport": transport}),
    )
    await application.initialize()
    assert application.post_init is not None
    await application.post_init(application)  # as bot/runtime.py does: learns the username
    yield application
    await application.shutdown()


async def test_whole_nomination_through_telegram_with_one_document(
    app: Application, api: FakeBotApi, services: Services, db: Database
) -> None:
    updates = Updates(app)
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
    await updates.document(
        {
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
    updates = Updates(app)
    await updates.text("/denghi")
    old = api.buttons()["Tập thể"]
    await updates.text("/huy")
    assert t.CANCELLED in api.last_text()
    await updates.text("/denghi")
    await updates.press(old)
    assert t.STALE in api.last_text() and "Bước 1/9" in api.last_text()
    await updates.press(api.buttons()["Tập thể"])
    await updates.feed(
        updates._message(
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
    )
    assert t.TEXT_EXPECTED in api.last_text() and "Bước 2/9" in api.last_text()
    row = await db.fetch_one("SELECT COUNT(*) FROM dossiers")
    assert row is not None and row[0] == 0
