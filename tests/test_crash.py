"""Crashes: the running bot is killed with SIGKILL 20 times while its outbox sends.

The bot is the real `python -m bot run` (Telegram by long polling, the outbox dispatcher, the
scheduler) in a child process, talking to the fake Bot API of bench/fake_bot_api.py on
127.0.0.1, which appends every message it accepts to a file. The outbox holds 300 notices
for 60 chats. Each time the bot has delivered something since it started, it is killed at a
random moment (seeded) and started again (with more notices added whenever fewer than 60
wait, so that it is always killed while sending); after the 20th kill it runs until the
outbox is empty. No notice may be lost, and all the kills together may repeat at most one
notice each (the README's promise): the dispatcher has one notice in flight at a time, and a
kill between the API's answer and the database write re-sends that one once — at least once,
as the chat APIs cannot be asked whether a message arrived.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import signal
import sqlite3
import sys
import urllib.request
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest

from config.settings import ROOT
from db.connection import open_database
from db.outbox import OutboxRepository

KILLS = 20
CHATS = 60
PER_CHAT = 5
#: Fewer notices than this waiting before a restart that will be killed: add as many.
TOP_UP = 60
SEED = 20261125


def _delivered(record: Path) -> list[str]:
    if not record.exists():
        return []
    lines = record.read_text(encoding="utf-8").splitlines()
    # The last line may be half-written while the fake server appends.
    texts = []
    for line in lines:
        try:
            texts.append(json.loads(line)["text"])
        except ValueError:
            continue
    return texts


def _pending(database: Path) -> int:
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=5)
    try:
        return connection.execute("SELECT COUNT(*) FROM outbox WHERE state = 'pending'").fetchone()[
            0
        ]
    finally:
        connection.close()


async def _enqueue(database: Path, texts: list[str], count: int) -> None:
    """Add `count` notices, five per chat, while no bot runs; remember their texts."""
    db = await open_database(database)
    try:
        outbox = OutboxRepository(db)
        now = datetime.now(UTC)
        first = len(texts)
        for number in range(first, first + count):
            text = f"Hồ sơ {number % CHATS}: thông báo số {number}"
            texts.append(text)
            await outbox.enqueue(
                key=f"crash:{number}",
                channel="telegram",
                chat_id=str(5000 + number % CHATS),
                payload={"text": text},
                at=now,
            )
    finally:
        await db.close()


def _polls(port: int) -> int:
    """How many getUpdates requests the fake Bot API has answered."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/stats", timeout=10) as response:
        return int(json.loads(response.read()).get("getUpdates", 0))


async def _wait_until_polling(port: int, polls_before: int) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 30
    while await asyncio.to_thread(_polls, port) <= polls_before:
        if loop.time() > deadline:
            raise AssertionError("the bot never started polling")
        await asyncio.sleep(0.05)


async def _wait_for(condition: object, seconds: float, what: str) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while not condition():  # type: ignore[operator]
        if loop.time() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        await asyncio.sleep(0.02)


@pytest.mark.slow
async def test_sigkill_while_sending_loses_nothing_and_repeats_little(tmp_path: Path) -> None:
    database = tmp_path / "crash.sqlite3"
    record = tmp_path / "delivered.jsonl"
    texts: list[str] = []
    await _enqueue(database, texts, CHATS * PER_CHAT)

    # Children run in tmp_path, away from any developer's .env, and see only our settings.
    environment = {key: value for key, value in os.environ.items() if not key.startswith("TDKT_")}
    environment["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])
    )
    api = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bench.fake_bot_api",
        "--delay",
        "0.02",
        "--record",
        str(record),
        cwd=tmp_path,
        env=environment,
        stdout=asyncio.subprocess.PIPE,
    )
    assert api.stdout is not None
    port = int((await asyncio.wait_for(api.stdout.readline(), 30)).split()[1])
    environment |= {
        "TDKT_DATABASE": str(database),
        "TDKT_TELEGRAM_TOKEN": "123456:CRASH-TEST",
        "TDKT_TELEGRAM_BASE_URL": f"http://127.0.0.1:{port}/bot",
        # Equal bounds: no quiet hours, so the test passes at any hour of the day.
        "TDKT_QUIET_START": "00:00",
        "TDKT_QUIET_END": "00:00",
        "TDKT_LOG_LEVEL": "WARNING",
    }
    rng = random.Random(SEED)
    kills = 0
    try:
        while True:
            if kills < KILLS and _pending(database) < TOP_UP:
                # However fast the bot ran (or slow this test was), keep it busy until the end.
                await _enqueue(database, texts, TOP_UP)
            before = len(_delivered(record))
            polls_before = await asyncio.to_thread(_polls, port)
            bot = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot",
                "run",
                cwd=tmp_path,
                env=environment,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.DEVNULL,
                stderr=asyncio.subprocess.PIPE,
            )
            try:
                if kills == KILLS:
                    await _wait_for(lambda: _pending(database) == 0, 60, "the outbox to empty")
                    # Stop it cleanly once it serves (it polls), not while it starts up.
                    await _wait_until_polling(port, polls_before)
                    bot.send_signal(signal.SIGTERM)
                    await asyncio.wait_for(bot.wait(), 30)
                    break
                # Kill it while it sends: after something new went out, at a random moment.
                await _wait_for(
                    lambda before=before: len(_delivered(record)) > before, 30, "a delivery"
                )
                await asyncio.sleep(rng.uniform(0.0, 0.4))
                bot.send_signal(signal.SIGKILL)
                await bot.wait()
                assert bot.returncode == -signal.SIGKILL
                kills += 1
            finally:
                if bot.returncode is None:
                    bot.kill()
                    await bot.wait()
        assert bot.stderr is not None
        errors = (await bot.stderr.read()).decode()
        assert bot.returncode == 0, errors[-2000:]
    finally:
        api.send_signal(signal.SIGTERM)
        await api.wait()

    delivered = Counter(_delivered(record))
    assert kills == KILLS
    assert set(delivered) == set(texts), "a notice was lost"
    # The README's promise: a kill repeats at most the one notice in flight at that moment.
    repeats = sum(count - 1 for count in delivered.values())
    print(f"{kills} kills, {len(texts)} notices, {repeats} delivered twice")
    # (Two kills in a row while the same notice is in flight repeat it twice: still one each.)
    assert repeats <= kills, delivered.most_common(3)
    assert _pending(database) == 0
    connection = sqlite3.connect(database)
    try:
        states = dict(connection.execute("SELECT state, COUNT(*) FROM outbox GROUP BY state"))
    finally:
        connection.close()
    assert states == {"sent": len(texts)}
