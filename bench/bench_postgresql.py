"""Citizen lookups on SQLite and PostgreSQL side by side, and the PostgreSQL driver chosen.

1. Driver: the lookup's main read (a dossier by its code) with 1, 10 and 100 readers at once,
   through the three ways to reach PostgreSQL from asyncio: psycopg 3's sync connection on one
   worker thread (the model `Database` already has on SQLite, what the bot uses), asyncpg with
   a pool of 10, and psycopg 3's async connections with psycopg_pool (10).
2. Lookups as the bot does them (code, then the 4 digits, then the card, both through
   `BotCore.handle`) at 1, 10 and 100 chats, the same database copied into SQLite and into a
   throwaway PostgreSQL cluster on this machine (tests/postgres.py), rounds interleaved.

Figures are medians of three runs. BENCH_PG_DOSSIERS sets the size (default 100,000: the copy
into PostgreSQL takes seconds rather than minutes); BENCH_PG_LOOKUPS the lookups per run,
BENCH_PG_READS the driver's reads per run.
"""

from __future__ import annotations

import asyncio
import os
import random
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any

from bench.data import NOW, code_of, database, digits_of, fresh_copy
from bench.report import median, result
from bot.app import open_app
from config.settings import Settings
from db.copy import copy_sqlite_to_postgresql
from handlers.messages import Incoming

DOSSIERS = int(os.environ.get("BENCH_PG_DOSSIERS", "100000"))
LOOKUPS = int(os.environ.get("BENCH_PG_LOOKUPS", "1000"))
READS = int(os.environ.get("BENCH_PG_READS", "2000"))
RUNS = 3
CONCURRENCY = (1, 10, 100)
POOL = 10
BY_CODE = "SELECT * FROM dossiers WHERE code = "


async def _rate(read: Callable[[str], Awaitable[Any]], readers: int, seed: int) -> float:
    rng = random.Random(seed)
    per_reader = READS // readers

    async def reader() -> None:
        for _ in range(per_reader):
            row = await read(code_of(rng.randrange(DOSSIERS), DOSSIERS))
            if row is None:
                raise AssertionError("dossier not found")

    started = time.perf_counter()
    await asyncio.gather(*(reader() for _ in range(readers)))
    return per_reader * readers / (time.perf_counter() - started)


async def drivers(url: str) -> list[dict[str, Any]]:
    import asyncpg
    import psycopg_pool

    from db import pg
    from db.dialect import identity_tables

    thread = await pg.open_connection(url, identity_tables([]))
    apg = await asyncpg.create_pool(url, min_size=POOL, max_size=POOL)
    ppool = psycopg_pool.AsyncConnectionPool(url, min_size=POOL, max_size=POOL, open=False)
    await ppool.open(wait=True)

    async def on_thread(code: str) -> Any:
        rows = await thread.execute_fetchall(BY_CODE + "?", (code,))
        return rows[0] if rows else None

    async def on_asyncpg(code: str) -> Any:
        return await apg.fetchrow(BY_CODE + "$1", code)

    async def on_psycopg_pool(code: str) -> Any:
        async with ppool.connection() as connection:
            cursor = await connection.execute(BY_CODE + "%s", (code,))
            return await cursor.fetchone()

    ways = {
        "psycopg 3, sync connection on a worker thread (the bot's)": on_thread,
        f"asyncpg, pool of {POOL}": on_asyncpg,
        f"psycopg 3 async, psycopg_pool of {POOL}": on_psycopg_pool,
    }
    figures: dict[tuple[str, int], list[float]] = {}
    try:
        for read in ways.values():
            await _rate(read, 10, seed=-1)  # warm: prepared statements, pages in cache
        for attempt in range(RUNS):
            for readers in CONCURRENCY:
                for name, read in ways.items():
                    rate = await _rate(read, readers, seed=attempt)
                    figures.setdefault((name, readers), []).append(rate)
            print(f"  drivers: round {attempt + 1} of {RUNS} done", file=sys.stderr, flush=True)
    finally:
        await thread.close()
        await apg.close()
        await ppool.close()
    return [
        result(
            f"PostgreSQL driver, dossier by code, {readers} at once: {name} (median of {RUNS})",
            median(runs),
            "reads/s",
        )
        for (name, readers), runs in figures.items()
    ]


async def lookups(app: Any, chats: int, seed: int) -> float:
    """Lookups per second with `chats` citizens at once, each one lookup after another."""
    rng = random.Random(seed)
    per_chat = LOOKUPS // chats

    async def citizen(number: int) -> None:
        chat_id = f"{seed}-{chats}-{number}"
        for _ in range(per_chat):
            index = rng.randrange(DOSSIERS)
            code = code_of(index, DOSSIERS)
            await app.core.handle(Incoming("telegram", chat_id, chat_id, text=code))
            card = await app.core.handle(
                Incoming("telegram", chat_id, chat_id, text=digits_of(index))
            )
            if code not in card[0].text:
                raise AssertionError(f"no status card: {card[0].text[:200]}")
            chat_id = f"{chat_id}+"

    started = time.perf_counter()
    await asyncio.gather(*(citizen(number) for number in range(chats)))
    return per_chat * chats / (time.perf_counter() - started)


async def run() -> list[dict[str, Any]]:
    from tests.postgres import start_cluster

    cluster = start_cluster()
    if isinstance(cluster, str):
        return [result("PostgreSQL benchmarks", "skipped", "", note=cluster)]
    try:
        source = database(DOSSIERS)
        url = cluster.create_database()
        started = time.perf_counter()
        await copy_sqlite_to_postgresql(fresh_copy(source, "pg-source"), url)
        copy_seconds = time.perf_counter() - started
        print(f"  copied into PostgreSQL in {copy_seconds:.1f} s", file=sys.stderr, flush=True)
        rows = await drivers(url)
        engines = {
            "SQLite": Settings(_env_file=None, database=fresh_copy(source, "pg-sqlite")),  # type: ignore[call-arg]
            "PostgreSQL": Settings(_env_file=None, database=url),  # type: ignore[call-arg]
        }
        apps = {
            name: await open_app(settings, clock=lambda: NOW) for name, settings in engines.items()
        }
        figures: dict[tuple[str, int], list[float]] = {}
        try:
            for app in apps.values():
                await lookups(app, 10, seed=-1)
            for attempt in range(RUNS):
                for chats in CONCURRENCY:
                    for name, app in apps.items():
                        rate = await lookups(app, chats, seed=attempt * 1000 + chats)
                        figures.setdefault((name, chats), []).append(rate)
                print(f"  lookups: round {attempt + 1} of {RUNS} done", file=sys.stderr, flush=True)
        finally:
            for app in apps.values():
                await app.close()
    finally:
        cluster.stop()
    size = f"{DOSSIERS:,} dossiers"
    rows.append(result(f"migrate-db: {size} SQLite → PostgreSQL (COPY)", copy_seconds, "s"))
    for chats in CONCURRENCY:
        for name in engines:
            rows.append(
                result(
                    f"lookup on {name}, {size}, {chats} chat{'s' if chats > 1 else ''} at once"
                    f" (median of {RUNS})",
                    median(figures[(name, chats)]),
                    "lookups/s",
                )
            )
        ratio = median(
            [
                p / s
                for p, s in zip(
                    figures[("PostgreSQL", chats)], figures[("SQLite", chats)], strict=True
                )
            ]
        )
        rows.append(
            result(f"lookup, {chats} at once: PostgreSQL / SQLite, same rounds", ratio, "×")
        )
    return rows


def main() -> list[dict[str, Any]]:
    return asyncio.run(run())
