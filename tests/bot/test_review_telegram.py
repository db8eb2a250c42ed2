"""Issue 25 through the fake Telegram API: the unit on Telegram, the leader signs the decision
by sending its PDF as a document; what the outbox delivers to each chat, exactly."""

from __future__ import annotations

import random
import re
from datetime import timedelta

import httpx

from bot.outbox import OutboxDispatcher
from bot.telegram_channel import TelegramSender
from db.submissions import SubmissionRowInput
from handlers.router import BotCore
from handlers.services import Services
from handlers.texts import review as t
from tests.conftest import ChatDriver, MovableClock
from tests.fakes import TOKEN, USER_ID, FakeBotApi, TelegramChat, Updates, ok, running_application
from tests.handlers.review.test_board_day import make_staff

LEADER = {"id": 2002, "is_bot": False, "first_name": "Minh"}
PDF = b"%PDF-1.4 signed decision"
NAMES = ("Nguyễn Văn An", "Trần Văn Bảo", "Lê Văn Cường")


async def unit_on_telegram(services: Services) -> list[str]:
    """A unit whose officer is the Telegram user, with a three-row submission from that chat."""
    now = services.now()
    unit = await services.submissions.unit_named("Trường THCS Lê Lợi", now)
    rows = [
        SubmissionRowInput(
            row_number=index + 2,
            nominee_type="individual",
            nominee=name,
            unit_text="Giáo viên",
            award_kind="CSTDT" if index == 2 else "BKCT",
            phone_last4=f"000{index}",
            due_on=services.calendar.add_working_days(services.today(), 20),
            verdict="eligible",
            verdict_text="Đủ điều kiện",
        )
        for index, name in enumerate(NAMES)
    ]
    done = await services.submissions.submit(
        unit=unit,
        campaign="",
        file_name="ds.xlsx",
        content=b"PK",
        rows=rows,
        agency="000.00.21.H01",
        received_on=services.today(),
        actor=f"telegram:{USER_ID}",
        history_note="Đơn vị nộp qua danh sách, tờ trình {code}",
        now=now,
        channel="telegram",
        chat_id=str(USER_ID),
    )
    assert done is not None
    code = "DVAAA-BBBBB"
    await services.submissions.create_invite(
        code=code, unit=unit, created_by="admin", now=now, expires_at=now + timedelta(hours=1)
    )
    member = await services.submissions.redeem_invite(
        code=code,
        channel="telegram",
        user_id=str(USER_ID),
        chat_id=str(USER_ID),
        name="Lan",
        now=now,
    )
    assert member is not None
    return done[1]


async def test_the_unit_on_telegram_hears_the_return_and_one_decision_message(
    core: BotCore, services: Services, clock: MovableClock
) -> None:
    api = FakeBotApi()

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.startswith(f"/file/bot{TOKEN}/"):
            return httpx.Response(200, content=PDF)
        if request.url.path.endswith("/getFile"):
            return ok(
                {
                    "file_id": "QD1",
                    "file_unique_id": "q1",
                    "file_size": len(PDF),
                    "file_path": "documents/qd.pdf",
                }
            )
        return api.handler(request)

    codes = await unit_on_telegram(services)
    officer = ChatDriver(core, chat_id="off1")
    await make_staff(services, "off1", "Cán bộ Hà", "officer")
    now = services.now()
    await services.staff.create_invite(
        code="LEAD", role="leader", created_by="admin", now=now, expires_at=now + timedelta(1)
    )
    await services.staff.redeem_invite(
        code="LEAD", channel="telegram", user_id="2002", chat_id="2002", name="Minh", now=now
    )
    async with running_application(core, handler) as app:
        assert app.post_init is not None
        await app.post_init(app)
        unit = TelegramChat(app, Updates())
        leader = TelegramChat(app, Updates(LEADER, update_id=7000))

        returned = await officer.say(f"/tralai {codes[0]} 1 | Thiếu Mẫu 05 | 04/12/2026")
        assert returned.startswith("Đã trả lại 1 hồ sơ")
        await unit.text(f"/nopbosung {codes[0]}")
        assert api.last_text() == t.RESUBMIT_DONE.format(code=codes[0], submission="TT-261125-01")
        await leader.text("/hophoidong 27/11/2026")
        assert "với 3 hồ sơ" in api.last_text()
        for code, votes in zip(codes, ("9/10", "7/10", "8/10"), strict=True):
            await leader.text(f"/bophieu {code} {votes}")
        assert "không thông qua: 8/10 (80%)" in api.last_text()
        document = {
            "file_id": "QD1",
            "file_unique_id": "q1",
            "file_name": "qd.pdf",
            "file_size": len(PDF),
            "mime_type": "application/pdf",
        }
        await leader.message(document=document, caption="/quyetdinh 45/QĐ-UBND 25/11/2026")
        assert api.last_text() == t.DECISION_DONE.format(
            number="45/QĐ-UBND", date="25/11/2026", count=2
        )
        row = await services.db.fetch_one("SELECT file_bytes FROM award_decisions")
        assert row is not None and bytes(row[0]) == PDF

        before = len(api.sent())
        dispatcher = OutboxDispatcher(
            services.outbox,
            {"telegram": TelegramSender(app, rate=25)},
            clock,
            rng=random.Random(3),
        )
        for _ in range(30):  # one message a second per chat: move the clock between passes
            await dispatcher.run_once()
            clock.advance(seconds=2)
        delivered = [
            str(call.params["text"])
            for call in api.sent()[before:]
            if str(call.params["chat_id"]) == str(USER_ID)
        ]
    # Returned, resubmitted, 2 into review for the council, 3 votes; then ONE decision message.
    assert len(delivered) == 8, delivered
    assert "nộp lại trước 04/12/2026" in delivered[0]
    assert sum("45/QĐ-UBND" in text for text in delivered) == 1
    assert re.search(r"Đơn vị Trường THCS Lê Lợi có 2 người/tập thể", delivered[-1])
    assert "Nguyễn Văn An" in delivered[-1] and "Trần Văn Bảo" in delivered[-1]
    assert "Lê Văn Cường" not in delivered[-1]
