"""Database.batched: many messages' work in one hand-off and one transaction, each its own."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from db import connection
from db.connection import Database, open_database
from db.conversations import ConversationRepository
from db.models import Conversation
from handlers.messages import Incoming, Reply
from handlers.router import BotCore, Router
from handlers.services import Services
from tests.db.test_db import NOW


@pytest.fixture
async def scratch(db: Database) -> Database:
    await db.connection.execute("CREATE TABLE scratch (chat TEXT NOT NULL, step INTEGER)")
    return db


async def rows(db: Database) -> list[tuple[str, int]]:
    return [
        (row[0], row[1])
        for row in await db.fetch_all("SELECT chat, step FROM scratch ORDER BY chat, step")
    ]


def message(db: Database, chat: str, *, fail: bool = False) -> Callable[[], Awaitable[str]]:
    """One message's work: two transactions, a read, then maybe a failure after writing."""

    async def work() -> str:
        async with db.transaction() as conn:
            await conn.execute("INSERT INTO scratch VALUES (?, 1)", (chat,))
        async with db.transaction() as conn:
            cursor = await conn.execute("INSERT INTO scratch VALUES (?, 2)", (chat,))
            assert cursor.rowcount == 1
        row = await db.fetch_one("SELECT COUNT(*) FROM scratch WHERE chat = ?", (chat,))
        if fail:
            raise ValueError(f"{chat} failed after writing")
        return f"{chat}:{row[0]}"

    return work


async def test_one_failure_in_a_batch_rolls_back_only_its_own_work(scratch: Database) -> None:
    before = dict(scratch.batch_stats)
    results = await asyncio.gather(
        scratch.batched(message(scratch, "a")),
        scratch.batched(message(scratch, "b", fail=True)),
        scratch.batched(message(scratch, "c")),
        return_exceptions=True,
    )
    assert results[0] == "a:2" and results[2] == "c:2"
    assert isinstance(results[1], ValueError) and "b failed" in str(results[1])
    # The three ran as one batch (one hand-off, one commit) …
    assert scratch.batch_stats["batches"] - before["batches"] == 1
    assert scratch.batch_stats["messages"] - before["messages"] == 3
    # … and b's two committed-looking transactions went with b; a's and c's stayed.
    assert await rows(scratch) == [("a", 1), ("a", 2), ("c", 1), ("c", 2)]


async def test_batched_work_runs_on_sqlites_thread_not_the_event_loop(scratch: Database) -> None:
    loop_thread = threading.get_ident()
    seen: list[int] = []

    async def work() -> None:
        seen.append(threading.get_ident())
        await scratch.fetch_one("SELECT 1")

    await asyncio.gather(*(scratch.batched(work) for _ in range(3)))
    assert len(seen) == 3 and loop_thread not in seen


async def test_a_transaction_inside_a_batch_stays_all_or_nothing(scratch: Database) -> None:
    async def work() -> int:
        async with scratch.transaction() as conn:
            await conn.execute("INSERT INTO scratch VALUES ('kept', 1)")
        try:
            async with scratch.transaction() as conn:
                await conn.execute("INSERT INTO scratch VALUES ('half', 1)")
                raise RuntimeError("second statement refused")
        except RuntimeError:
            pass
        async with scratch.transaction() as conn:
            async with conn.execute("SELECT COUNT(*) FROM scratch") as cursor:
                return int((await cursor.fetchone())[0])

    assert await asyncio.gather(scratch.batched(work), scratch.batched(work)) == [1, 2]
    assert await rows(scratch) == [("kept", 1), ("kept", 1)]


async def test_work_that_needs_the_event_loop_runs_there_once(scratch: Database) -> None:
    """A sleep (or a thread, or the network) cannot run on SQLite's thread: that message's
    writes so far are undone and it runs again on the loop; nothing is written twice."""
    threads: list[int] = []

    async def work() -> str:
        threads.append(threading.get_ident())
        async with scratch.transaction() as conn:
            await conn.execute("INSERT INTO scratch VALUES ('slow', 1)")
        await asyncio.to_thread(lambda: None)
        try:  # a handler's broad except must not swallow the hand-back
            await asyncio.sleep(0.001)
        except Exception:
            return "swallowed"
        return "done"

    results = await asyncio.gather(
        scratch.batched(message(scratch, "a")), scratch.batched(work), scratch.batched(work)
    )
    assert results == ["a:2", "done", "done"]
    assert await rows(scratch) == [("a", 1), ("a", 2), ("slow", 1), ("slow", 1)]
    assert threading.get_ident() in threads  # the second run was on the loop's thread


