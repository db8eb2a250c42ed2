"""The SQLite layer: migrations, pragmas, transactions and the repositories."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from db.attempts import LookupAttemptRepository
from db.connection import Database, _migrations, migrate, open_database
from db.conversations import ConversationRepository
from db.dialect import POSTGRESQL, SQLITE
from db.dossiers import DossierRepository
from db.models import Conversation, DossierInput
from domain.statuses import Status

NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)


def dossier_input(code: str = "000.00.21.H01-261120-0001", **changes: object) -> DossierInput:
    """A valid dossier row; keyword arguments override single fields."""
    values: dict[str, object] = {
        "code": code,
        "award_kind": "BKCT",
        "nominee": "Nguyễn Văn An",
        "unit": "Trường THCS Lê Quý Đôn",
        "phone_last4": "5678",
        "received_on": date(2026, 11, 20),
        "due_on": date(2026, 12, 28),
        "status": Status.received,
    }
    values.update(changes)
    return DossierInput(**values)  # type: ignore[arg-type]


async def count_rows(db: Database, table: str) -> int:
    """Rows in a table, read through the connection."""
    row = await db.fetch_one(f"SELECT COUNT(*) FROM {table}")
    assert row is not None
    return int(row[0])


async def test_migrations_are_recorded(db: Database) -> None:
    rows = await db.fetch_all("SELECT version, name, applied_at FROM schema_migrations")
    versions = [row["version"] for row in rows]
    assert versions == [version for version, _, _ in _migrations(db.dialect)]
    assert 1 in versions
    assert all(row["name"].endswith(".sql") and row["applied_at"] for row in rows)
    assert await db.schema_version() == max(versions)
    tables_sql = {
        SQLITE: "SELECT name FROM sqlite_master WHERE type='table'",
        POSTGRESQL: "SELECT tablename FROM pg_tables WHERE schemaname = 'public'",
    }[db.dialect]
    tables = {row[0] for row in await db.fetch_all(tables_sql)}
    assert {"dossiers", "dossier_history", "lookup_attempts", "conversations"} <= tables


async def test_reopening_applies_nothing(tmp_path: Path) -> None:
    path = tmp_path / "again.sqlite3"
    first = await open_database(path)
    version = await first.schema_version()
    await DossierRepository(first).upsert_many([dossier_input()], actor="test", now=NOW)
    await first.close()

    second = await open_database(path)
    try:
        assert await migrate(second.connection) == []
        assert await second.schema_version() == version
        assert await count_rows(second, "schema_migrations") == len(_migrations())
        assert await DossierRepository(second).count() == 1
    finally:
        await second.close()


async def test_migrate_on_fresh_connection_applies_all(tmp_path: Path) -> None:
    import aiosqlite

    connection = await aiosqlite.connect(tmp_path / "bare.sqlite3", isolation_level=None)
    try:
        applied = await migrate(connection)
        assert applied == [name for _, name, _ in _migrations()]
        assert await migrate(connection) == []
    finally:
        await connection.close()


@pytest.mark.sqlite_only
async def test_pragmas(db: Database) -> None:
    journal = await db.fetch_one("PRAGMA journal_mode")
    foreign_keys = await db.fetch_one("PRAGMA foreign_keys")
    busy = await db.fetch_one("PRAGMA busy_timeout")
    assert journal is not None and journal[0] == "wal"
    assert foreign_keys is not None and foreign_keys[0] == 1
    assert busy is not None and busy[0] >= 1000


async def test_foreign_keys_are_enforced(db: Database) -> None:
    import sqlite3

    with pytest.raises(sqlite3.IntegrityError):
        async with db.transaction() as conn:
            await conn.execute(
                "INSERT INTO dossier_history (dossier_id, changed_at, actor, to_status)"
                " VALUES (999, '2026-11-25', 'test', 'received')"
            )
    assert await count_rows(db, "dossier_history") == 0


async def test_upsert_counts_and_history(db: Database) -> None:
    repo = DossierRepository(db)
    first = dossier_input("000.00.21.H01-261120-0001")
    second = dossier_input("000.00.21.H01-261120-0002", nominee="Trần Thị Bích")

    counts = await repo.upsert_many([first, second], actor="import", now=NOW)
    assert (counts.inserted, counts.updated, counts.unchanged) == (2, 0, 0)
    assert await repo.count() == 2

    counts = await repo.upsert_many([first, second], actor="import", now=NOW)
    assert (counts.inserted, counts.updated, counts.unchanged) == (0, 0, 2)
    assert await count_rows(db, "dossier_history") == 2

    later = NOW + timedelta(days=1)
    in_review = dossier_input(first.code, status=Status.in_review, note="Chuyên viên đang xem")
    renamed = dossier_input(second.code, nominee="Trần Thị Bích Ngọc")
    third = dossier_input("000.00.21.H01-261120-0003")
    counts = await repo.upsert_many([in_review, renamed, third], actor="officer:7", now=later)
    assert (counts.inserted, counts.updated, counts.unchanged) == (1, 2, 0)

    stored = await repo.get_by_code(first.code)
    assert stored is not None
    assert stored.status is Status.in_review
    assert stored.note == "Chuyên viên đang xem"
    history = await repo.history(stored.id)
    assert [(h.from_status, h.to_status) for h in history] == [
        (Status.received, Status.in_review),
        (None, Status.received),
    ]
    assert history[0].actor == "officer:7"
    assert history[0].changed_at == later
    assert history[0].note == "Chuyên viên đang xem"

    # A change that is not a status change updates the row but writes no history.
    other = await repo.get_by_code(second.code)
    assert other is not None and other.nominee == "Trần Thị Bích Ngọc"
    assert len(await repo.history(other.id)) == 1


async def test_history_is_newest_first_and_limited(db: Database) -> None:
    repo = DossierRepository(db)
    code = "000.00.21.H01-261120-0001"
    statuses = [Status.received, Status.in_review, Status.needs_supplement, Status.in_review]
    for minutes, status in enumerate(statuses):
        await repo.upsert_many(
            [dossier_input(code, status=status)], actor="t", now=NOW + timedelta(minutes=minutes)
        )
    dossier = await repo.get_by_code(code)
    assert dossier is not None
    history = await repo.history(dossier.id, limit=3)
    assert [h.to_status for h in history] == statuses[::-1][:3]
    assert len(await repo.history(dossier.id, limit=10)) == 4


async def test_typed_model_round_trip(db: Database) -> None:
    repo = DossierRepository(db)
    item = dossier_input(
        status=Status.decided,
        resolved_on=date(2026, 12, 1),
        decision_no="1234/QĐ-UBND",
        note="Đã trình",
    )
    await repo.upsert_many([item], actor="t", now=NOW)
    stored = await repo.get_by_code(item.code)
    assert stored is not None
    assert stored.received_on == date(2026, 11, 20)
    assert stored.due_on == date(2026, 12, 28)
    assert stored.resolved_on == date(2026, 12, 1)
    assert stored.status is Status.decided
    assert stored.decision_no == "1234/QĐ-UBND"
    assert await repo.get_by_code("000.00.21.H01-261120-0099") is None
    found = await repo.find_first(["000.00.21.H33-261120-0001", item.code])
    assert found is not None and found.code == item.code
    assert [d.code for d in await repo.first(5)] == [item.code]


async def test_failed_upsert_writes_nothing(db: Database) -> None:
    repo = DossierRepository(db)
    good = dossier_input("000.00.21.H01-261120-0001")
    broken = dossier_input("000.00.21.H01-261120-0002", nominee=None)  # NOT NULL violated
    import sqlite3

    with pytest.raises(sqlite3.IntegrityError):
        await repo.upsert_many([good, broken], actor="t", now=NOW)
    assert await repo.count() == 0
    assert await count_rows(db, "dossier_history") == 0


async def test_transaction_rolls_back_on_exception(db: Database) -> None:
    class Boom(Exception):
        pass

    with pytest.raises(Boom):
        async with db.transaction() as conn:
            await conn.execute(
                "INSERT INTO lookup_attempts"
                " (channel, chat_id, dossier_code, attempted_at, succeeded)"
                " VALUES ('console', 'c1', 'X', '2026-11-25', 0)"
            )
            raise Boom
    assert await count_rows(db, "lookup_attempts") == 0
    # The connection is usable afterwards and a later transaction commits.
    async with db.transaction() as conn:
        await conn.execute(
            "INSERT INTO lookup_attempts (channel, chat_id, dossier_code, attempted_at, succeeded)"
            " VALUES ('console', 'c1', 'X', '2026-11-25', 0)"
        )
    assert await count_rows(db, "lookup_attempts") == 1


async def test_committed_data_survives_reopen(tmp_path: Path) -> None:
    path = tmp_path / "durable.sqlite3"
    first = await open_database(path)
    await DossierRepository(first).upsert_many([dossier_input()], actor="t", now=NOW)
    await first.close()
    second = await open_database(path)
    try:
        assert await DossierRepository(second).count() == 1
    finally:
        await second.close()


async def test_lookup_attempt_counts(db: Database) -> None:
    repo = LookupAttemptRepository(db)
    code_a, code_b = "A-261120-0001", "A-261120-0002"

    async def record(
        channel: str, chat_id: str, code: str, at: datetime, ok: bool, proven: bool = False
    ) -> None:
        async with db.transaction() as conn:
            await repo.record_on(
                conn,
                channel=channel,
                chat_id=chat_id,
                dossier_code=code,
                at=at,
                succeeded=ok,
                proven=proven,
                end_conversation=False,
            )

    await record("telegram", "1", code_a, NOW, False)
    await record("telegram", "1", code_b, NOW + timedelta(minutes=10), False)
    await record("telegram", "1", code_a, NOW, True)
    await record("zalo", "1", code_a, NOW, False)
    await record("telegram", "2", code_a, NOW - timedelta(hours=2), False)
    # A typo of a chat that had proved the dossier: its own failure, not a stranger's guess.
    await record("telegram", "3", code_a, NOW, False, proven=True)
    since = NOW - timedelta(hours=1)
    async with db.transaction() as conn:
        assert await repo.chat_failures(
            conn, channel="telegram", chat_id="1", since=since, limit=5
        ) == [NOW + timedelta(minutes=10), NOW]
        assert await repo.chat_failures(
            conn, channel="telegram", chat_id="1", since=since, limit=1
        ) == [NOW + timedelta(minutes=10)]
        assert (
            await repo.chat_failures(conn, channel="telegram", chat_id="2", since=since, limit=5)
            == []
        )
        state = await repo.guess_state(
            conn,
            channel="telegram",
            chat_id="1",
            dossier_code=code_a,
            since=since,
            channel_budget=2,
        )
        assert state.proven and state.dossier_failures == 2 and state.dossier_last == NOW
        # Two strangers' failures on telegram in the hour (the other channel, the old one and
        # the proven chat's typo do not count): a budget of 2 is full.
        assert state.channel_full_at == NOW
        state = await repo.guess_state(
            conn,
            channel="zalo",
            chat_id="1",
            dossier_code=code_b,
            since=since,
            channel_budget=2,
        )
        assert not state.proven and state.dossier_failures == 1
        assert state.channel_full_at is None


async def test_lookup_probes(db: Database) -> None:
    repo = LookupAttemptRepository(db)
    async with db.transaction() as conn:
        for minute, code, found in ((0, "A", True), (5, "B", False), (9, "A", True), (70, "C", 0)):
            await repo.record_probe(
                conn,
                channel="zalo",
                chat_id="1",
                code=code,
                found=bool(found),
                at=NOW + timedelta(minutes=minute),
            )
        state = await repo.probe_state(
            conn, channel="zalo", chat_id="1", since=NOW, not_found_limit=10
        )
    # Strictly after `since`; one entry per code with its latest answer, oldest first.
    assert state.codes == [
        ("B", NOW + timedelta(minutes=5)),
        ("A", NOW + timedelta(minutes=9)),
        ("C", NOW + timedelta(minutes=70)),
    ]
    assert state.not_found == [NOW + timedelta(minutes=70), NOW + timedelta(minutes=5)]


async def test_chat_limits_reads_failures_and_answers_in_one_go(db: Database) -> None:
    """The one-statement read gives what the separate reads give, each list in its order."""
    repo = LookupAttemptRepository(db)
    async with db.transaction() as conn:
        for minute, code, found in ((1, "A", True), (2, "B", False), (3, "C", False), (4, "A", 1)):
            await repo.record_probe(
                conn,
                channel="zalo",
                chat_id="1",
                code=code,
                found=bool(found),
                at=NOW + timedelta(minutes=minute),
            )
        for minute, ok in ((5, False), (6, True), (7, False), (8, False)):
            await repo.record_on(
                conn,
                channel="zalo",
                chat_id="1",
                dossier_code="A",
                at=NOW + timedelta(minutes=minute),
                succeeded=ok,
                proven=False,
                end_conversation=False,
            )
        # Another chat's rows never show.
        await repo.record_probe(
            conn, channel="zalo", chat_id="2", code="Z", found=False, at=NOW + timedelta(minutes=9)
        )
        limits = await repo.chat_limits(
            conn, channel="zalo", chat_id="1", since=NOW, failure_limit=2, not_found_limit=1
        )
        apart = (
            await repo.chat_failures(conn, channel="zalo", chat_id="1", since=NOW, limit=2),
            await repo.probe_state(conn, channel="zalo", chat_id="1", since=NOW, not_found_limit=1),
        )
    assert limits.failures == [NOW + timedelta(minutes=8), NOW + timedelta(minutes=7)]
    assert limits.probes.codes == [
        ("B", NOW + timedelta(minutes=2)),
        ("C", NOW + timedelta(minutes=3)),
        ("A", NOW + timedelta(minutes=4)),
    ]
    assert limits.probes.not_found == [NOW + timedelta(minutes=3)]
    assert (limits.failures, limits.probes) == apart


async def test_conversation_save_get_clear(db: Database) -> None:
    repo = ConversationRepository(db)
    assert await repo.get("console", "c1") is None
    conversation = Conversation(
        channel="console",
        chat_id="c1",
        flow="lookup",
        step="phone",
        nonce="ab12cd34",
        updated_at=NOW,
        data={"code": "000.00.21.H01-261120-0001", "ghi chú": "Đã tìm thấy"},
    )
    await repo.save(conversation)
    stored = await repo.get("console", "c1")
    assert stored == conversation
    assert await repo.get("telegram", "c1") is None

    conversation.step = "done"
    conversation.data = {}
    await repo.save(conversation)
    again = await repo.get("console", "c1")
    assert again is not None and again.step == "done" and again.data == {}
    assert await count_rows(db, "conversations") == 1

    await repo.clear("console", "c1")
    assert await repo.get("console", "c1") is None
    await repo.clear("console", "c1")  # clearing twice is harmless


async def test_offered_choices(db: Database) -> None:
    repo = ConversationRepository(db)
    assert await repo.offered_choices("console", "c1") == []
    await repo.offer_choices("console", "c1", ["a:1", "b:2"], NOW)
    await repo.offer_choices("zalo", "c1", ["z:9"], NOW)
    assert await repo.offered_choices("console", "c1") == ["a:1", "b:2"]
    await repo.offer_choices("console", "c1", ["c:3"], NOW)
    assert await repo.offered_choices("console", "c1") == ["c:3"]
    await repo.offer_choices("console", "c1", [], NOW)
    assert await repo.offered_choices("console", "c1") == []
    assert await repo.offered_choices("zalo", "c1") == ["z:9"]


async def test_only_strangers_wrong_digits_are_in_the_per_dossier_index(db: Database) -> None:
    """Migration 0012: a success writes no page of the per-dossier index of attempts."""
    rows = await db.fetch_all(
        {
            SQLITE: "SELECT name, sql FROM sqlite_master"
            " WHERE type = 'index' AND tbl_name = 'lookup_attempts'",
            POSTGRESQL: "SELECT indexname, indexdef FROM pg_indexes"
            " WHERE tablename = 'lookup_attempts'",
        }[db.dialect]
    )
    by_name = {row[0]: row[1] for row in rows}
    assert "lookup_attempts_dossier" not in by_name
    where = by_name["lookup_attempts_dossier_strangers"].split("WHERE")[1]
    assert "succeeded = 0" in where and "proven = 0" in where
