"""Two instances on one PostgreSQL: two `Database`s (two connections, two worker threads) in
one process, each with its own bot core, writing at once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta

import pytest

from config.settings import Settings
from db.connection import Database, open_database
from db.follows import FollowRepository
from db.outbox import CLAIM_LEASE, OutboxRepository
from handlers import build_router, lookup
from handlers.router import BotCore
from handlers.services import Services, build_services
from tests.conftest import MovableClock
from tests.handlers.test_guessing import outcome, say
from tests.handlers.test_lookup import CODE, DIGITS, add_dossier
from tests.postgres import Cluster


@pytest.fixture
def url(postgresql_cluster: Cluster, postgresql_template: str) -> Iterator[str]:
    created = postgresql_cluster.create_database(template=postgresql_template)
    yield created
    postgresql_cluster.drop_database(created)


@pytest.fixture
async def pair(url: str) -> AsyncIterator[tuple[Database, Database]]:
    first, second = await open_database(url), await open_database(url)
    yield first, second
    await first.close()
    await second.close()


def core_on(db: Database, url: str, clock: MovableClock) -> tuple[Services, BotCore]:
    settings = Settings(_env_file=None, database=url)  # type: ignore[call-arg]
    services = build_services(settings, db, clock=clock)
    return services, BotCore(build_router(), services)


async def strangers_failures(db: Database) -> tuple[int, int]:
    row = await db.fetch_one(
        "SELECT COALESCE(SUM(CASE WHEN succeeded = 0 THEN 1 ELSE 0 END), 0),"
        " COALESCE(SUM(succeeded), 0) FROM lookup_attempts WHERE dossier_code = ?",
        (CODE,),
    )
    assert row is not None
    return int(row[0]), int(row[1])


async def test_2000_wrong_digits_split_across_two_instances_check_at_most_the_allowance(
    pair: tuple[Database, Database], url: str, clock: MovableClock
) -> None:
    (services_a, core_a), (_services_b, core_b) = (core_on(db, url, clock) for db in pair)
    await add_dossier(services_a)
    chats = [f"chat-{index}" for index in range(2000)]
    cores = [core_a if index % 2 else core_b for index in range(len(chats))]
    asked = await asyncio.gather(
        *(say(core, chat, CODE) for core, chat in zip(cores, chats, strict=True))
    )
    assert {outcome(replies) for replies in asked} == {lookup.ASK_PHONE}
    # Each chat's digits go to the other instance than its code did.
    answers = await asyncio.gather(
        *(
            say(core_b if core is core_a else core_a, chat, f"{index % 9000 + 1000:04d}")
            for index, (core, chat) in enumerate(zip(cores, chats, strict=True))
        )
    )
    failures, successes = await strangers_failures(pair[0])
    assert successes == 0 and 1 <= failures <= lookup.FREE_STRANGER_FAILURES
    assert sum(outcome(replies) == lookup.WRONG for replies in answers) == failures
    assert all(outcome(replies) in {lookup.WRONG, lookup.COOLDOWN} for replies in answers)
    # The owner's right digits on either instance: still held no longer than the policy says.
    assert DIGITS not in {f"{index % 9000 + 1000:04d}" for index in range(len(chats))}


async def test_one_chat_guessing_on_both_instances_checks_five(
    pair: tuple[Database, Database], url: str, clock: MovableClock
) -> None:
    (services_a, core_a), (_services_b, core_b) = (core_on(db, url, clock) for db in pair)
    await add_dossier(services_a)
    assert outcome(await say(core_a, "one", CODE)) == lookup.ASK_PHONE
    answers = await asyncio.gather(
        *(say(core_a if n % 2 else core_b, "one", f"{n:04d}") for n in range(60))
    )
    failures, _ = await strangers_failures(pair[0])
    assert failures == lookup.MAX_FAILURES_PER_CHAT
    assert sum(outcome(replies) == lookup.WRONG for replies in answers) == 4


async def test_outbox_claims_are_disjoint_and_a_dead_instances_claim_lapses(
    pair: tuple[Database, Database], clock: MovableClock
) -> None:
    first, second = (OutboxRepository(db) for db in pair)
    now = clock()
    for index in range(300):
        await first.enqueue(
            key=f"k{index}", channel="zalo", chat_id=f"c{index}", payload={"text": "x"}, at=now
        )
    a, b = await asyncio.gather(first.due(now, limit=200), second.due(now, limit=200))
    ids_a, ids_b = {m.id for m in a}, {m.id for m in b}
    assert not ids_a & ids_b
    assert len(ids_a | ids_b) == 300
    # The first instance dies holding its claims: nobody sends them until the lease ends...
    assert await second.due(now + CLAIM_LEASE - timedelta(seconds=1)) == []
    # ...then the other instance does, once.
    later = now + CLAIM_LEASE + timedelta(seconds=1)
    taken = await second.due(later, limit=500)
    assert {m.id for m in taken} == ids_a | ids_b
    for message in taken:
        await second.mark_sent(message.id, later)
    assert await first.due(later + CLAIM_LEASE * 2, limit=500) == []
    assert (await first.counts())["sent"] == 300


async def test_released_messages_are_due_again_at_once(
    pair: tuple[Database, Database], clock: MovableClock
) -> None:
    first, second = (OutboxRepository(db) for db in pair)
    now = clock()
    await first.enqueue(key="k", channel="zalo", chat_id="c", payload={"text": "x"}, at=now)
    claimed = await first.due(now)
    assert len(claimed) == 1 and await second.due(now) == []
    await first.release(claimed)
    assert [m.id for m in await second.due(now)] == [claimed[0].id]


async def test_follow_limit_holds_with_two_instances(
    pair: tuple[Database, Database], url: str, clock: MovableClock
) -> None:
    services, _core = core_on(pair[0], url, clock)
    ids = []
    for n in range(1, 41):
        ids.append((await add_dossier(services, f"000.00.21.H01-261110-{n:04d}")).id)
    repos = [FollowRepository(db) for db in pair]
    results = await asyncio.gather(
        *(
            repos[index % 2].follow(
                channel="zalo", chat_id="c", dossier_id=dossier_id, now=clock(), limit=10
            )
            for index, dossier_id in enumerate(ids)
        )
    )
    assert results.count("added") == 10 and results.count("full") == 30
    assert len(await repos[1].for_chat("zalo", "c")) == 10


async def test_one_instance_leads_a_job_and_another_takes_over(
    pair: tuple[Database, Database],
) -> None:
    first, second = pair
    assert await first.lead("scheduler")
    assert await first.lead("scheduler")
    assert not await second.lead("scheduler")
    # Another job is free: the leader of one is not the leader of all.
    assert await second.lead("telegram-polling")
    await first.close()  # the instance dies: its session and its lock end
    # The server ends the closed session's backend, and frees its lock, a moment later: the
    # standby asks again, as the real one does every STANDBY_SECONDS.
    for _ in range(200):
        if await second.lead("scheduler"):
            break
        await asyncio.sleep(0.05)
    assert await second.lead("scheduler")


async def test_two_instances_starting_at_once_migrate_once(
    postgresql_cluster: Cluster,
) -> None:
    url = postgresql_cluster.create_database()
    try:
        first, second = await asyncio.gather(open_database(url), open_database(url))
        try:
            rows = await first.fetch_all("SELECT version FROM schema_migrations ORDER BY version")
            versions = [row[0] for row in rows]
            assert versions == sorted(set(versions)) and versions
            assert await second.schema_version() == versions[-1]
        finally:
            await first.close()
            await second.close()
    finally:
        postgresql_cluster.drop_database(url)


async def test_a_writer_waiting_too_long_gets_an_error_and_no_open_transaction(
    pair: tuple[Database, Database],
) -> None:
    import sqlite3

    first, second = pair
    await second.fetch_all("SET lock_timeout = '200ms'")
    async with first.transaction():
        with pytest.raises(sqlite3.OperationalError):
            async with second.transaction():
                pass
        assert not second.connection.in_transaction
    # Once the first has committed, the second writes as usual.
    async with second.transaction() as conn:
        await conn.execute("DELETE FROM blocked_chats")
