"""`/denghi` asks the facts its award's rules need and shows the list's verdict on the review."""

from __future__ import annotations

import pytest

from db.connection import Database
from handlers.router import BotCore
from handlers.services import Services
from handlers.texts import nomination as t
from tests.conftest import ChatDriver
from tests.handlers.nomination.test_chat import count, make_officer, press, text_of, to_review


@pytest.fixture
async def officer(core: BotCore, services: Services) -> ChatDriver:
    await make_officer(services, "console", "c1", "Trần Thị Hoa")
    return ChatDriver(core, "console", "c1")


async def test_facts_from_the_review_give_the_verdict_and_its_article(
    officer: ChatDriver,
    db: Database,
) -> None:
    replies = await to_review(officer)
    assert t.REVIEW_NO_FACTS in text_of(replies)
    replies = await press(officer, replies, t.EDIT)
    replies = await press(officer, replies, t.EDIT_FIELDS["facts"])
    assert "HTXS: 2024, 2025" in text_of(replies)
    # The test clock is in 2026: 2025 and 2026 with two initiatives meet art. 74(1)(d).
    replies = await officer.send("HTXS: 2025, 2026\nSáng kiến: 2\nKỷ luật: Không")
    review = text_of(replies)
    assert t.REVIEW in review
    assert "Điều kiện: Đủ điều kiện: 02 năm liên tục hoàn thành xuất sắc nhiệm vụ" in review
    assert "(Điều 74 khoản 1 điểm d Luật Thi đua, khen thưởng 2022)" in review
    replies = await press(officer, replies, t.EDIT)
    replies = await press(officer, replies, t.EDIT_FIELDS["facts"])
    assert "Đang ghi: HTXS: 2025, 2026; Sáng kiến: 2; Kỷ luật: Không" in text_of(replies)
    replies = await officer.send("Năm đẹp: 2025")
    assert "Không hiểu mục “Năm đẹp: 2025”" in text_of(replies)
    replies = await officer.send("HTXS: 20x5")
    assert "không phải danh sách năm" in text_of(replies)
    replies = await officer.send("HTXS: 2025, 2026; Sáng kiến: 1")
    review = text_of(replies)
    assert "Điều kiện: Chưa đủ điều kiện" in review and "(mới có 1)" in review
    replies = await press(officer, replies, t.EDIT)
    replies = await press(officer, replies, t.EDIT_FIELDS["facts"])
    replies = await officer.send("HTXS: 2025, 2026; Sáng kiến: 3; Kỷ luật: Có")
    assert "Điều kiện: Chưa đủ điều kiện: đang bị kỷ luật" in text_of(replies)
    replies = await press(officer, replies, t.CONFIRM)
    assert await count(db, "nominations") == 1
