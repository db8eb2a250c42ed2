"""The write-ahead log is copied back by a thread of its own, not inside the bot's commits."""

from __future__ import annotations

import asyncio
import sqlite3
from functools import partial
from pathlib import Path

from db.connection import Database, WalCheckpointer, open_database


async def _insert(db: Database, channel: str, number: int) -> None:
    async with db.transaction() as conn:
        await conn.execute(
            "INSERT INTO conversations (channel, chat_id, flow, step, data, nonce, updated_at)"
            " VALUES (?, ?, 'lookup', 'phone', '{}', 'n', 't')",
            (channel, str(number)),
        )


async def _checkpointed(checkpointer: WalCheckpointer) -> None:
    checkpointer.attempted.clear()
    assert await asyncio.to_thread(checkpointer.attempted.wait, 10)


async def test_commits_are_checkpointed_off_the_writer(tmp_path: Path) -> None:
    db = await open_database(tmp_path / "bot.sqlite3")
    checkpointer = db.checkpointer
    assert checkpointer is not None
    try:
        # The writer's own checkpoint is only a safety net now.
        row = await db.fetch_one("PRAGMA wal_autocheckpoint")
        assert row is not None and row[0] == WalCheckpointer.SAFETY_NET_PAGES
        waiting = asyncio.create_task(_checkpointed(checkpointer))
        await asyncio.sleep(0)
        for number in range(50):
            await _insert(db, "console", number)
        await waiting
        assert checkpointer.stats["checkpoints"] >= 1
        assert checkpointer.stats["failures"] == 0
        # Once it has run after the last commit, every frame of the log is in the file.
        checkpointer.attempted.clear()
        checkpointer.committed()
        assert await asyncio.to_thread(checkpointer.attempted.wait, 10)
        busy, frames, copied = (await db.fetch_all("PRAGMA wal_checkpoint(PASSIVE)"))[0]
        assert busy == 0 and frames == copied
    finally:
        await db.close()
    assert not checkpointer._thread.is_alive()
    # Nothing was lost: another connection reads every row after the close.
    with sqlite3.connect(tmp_path / "bot.sqlite3") as reader:
        assert reader.execute("SELECT COUNT(*) FROM conversations").fetchone()[0] == 50


async def test_batched_messages_are_checkpointed_too(tmp_path: Path) -> None:
    db = await open_database(tmp_path / "bot.sqlite3")
    assert db.checkpointer is not None
    try:
        waiting = asyncio.create_task(_checkpointed(db.checkpointer))
        await asyncio.sleep(0)

        await asyncio.gather(
            *(db.batched(partial(_insert, db, "zalo", number)) for number in range(20))
        )
        await waiting
        assert db.checkpointer.stats["checkpoints"] >= 1
    finally:
        await db.close()


async def test_an_in_memory_database_has_no_checkpointer() -> None:
    db = await open_database(":memory:")
    try:
        assert db.checkpointer is None
    finally:
        await db.close()
