"""Issue 25: the leaders' morning digest counts the submissions' rows per step and overdue."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.scheduler import tick
from config.settings import Settings
from db.connection import Database
from handlers.services import Services
from tests.conftest import ChatDriver, MovableClock
from tests.handlers.review.test_board_day import make_staff, submitted


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(  # type: ignore[call-arg]
        _env_file=None, database=tmp_path / "tdkt.sqlite3", admins=["console:boss"]
    )


async def test_the_leaders_digest_counts_rows_per_step(
    services: Services, chat: ChatDriver, db: Database, clock: MovableClock, tmp_path: Path
) -> None:
    await make_staff(services, "lead1", "Lãnh đạo Minh", "leader")
    await make_staff(services, "off1", "Cán bộ Hà", "officer")
    await submitted(services, chat, tmp_path)
    clock.set_local("2026-12-04 07:31")  # Friday: two working days past the return limit
    await tick(services)
    row = await db.fetch_one("SELECT payload FROM outbox WHERE chat_id = 'lead1'")
    assert row is not None
    text = json.loads(row["payload"])["text"]
    steps = "Kiểm tra hồ sơ 6 (quá hạn 6); Trả lại, chờ đơn vị bổ sung 0 (quá hạn 0)"
    assert steps in text, text
    # Officers see the same line under their own digest (the unassigned rows are due soon).
    officer = await db.fetch_one("SELECT payload FROM outbox WHERE chat_id = 'off1'")
    assert officer is not None and steps in json.loads(officer["payload"])["text"]
