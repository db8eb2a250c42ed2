"""Channel-neutral citizen lookups on 1,000,000 dossiers with 1, 10 and 100 chats at once.

Targets: ≥ 5,000 lookups/s with 100 chats, ≥ 2,500/s with 10, p99 ≤ 25 ms. A lookup is what a
citizen does: send the dossier code, then the last 4 phone digits, and get the status card;
both messages go through `BotCore.handle`, as every channel calls it. N citizens run at once,
each one lookup after the other (a new chat id each time) of a random dossier, so the
database's pages are read as in real use rather than from a hot cache. The database is a
copy: lookups write (the conversation step, the attempt counted for the cooldown). Rounds
interleave the concurrency levels and the baseline (the same lookups with each statement its
own hand-off, as before batching); figures are medians of three.

The headline uses the Telegram channel (buttons); Zalo and the console also keep the numbered
choices of every reply, one more write per message, measured on the second row.

The SQL floor: the statements those lookups ran (100 chats, recorded with their parameters,
batch by batch) replayed with sqlite3 alone on a fresh copy, no handler in between. It is what
the statements cost by themselves, the ceiling any Python around them can approach.
"""

from __future__ import annotations

import asyncio
import os
import random
import sqlite3
import time
from pathlib import Path
from typing import Any

from bench.data import NOW, code_of, database, digits_of, fresh_copy
from bench.report import median, percentile, result
from bot.app import open_app
from config.settings import Settings
from db.connection import WalCheckpointer
from handlers.messages import Incoming

DOSSIERS = 1_000_000
LOOKUPS = int(os.environ.get("BENCH_LOOKUPS", "10000"))
WARM_UP = 2_000
RUNS = 3
CONCURRENCY = (1, 10, 100)
TARGETS = {100: 5_000, 10: 2_500}
P99_TARGET_MS = 25.0


async def lookups(
    app: Any, channel: str, count: int, chats: int, seed: int, *, batched: bool = True
) -> tuple[float, list[float]]:
    """Lookups per second with `chats` citizens at once (each one lookup after the other),
    and each lookup's seconds. `batched=False`: the baseline, every statement its own hand-off
    to SQLite's thread, as before batching."""
    rng = random.Random(seed)
    handle = app.core.handle if batched else app.core._handle
    samples: list[float] = []
    per_chat = count // chats

    async def citizen(number: int) -> None:
        chat_id = f"{seed}-{chats}-{number}"
        for _ in range(per_chat):
            index = rng.randrange(DOSSIERS)
            begun = time.perf_counter()
            await handle(Incoming(channel, chat_id, chat_id, text=code_of(index, DOSSIERS)))
            card = await handle(Incoming(channel, chat_id, chat_id, text=digits_of(index)))
            samples.append(time.perf_counter() - begun)
            if code_of(index, DOSSIERS) not in card[0].text:
                raise AssertionError(f"no status card: {card[0].text[:200]}")
            # A new chat id for the next lookup: the cooldown counts per chat, as it should.
            chat_id = f"{chat_id}+"

    started = time.perf_counter()
    await asyncio.gather(*(citizen(number) for number in range(chats)))
    return per_chat * chats / (time.perf_counter() - started), samples


class _Recorder:
    """Stands in for aiosqlite's sqlite3 connection and notes every statement it runs."""

    def __init__(self, raw: sqlite3.Connection) -> None:
        self._raw = raw
        self.statements: list[tuple[str, tuple[Any, ...]]] = []

    def execute(self, sql: str, parameters: Any = ()) -> sqlite3.Cursor:
        self.statements.append((sql, tuple(parameters)))
        return self._raw.execute(sql, parameters)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._raw, name)


async def recorded(path: Path, chats: int, seed: int) -> list[tuple[str, tuple[Any, ...]]]:
    """The statements of LOOKUPS lookups by `chats` citizens at once, with their parameters."""
    settings = Settings(_env_file=None, database=path)  # type: ignore[call-arg]
    app = await open_app(settings, clock=lambda: NOW)
    connection = app.services.db.connection
    recorder = _Recorder(connection._conn)
    try:
        connection._connection = recorder  # type: ignore[assignment]
        await lookups(app, "telegram", LOOKUPS, chats, seed=seed)
    finally:
        connection._connection = recorder._raw
        await app.close()
    return recorder.statements


