"""The outbox against Telegram's flood limits: 2,000 notices to 200 chats, in real time.

Ten status changes each notify the same 200 followers, as `change_status` enqueues them. The
dispatcher runs its production loop (`OutboxDispatcher.run`) with TelegramSender over
python-telegram-bot against the fake Bot API, which answers 429 (with retry_after) whenever
more than 30 messages arrive in a second overall or two reach one chat less than a second
apart. Figures: the sustained rate from the first accepted message to the last (target ≥ 25/s)
and the 429s received (target 0). It takes about 80 seconds.

The dispatcher runs with the default TDKT_SEND_RATE (28): its sliding window never lets more
than `rate` messages go in any second, so the sustained rate stays under it, and 28 leaves the
fake's limit of 30 a margin for requests that arrive bunched together.
"""

from __future__ import annotations

import asyncio
import json
import time
import urllib.request
from datetime import UTC, datetime
from typing import Any

from bench.data import WORK
from bench.fake_bot_api import ServerProcess
from bench.report import result
from bot.app import open_app
from bot.outbox import OutboxDispatcher
from bot.telegram_channel import TelegramSender, build_application
from config.settings import Settings

CHATS = 200
CHANGES = 10
TOKEN = "123456:BENCH-not-a-real-token"


def _stats(port: int) -> dict[str, Any]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/stats", timeout=10) as response:
        return json.loads(response.read())


async def run() -> list[dict[str, Any]]:
    WORK.mkdir(parents=True, exist_ok=True)
    path = WORK / "outbox.sqlite3"
    for old in WORK.glob("outbox.sqlite3*"):
        old.unlink()
    async with ServerProcess("--limits") as server:
        settings = Settings(  # type: ignore[call-arg]
            _env_file=None, database=path, telegram_base_url=server.base_url
        )
        app = await open_app(settings)
        now = datetime.now(UTC)
        for change in range(CHANGES):
            for chat in range(CHATS):
                await app.services.outbox.enqueue(
                    key=f"bench:{change}:{chat}",
                    channel="telegram",
                    chat_id=str(20_000 + chat),
                    payload={"text": f"Hồ sơ số {change} đã chuyển sang: Đang thẩm định"},
                    at=now,
                )
        application = build_application(app.core, TOKEN, base_url=server.base_url)
        await application.initialize()
        sender = TelegramSender(application, rate=settings.send_rate)
        # No quiet hours here: the figure must not depend on the hour the benchmark runs.
        dispatcher = OutboxDispatcher(app.services.outbox, {"telegram": sender}, app.services.clock)
        stop = asyncio.Event()
        task = asyncio.create_task(dispatcher.run(stop))
        total = CHATS * CHANGES
        deadline = time.monotonic() + total / 10
        try:
            while time.monotonic() < deadline:
                counts = await app.services.outbox.counts()
                if counts["pending"] == 0:
                    break
                await asyncio.sleep(0.5)
        finally:
            stop.set()
            await task
            await application.shutdown()
            counts = await app.services.outbox.counts()
            await app.close()
        stats = await asyncio.to_thread(_stats, server.port)
    accepted = stats["accepted_at"]
    if counts["sent"] != total or len(accepted) != total:
        raise AssertionError(f"sent {counts}, accepted {len(accepted)} of {total}")
    rate = (len(accepted) - 1) / (accepted[-1] - accepted[0])
    return [
        result(
            f"outbox: {total:,} notices to {CHATS} chats, default rate setting"
            f" ({settings.send_rate}), sustained rate",
            rate,
            "msg/s",
            "≥ 25",
            rate >= 25,
        ),
        result("outbox: 429 answers received", stats["too_many"], "", "0", stats["too_many"] == 0),
    ]


def main() -> list[dict[str, Any]]:
    return asyncio.run(run())


if __name__ == "__main__":
    from bench.report import table

    print(table(main()))
