"""Peak resident memory of the bot holding 1,000,000 dossiers (target ≤ 150 MB).

A child process is the bot as it runs in production: the database of a million dossiers
opened and migrated, the full router, python-telegram-bot's Application on aiohttp with the
per-chat update processor, and the outbox dispatcher running beside it. It answers 10,000
lookup updates from 1,000 chats through the fake Bot API (in another process, not counted),
fed as getUpdates would deliver them, then reports its own peak resident set size (VmHWM; see
`peak_rss_kb` for why not ru_maxrss): what the machine must have.
"""

from __future__ import annotations

import asyncio
import json
import resource
import subprocess
import sys
from pathlib import Path
from typing import Any

from bench.data import NOW, database, fresh_copy
from bench.report import result

DOSSIERS = 1_000_000
UPDATES = 10_000
CHATS = 1_000
BACKLOG = 200
TARGET_MB = 150


async def _bot(path: Path) -> dict[str, Any]:
    from bench import bench_telegram as telegram
    from bench.fake_bot_api import ServerProcess
    from bot.outbox import OutboxDispatcher
    from bot.telegram_channel import TelegramSender

    telegram.DOSSIERS = DOSSIERS
    async with ServerProcess() as server:
        replies = telegram.Replies()
        application, close = await telegram.lookup_bot(server.base_url, replies, path)
        await application.initialize()
        await application.start()
        app = application.bot_data["app"]
        stop = asyncio.Event()
        dispatcher = OutboxDispatcher(
            app.services.outbox, {"telegram": TelegramSender(application, rate=25)}, lambda: NOW
        )
        dispatcher_task = asyncio.create_task(dispatcher.run(stop))
        traffic = telegram.Traffic(CHATS)
        try:
            for number in range(UPDATES):
                chat = number % CHATS
                replies.arrive(10_000 + chat)
                await application.update_queue.put(
                    telegram.Update.de_json(traffic.next_for(chat), application.bot)
                )
                # Updates arrive as getUpdates delivers them, at most 100 at a time.
                if number % 100 == 99:
                    await replies.wait_for(number + 1 - BACKLOG, 300)
            await replies.wait_for(UPDATES, 300)
        finally:
            stop.set()
            await dispatcher_task
            await application.stop()
            await application.shutdown()
            await close()
    return {"replies": replies.done}


def peak_rss_kb() -> int:
    """This process's peak resident set size, in kilobytes.

    VmHWM where Linux has it: ru_maxrss of a child started from a big parent keeps the
    parent's high-water mark across fork and exec (`make bench` parses a million rows in
    process before this), so it would report the parent's size, not the bot's.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kilobytes on Linux


def child(path: Path) -> None:
    """The measured process: serve the lookups, then print the peak RSS as JSON."""
    outcome = asyncio.run(_bot(path))
    print(json.dumps({**outcome, "peak_mb": peak_rss_kb() / 1024}))


def main() -> list[dict[str, Any]]:
    path = fresh_copy(database(DOSSIERS), "memory")
    completed = subprocess.run(
        [sys.executable, "-m", "bench.bench_memory", "--child", str(path)],
        check=True,
        capture_output=True,
        text=True,
    )
    figures = json.loads(completed.stdout.strip().splitlines()[-1])
    if figures["replies"] != UPDATES:
        raise AssertionError(f"the bot answered {figures['replies']} of {UPDATES} updates")
    peak = figures["peak_mb"]
    return [
        result(
            "memory: bot on 1M dossiers, peak RSS",
            peak,
            "MB",
            f"≤ {TARGET_MB}",
            peak <= TARGET_MB,
        )
    ]


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        child(Path(sys.argv[2]))
    else:
        from bench.report import table

        print(table(main()))
