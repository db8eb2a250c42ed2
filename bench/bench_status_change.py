"""Bulk status change: 200 dossiers with 3 followers each marked `stopped`, in one transaction
(`change_status_bulk`) against the baseline of one transaction per dossier (what the bulk
update did before issue 21.2), on a fresh SQLite file each run. Informative (no target)."""

from __future__ import annotations

import asyncio
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from bench.report import median, result
from config.settings import Settings
from db.connection import open_database
from db.models import DossierInput
from domain.statuses import Status
from handlers.actions.dossier_status import change_status, change_status_bulk
from handlers.services import Services, build_services

DOSSIERS = 200
FOLLOWERS = 3
RUNS = 3


def _clock() -> datetime:
    return datetime(2026, 11, 25, 2, 0, tzinfo=UTC)


async def _seeded(folder: Path) -> Services:
    settings = Settings(_env_file=None, database=folder / "bench.sqlite3")  # type: ignore[call-arg]
    db = await open_database(settings.database)
    services = build_services(settings, db, clock=_clock)
    items = [
        DossierInput(
            code=f"000.00.21.H01-261120-{n:04d}",
            award_kind="BKCT",
            nominee=f"Người {n}",
            unit="Trường THCS",
            phone_last4="5678",
            received_on=date(2026, 11, 20),
            due_on=date(2026, 12, 28),
            status=Status.in_review,
        )
        for n in range(1, DOSSIERS + 1)
    ]
    await services.dossiers.upsert_many(items, actor="bench", now=_clock())
    async with db.transaction() as conn:
        await conn.executemany(
            "INSERT INTO follows (channel, chat_id, dossier_id, created_at) VALUES (?, ?, ?, ?)",
            [
                ("telegram", str(1000 + f), d, "2026-11-25T02:00:00+00:00")
                for d in range(1, DOSSIERS + 1)
                for f in range(FOLLOWERS)
            ],
        )
    return services


async def _once(bulk: bool) -> float:
    with tempfile.TemporaryDirectory() as folder:
        services = await _seeded(Path(folder))
        try:
            dossiers = list(
                (
                    await services.dossiers.get_many(
                        [f"000.00.21.H01-261120-{n:04d}" for n in range(1, DOSSIERS + 1)]
                    )
                ).values()
            )
            started = time.perf_counter()
            if bulk:
                changes = await change_status_bulk(services, dossiers, Status.stopped, None, "b")
            else:
                changes = [
                    await change_status(services, d, Status.stopped, None, "b") for d in dossiers
                ]
            elapsed = time.perf_counter() - started
            assert all(change.applied for change in changes)
            return elapsed
        finally:
            await services.db.close()


async def run() -> list[dict[str, Any]]:
    rows = []
    for label, bulk in (
        ("one transaction per dossier (baseline)", False),
        ("one transaction", True),
    ):
        samples = [await _once(bulk) for _ in range(RUNS)]
        rows.append(
            result(
                f"status change of {DOSSIERS} dossiers × {FOLLOWERS} followers, {label}:"
                f" median of {RUNS}",
                median(samples) * 1000,
                "ms",
            )
        )
    return rows


def main() -> list[dict[str, Any]]:
    return asyncio.run(run())


if __name__ == "__main__":
    from bench.report import table

    print(table(main()))
