"""What /xoadulieu keeps, it keeps for the hour it says, and /dulieucuatoi says so (issue 23.2)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from types import SimpleNamespace

import aiosqlite
import pytest

from bot.scheduler import TICK_SECONDS, purge_expired, run_scheduler
from db import connection as connection_module
from db.connection import open_database
from domain.statuses import Status
from handlers.privacy import ERASURE_HOLD
from handlers.router import BotCore
from handlers.services import Services
from handlers.texts import privacy as t
from tests.conftest import ChatDriver, MovableClock
from tests.handlers.test_status_update import CODE, OTHER_CODE, payload_of, seed_dossier


async def rows_of(services: Services, chat_id: str) -> tuple[int, int]:
    attempts = await services.db.fetch_one(
        "SELECT COUNT(*) FROM lookup_attempts WHERE chat_id = ?", (chat_id,)
    )
    probes = await services.db.fetch_one(
        "SELECT COUNT(*) FROM lookup_probes WHERE chat_id = ?", (chat_id,)
    )
    assert attempts is not None and probes is not None
    return int(attempts[0]), int(probes[0])


async def guess_and_erase(guesser: ChatDriver) -> None:
    for guess in ("0001", "0002"):
        await guesser.say(CODE)
        await guesser.say(guess)
    await guesser.say("000.00.21.H01-261120-0077")  # not found: a code answer
    confirm = await guesser.send("/xoadulieu")
    assert await guesser.say(payload=payload_of(confirm, ":yes")) == t.ERASED.format(staff_line="")


def test_the_hold_is_the_hour_the_reply_states() -> None:
    assert ERASURE_HOLD.total_seconds() == 3600
    assert TICK_SECONDS == 60  # the purge runs every minute: gone within 1 hour 1 minute
    assert "tự xóa sau 1 giờ" in t.ERASED


async def test_kept_rows_go_after_the_hour_not_after_90_days(
    services: Services, core: BotCore, clock: MovableClock
) -> None:
    await seed_dossier(services, status=Status.in_review)
    guesser = ChatDriver(core, "console", "guesser")
    await guess_and_erase(guesser)
    assert await rows_of(services, "guesser") == (2, 2)
    shown = await guesser.say("/dulieucuatoi")
    # The kept rows are listed with their real end, not "giữ 90 ngày".
    assert "giữ 90 ngày" not in shown
    assert "Giữ lại sau lệnh /xoadulieu" in shown and "2 lần nhập sai" in shown
    assert "2 mã đã hỏi" in shown
    clock.advance(minutes=59)
    await purge_expired(services)
    assert await rows_of(services, "guesser") == (2, 2)  # still within the hour: still limits
    clock.advance(minutes=1)
    await purge_expired(services)
    assert await rows_of(services, "guesser") == (0, 0)
    assert await guesser.say("/dulieucuatoi") == t.MY_DATA_EMPTY
    clock.advance(days=31)
    assert await purge_expired(services) == 0


async def test_what_the_chat_does_after_erasing_is_ordinary_data(
    services: Services, core: BotCore, clock: MovableClock
) -> None:
    await seed_dossier(services, status=Status.in_review)
    await seed_dossier(services, OTHER_CODE, status=Status.in_review)
    guesser = ChatDriver(core, "console", "guesser")
    await guess_and_erase(guesser)
    clock.advance(minutes=10)
    await guesser.say(OTHER_CODE)
    await guesser.say("0003")
    clock.advance(minutes=51)
    await purge_expired(services)
    assert await rows_of(services, "guesser") == (1, 1)
    shown = await guesser.say("/dulieucuatoi")
    assert "giữ 90 ngày" in shown and "Giữ lại sau lệnh /xoadulieu" not in shown


async def test_the_scheduler_loop_purges_the_erased_hour(
    services: Services, core: BotCore, clock: MovableClock
) -> None:
    await seed_dossier(services, status=Status.in_review)
    guesser = ChatDriver(core, "console", "guesser")
    await guess_and_erase(guesser)
    clock.advance(minutes=61)
    stop = asyncio.Event()
    task = asyncio.create_task(run_scheduler(SimpleNamespace(services=services), stop))  # type: ignore[arg-type]
    for _ in range(200):
        if await rows_of(services, "guesser") == (0, 0):
            break
        await asyncio.sleep(0.01)
    stop.set()
    await asyncio.wait_for(task, 5)
    assert await rows_of(services, "guesser") == (0, 0)


async def test_secure_delete_is_set_by_the_project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A build of SQLite with secure_delete off by default still gets it on."""
    real_connect = aiosqlite.connect

    async def connect_with_it_off(*args: object, **kwargs: object) -> aiosqlite.Connection:
        connection = await real_connect(*args, **kwargs)  # type: ignore[arg-type]
        await connection.execute("PRAGMA secure_delete = OFF")
        return connection

    monkeypatch.setattr(connection_module.aiosqlite, "connect", connect_with_it_off)
    db = await open_database(tmp_path / "x.sqlite3")
    try:
        row = await db.fetch_one("PRAGMA secure_delete")
        assert row is not None and row[0] == 1
    finally:
        await db.close()
