"""The console channel: the same bot on stdin/stdout, interactive or piped, no network.

Usage: `make run` with no token configured, or `python -m bot console`.
Choices are shown as numbered lines; images and documents are saved in a `console/` folder
beside the database (data/console/ for the demo), so a test's files stay in its own folder.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TextIO

from config.settings import ROOT
from handlers.messages import Channel, Incoming, Reply, numbered
from handlers.router import BotCore
from handlers.texts import console as t

CHAT_ID = "local"
FILES_DIR = ROOT / "data" / "console"


def render(reply: Reply, files_dir: Path = FILES_DIR) -> str:
    """A reply as the console prints it."""
    parts = [numbered(reply)]
    for content, name, template in (
        (reply.image, reply.image_name, t.IMAGE_SAVED),
        (reply.document, reply.document_name, t.DOCUMENT_SAVED),
    ):
        if content is not None:
            files_dir.mkdir(parents=True, exist_ok=True)
            path = files_dir / Path(name).name
            path.write_bytes(content)
            parts.append(template.format(path=path))
    return "\n".join(parts)


async def run_console(
    core: BotCore,
    *,
    stdin: TextIO = sys.stdin,
    stdout: TextIO = sys.stdout,
    banner: list[str] | None = None,
    after_each: Callable[[], Awaitable[object]] | None = None,
    files_dir: Path = FILES_DIR,
) -> None:
    """Read one message per line until end of input, printing each reply."""
    interactive = stdin.isatty()
    for line in [t.BANNER, *(banner or [])]:
        print(line, file=stdout)
    print(file=stdout)
    while True:
        if interactive:
            print("> ", end="", file=stdout, flush=True)
        line = await asyncio.to_thread(stdin.readline)
        if not line:
            break
        text = line.rstrip("\r\n")
        if not interactive:
            print(f"> {text}", file=stdout)
        incoming = Incoming(channel=Channel.console, chat_id=CHAT_ID, sender_id=CHAT_ID, text=text)
        working = await core.progress(incoming)
        if working is not None:
            print(working, file=stdout, flush=True)
        replies = await core.handle(incoming)
        for reply in replies:
            print(render(reply, files_dir), file=stdout)
            print(file=stdout, flush=True)
        if after_each is not None:
            # Notices caused by this message (a status change the console user follows).
            await after_each()