def replay(path: Path, statements: list[tuple[str, tuple[Any, ...]]]) -> float:
    """Seconds sqlite3 alone takes to run `statements` on the database at `path`, with the
    bot's pragmas and its checkpoints on their own thread."""
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("PRAGMA synchronous = NORMAL")
    connection.execute("PRAGMA foreign_keys = ON")
    connection.execute(f"PRAGMA wal_autocheckpoint = {WalCheckpointer.SAFETY_NET_PAGES}")
    checkpointer = WalCheckpointer(path)
    checkpointer.start()
    try:
        started = time.perf_counter()
        for sql, parameters in statements:
            connection.execute(sql, parameters).fetchall()
            if sql == "COMMIT":
                checkpointer.committed()
        return time.perf_counter() - started
    finally:
        checkpointer.stop()
        connection.close()


async def run() -> list[dict[str, Any]]:
    path = fresh_copy(database(DOSSIERS), "lookup")
    settings = Settings(_env_file=None, database=path)  # type: ignore[call-arg]
    app = await open_app(settings, clock=lambda: NOW)
    figures: dict[tuple[str, int], list[tuple[float, list[float]]]] = {}
    try:
        await lookups(app, "telegram", WARM_UP, 10, seed=-1)
        # The statements of one 100-chat run, to replay without the bot in each round.
        source = database(DOSSIERS)
        statements = await recorded(fresh_copy(source, "lookup-record"), 100, seed=300)
        floors: list[float] = []
        stats = app.services.db.batch_stats
        sizes: dict[int, list[float]] = {}
        # Rounds interleave the levels, so a busy spell on the shared machine hits all alike.
        for attempt in range(RUNS):
            for chats in CONCURRENCY:
                before = dict(stats)
                figures.setdefault(("telegram", chats), []).append(
                    await lookups(app, "telegram", LOOKUPS, chats, seed=attempt)
                )
                sizes.setdefault(chats, []).append(
                    (stats["messages"] - before["messages"])
                    / max(1, stats["batches"] - before["batches"])
                )
            figures.setdefault(("zalo", 100), []).append(
                await lookups(app, "zalo", LOOKUPS, 100, seed=100 + attempt)
            )
            figures.setdefault(("unbatched", 100), []).append(
                await lookups(app, "telegram", LOOKUPS, 100, seed=200 + attempt, batched=False)
            )
            seconds = replay(fresh_copy(source, "lookup-replay"), statements)
            floors.append(LOOKUPS // 100 * 100 / seconds)
    finally:
        await app.close()
    rows = []
    for (channel, chats), runs in figures.items():
        rate = median([figure for figure, _ in runs])
        p50 = median([median(samples) for _, samples in runs]) * 1000
        p99 = median([percentile(samples, 0.99) for _, samples in runs]) * 1000
        target = TARGETS.get(chats) if channel == "telegram" else None
        label = f"lookup, 1M dossiers, {chats} chat{'s' if chats > 1 else ''} at once"
        if channel == "zalo":
            label += ", Zalo/console"
        if channel == "unbatched":
            label += ", baseline without batching (a hand-off per statement)"
        rows.append(
            result(
                f"{label}: lookups/s (median of {len(runs)})",
                rate,
                "lookups/s",
                f"≥ {target:,}" if target else None,
                rate >= target if target else None,
            )
        )
        met = p99 <= P99_TARGET_MS if target else None
        rows.append(
            result(
                f"{label}: p50 / p99",
                f"{p50:.1f} / {p99:.1f}",
                "ms",
                f"p99 ≤ {P99_TARGET_MS:.0f}" if target else None,
                met,
            )
        )
    per_lookup = len(statements) / (LOOKUPS // 100 * 100)
    rows.append(
        result(
            f"lookup, 100 chats: SQL floor, the same statements ({per_lookup:.1f} a lookup,"
            f" savepoints and commits included) replayed by sqlite3 alone (median of {RUNS})",
            median(floors),
            "lookups/s",
        )
    )
    batched, baseline = figures[("telegram", 100)], figures[("unbatched", 100)]
    gain = median([a[0] / b[0] for a, b in zip(batched, baseline, strict=True)])
    rows.append(result("lookup, 100 chats: batched / baseline, same runs", gain, "×"))
    for chats, found in sizes.items():
        rows.append(
            result(f"lookup, {chats} at once: messages per database hand-off", median(found), "")
        )
    return rows


def main() -> list[dict[str, Any]]:
    return asyncio.run(run())


if __name__ == "__main__":
    from bench.report import table

    print(table(main()))
