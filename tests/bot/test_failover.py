"""Two instances on one PostgreSQL: the reminder tick runs on one, the other takes over."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest

from bot import runtime, scheduler
from db.connection import open_database
from db.outbox import CLAIM_LEASE
from tests.postgres import Cluster


def test_the_readmes_failover_figures() -> None:
    # README, "PostgreSQL: several instances": a 60 s lease, a take-over within 15 s.
    assert timedelta(seconds=60) == CLAIM_LEASE
    assert scheduler.STANDBY_SECONDS == 15
    assert runtime.STANDBY_SECONDS == 15


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
