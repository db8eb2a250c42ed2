"""Two instances on one PostgreSQL: the reminder tick runs on one, the other takes over."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest

from bot import channel, scheduler
from db.connection import open_database
from db.outbox import CLAIM_LEASE
from tests.postgres import Cluster


def test_the_readmes_failover_figures() -> None:
    # README, "PostgreSQL: several instances": a 60 s lease, a take-over within 15 s.
    assert timedelta(seconds=60) == CLAIM_LEASE
    assert scheduler.STANDBY_SECONDS == 15
    assert channel.STANDBY_SECONDS == 15


@pytest.fixture
def url(postgresql_cluster: Cluster, postgresql_template: str) -> Iterator[str]:
    created = postgresql_cluster.create_database(template=postgresql_template)
    yield created
    postgresql_cluster.drop_database(created)


async def test_one_instance_ticks_and_the_other_takes_over_when_it_dies(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    ticks: dict[str, int] = {"a": 0, "b": 0}
    #: Each instance's event is set once its ticks reach its target.
    targets = {"a": 3, "b": 3}
    ticked = {"a": asyncio.Event(), "b": asyncio.Event()}

    async def fake_tick(services: Any) -> int:
        ticks[services.name] += 1
        if ticks[services.name] >= targets[services.name]:
            ticked[services.name].set()
        return 0

    async def no_purge(_services: Any) -> int:
        return 0

    monkeypatch.setattr(scheduler, "tick", fake_tick)
    monkeypatch.setattr(scheduler, "purge_expired", no_purge)
    # The loop's pauses, shortened: what is tested is who ticks, not when.
    monkeypatch.setattr(scheduler, "TICK_SECONDS", 0.01)
    monkeypatch.setattr(scheduler, "STANDBY_SECONDS", 0.01)
    first, second = await open_database(url), await open_database(url)
    apps = {
        name: SimpleNamespace(services=SimpleNamespace(db=db, name=name))
        for name, db in (("a", first), ("b", second))
    }
    stops = {name: asyncio.Event() for name in apps}
    # The first to start leads; the second waits in standby.
    task_a = asyncio.create_task(scheduler.run_scheduler(apps["a"], stops["a"]))  # type: ignore[arg-type]
    await asyncio.wait_for(ticked["a"].wait(), timeout=30)
    task_b = asyncio.create_task(scheduler.run_scheduler(apps["b"], stops["b"]))  # type: ignore[arg-type]
    try:
        targets["a"] = ticks["a"] + 5
        ticked["a"].clear()
        await asyncio.wait_for(ticked["a"].wait(), timeout=30)
        assert ticks["b"] == 0
        # The ticking instance dies: its connection, and with it its lock, ends.
        stops["a"].set()
        await task_a
        await first.close()
        await asyncio.wait_for(ticked["b"].wait(), timeout=30)
        assert ticks["b"] >= 3
    finally:
        stops["b"].set()
        await task_b
        await second.close()


async def test_a_poller_starts_only_once_its_instance_leads() -> None:
    # Telegram refuses two pollers (409 Conflict): a standby instance polls only after the
    # polling one has gone (its lock released), asking every STANDBY_SECONDS.
    answers = iter([False, False, True])
    asked: list[str] = []

    async def lead(job: str) -> bool:
        asked.append(job)
        return next(answers)

    started = asyncio.Event()

    async def start() -> None:
        started.set()

    app = SimpleNamespace(services=SimpleNamespace(db=SimpleNamespace(lead=lead)))
    host = channel.Host(app=app, runner=None, stop=asyncio.Event())  # type: ignore[arg-type]
    await asyncio.wait_for(
        channel.lead_then(host, channel.TELEGRAM_POLLING, start, standby=0), timeout=5
    )
    assert started.is_set()
    assert asked == [channel.TELEGRAM_POLLING] * 3


async def test_a_standby_poller_stops_waiting_at_shutdown() -> None:
    async def lead(_job: str) -> bool:
        return False

    async def start() -> None:
        raise AssertionError("never leads")

    app = SimpleNamespace(services=SimpleNamespace(db=SimpleNamespace(lead=lead)))
    host = channel.Host(app=app, runner=None, stop=asyncio.Event())  # type: ignore[arg-type]
    waiting = asyncio.create_task(channel.lead_then(host, channel.ZALO_POLLING, start))
    await asyncio.sleep(0)
    host.stop.set()
    await asyncio.wait_for(waiting, timeout=5)