async def test_repositories_work_inside_a_batch(db: Database) -> None:
    conversations = ConversationRepository(db)

    def save(chat: str) -> Callable[[], Awaitable[Conversation | None]]:
        async def work() -> Conversation | None:
            await conversations.save(Conversation("zalo", chat, "lookup", "digits", "n1", NOW))
            return await conversations.get("zalo", chat)

        return work

    saved = await asyncio.gather(*(db.batched(save(f"z{n}")) for n in range(5)))
    assert [item.chat_id for item in saved if item is not None] == [f"z{n}" for n in range(5)]


async def test_a_batch_waits_for_an_open_transaction(scratch: Database) -> None:
    """Writers stay serialised: a batch never runs inside another coroutine's transaction."""
    async with scratch.transaction() as conn:
        await conn.execute("INSERT INTO scratch VALUES ('outside', 1)")
        pending = asyncio.ensure_future(scratch.batched(message(scratch, "in")))
        for _ in range(20):
            await asyncio.sleep(0)
        assert not pending.done()
        await conn.execute("INSERT INTO scratch VALUES ('outside', 2)")
    assert await pending == "in:2"
    assert await rows(scratch) == [("in", 1), ("in", 2), ("outside", 1), ("outside", 2)]


async def test_a_cancelled_caller_has_its_work_dropped(scratch: Database) -> None:
    first = asyncio.ensure_future(scratch.batched(message(scratch, "a")))
    second = asyncio.ensure_future(scratch.batched(message(scratch, "b")))
    await asyncio.sleep(0)
    second.cancel()
    assert await first == "a:2"
    with pytest.raises(asyncio.CancelledError):
        await second
    assert await rows(scratch) == [("a", 1), ("a", 2)]


async def test_a_batch_locked_out_by_another_process_runs_each_message_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process holding the write lock beyond the busy timeout: the event loop is never
    blocked meanwhile, and each message gets the ordinary path and its own clear error, never
    a half-written batch."""
    import sqlite3

    # A write waits WRITE_WAIT_SECONDS (60) for another process's lock before it gives up
    # (tests/db/test_connection.py); here the lock outlasts a shortened wait.
    monkeypatch.setattr(connection, "WRITE_WAIT_SECONDS", 0.2)
    db = await open_database(tmp_path / "locked.sqlite3")
    try:
        await db.connection.execute("CREATE TABLE scratch (chat TEXT NOT NULL, step INTEGER)")
        await db.connection.execute("PRAGMA busy_timeout = 50")
        other = sqlite3.connect(tmp_path / "locked.sqlite3", isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        turns = 0
        waiting = asyncio.gather(
            db.batched(message(db, "a")), db.batched(message(db, "b")), return_exceptions=True
        )
        try:
            while not waiting.done():  # the event loop keeps turning while SQLite waits
                turns += 1
                await asyncio.sleep(0)
            results = await waiting
        finally:
            other.execute("ROLLBACK")
            other.close()
        assert turns > 10
        assert all(isinstance(item, sqlite3.OperationalError) for item in results)
        assert await rows(db) == []
        assert await db.batched(message(db, "c")) == "c:2"
    finally:
        await db.close()


async def test_nested_transactions_in_a_batch_roll_back_only_the_inner_one(
    scratch: Database,
) -> None:
    async def work() -> None:
        async with scratch.transaction() as outer:
            await outer.execute("INSERT INTO scratch VALUES ('outer', 1)")
            try:
                async with scratch.transaction() as inner:
                    await inner.execute("INSERT INTO scratch VALUES ('inner', 1)")
                    raise LookupError("inner refused")
            except LookupError:
                pass
            await outer.execute("INSERT INTO scratch VALUES ('outer', 2)")

    await asyncio.gather(scratch.batched(work), scratch.batched(work))
    assert await rows(scratch) == [("outer", 1), ("outer", 1), ("outer", 2), ("outer", 2)]


async def test_a_command_that_needs_the_event_loop_is_learnt_and_not_run_twice(
    services: Services,
) -> None:
    """A command building a file in a thread: the first time it is rolled back on SQLite's
    thread and run on the loop; from then on its messages skip batching."""
    starts: list[int] = []

    async def export(_incoming: Incoming, services: Services, _args: str) -> list[Reply]:
        starts.append(threading.get_ident())
        await services.db.fetch_one("SELECT 1")
        document = await asyncio.to_thread(lambda: b"xlsx")
        return [Reply("xong", document=document, document_name="a.xlsx")]

    router = Router()
    router.command("xuat", export, "xuất")
    core = BotCore(router, services)
    first = await core.handle(Incoming("telegram", "1", "1", text="/xuat"))
    assert first[0].document == b"xlsx" and len(starts) == 2
    second = await core.handle(Incoming("telegram", "2", "2", text="/XUAT@tdkt_bot"))
    assert second[0].document == b"xlsx" and len(starts) == 3
    assert starts[1] == starts[2] == threading.get_ident()  # straight on the loop's thread
