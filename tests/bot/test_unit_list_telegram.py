"""A unit's officer sends the list as a Telegram document: downloaded, checked, submitted."""

from __future__ import annotations

import io
from datetime import timedelta

import httpx
import openpyxl

from config.eligibility import eligibility_from
from handlers.nomination.unit_list import write_template
from handlers.router import BotCore
from handlers.services import Services
from handlers.texts import unit_list as t
from tests.fakes import TOKEN, USER_ID, FakeBotApi, TelegramChat, Updates, ok, running_application

ROWS = [
    [
        1,
        "Nguyễn Văn An",
        "Cá nhân",
        "Giáo viên",
        "BKCT",
        "",
        "",
        "",
        "",
        "2025, 2026",
        0,
        "",
        "Không",
        "0912345678",
    ],
    [2, "Trần Thị Bình", "Cá nhân", "Giáo viên", "BKCT", "", "", "2026", "", "", 2, "", "", ""],
]


def list_bytes(services: Services) -> bytes:
    rules = eligibility_from(services.settings.eligibility_file)
    workbook = openpyxl.load_workbook(io.BytesIO(write_template(services.catalog, rules)))
    for row in ROWS:
        workbook.worksheets[0].append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


async def test_document_after_danhsach_is_checked_then_submitted(
    core: BotCore, services: Services
) -> None:
    content = list_bytes(services)
    api = FakeBotApi()
    downloads: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.startswith(f"/file/bot{TOKEN}/"):
            downloads.append(request.url.path)
            return httpx.Response(200, content=content)
        if request.url.path.endswith("/getFile"):
            return ok(
                {
                    "file_id": "DOC1",
                    "file_unique_id": "u9",
                    "file_size": len(content),
                    "file_path": "documents/file_9.xlsx",
                }
            )
        return api.handler(request)

    now = services.now()
    unit = await services.submissions.unit_named("Trường THCS Lê Lợi", now)
    await services.submissions.create_invite(
        code="DVAAA-BBBBB",
        unit=unit,
        created_by="admin",
        now=now,
        expires_at=now + timedelta(hours=1),
    )
    member = await services.submissions.redeem_invite(
        code="DVAAA-BBBBB",
        channel="telegram",
        user_id=str(USER_ID),
        chat_id=str(USER_ID),
        name="Lan",
        now=now,
    )
    assert member is not None
    async with running_application(core, handler) as app:
        assert app.post_init is not None
        await app.post_init(app)
        chat = TelegramChat(app, Updates())
        await chat.text("/danhsach")
        assert api.last_text() == t.LIST_SEND_FILE
        await chat.text("chưa có tệp")
        assert api.last_text() == t.LIST_SEND_FILE
        document = {
            "file_id": "DOC1",
            "file_unique_id": "u9",
            "file_name": "ds.xlsx",
            "file_size": len(content),
            "mime_type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
        await chat.message(document=document)
        assert downloads == [f"/file/bot{TOKEN}/documents/file_9.xlsx"]
        texts = "\n".join(str(call.params.get("text")) for call in api.replies())
        assert "Dòng 2: Nguyễn Văn An — Bằng khen của Chủ tịch UBND tỉnh — Đủ điều kiện" in texts
        assert "Dòng 3: Trần Thị Bình" in texts and "Chưa đủ điều kiện" in texts
        buttons = api.buttons()
        await chat.press(buttons[t.LIST_SUBMIT.format(count=1)])
        assert "Trường THCS Lê Lợi: 1 hồ sơ" in api.last_text()
        row = await services.db.fetch_one("SELECT file_name, file_bytes FROM submissions")
        assert row is not None and bytes(row["file_bytes"]) == content
        # Another kind of file is told apart, without a download.
        await chat.text("/danhsach")
        await chat.message(document=document | {"file_name": "ds.pdf"})
        assert "không phải Excel" in api.last_text() and len(downloads) == 1
