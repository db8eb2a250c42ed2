"""The console channel: the same bot on stdin/stdout, interactive or piped, no network.

Usage: `make run` with no token configured, or `python -m bot console`.
Choices are shown as numbered lines; images and documents are saved in a `console/` folder
beside the database (data/console/ for the demo), so a test's files stay in its own folder.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import threading
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import TextIO

from config.settings import ROOT
from domain.text import fold
from handlers.messages import Channel, Incoming, Reply, numbered
from handlers.router import BotCore
from handlers.texts import console as t
from handlers.texts import newuser as tn

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


async def read_line(stdin: TextIO) -> str:
    """One line of `stdin`, read in a daemon thread.

    Not in asyncio's default executor: a read blocked on a terminal or an open pipe would keep
    `asyncio.run` waiting for that thread at exit, so SIGTERM could not stop the process.
    """
    loop = asyncio.get_running_loop()
    done: asyncio.Future[str] = loop.create_future()

    def settle(line: str | None, error: BaseException | None) -> None:
        if done.done():
            return  # the reader was cancelled (stopping): the line is dropped
        if error is not None:
            done.set_exception(error)
        else:
            done.set_result(line or "")

    def read() -> None:
        line, error = None, None
        try:
            line = stdin.readline()
        except BaseException as exc:  # handed to the awaiting task, never lost in the thread
            error = exc
        with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
            loop.call_soon_threadsafe(settle, line, error)

    threading.Thread(target=read, name="console-stdin", daemon=True).start()
    return await done


async def run_console(
    core: BotCore,
    *,
    stdin: TextIO = sys.stdin,
    stdout: TextIO = sys.stdout,
    banner: list[str] | None = None,
    after_each: Callable[[], Awaitable[object]] | None = None,
    files_dir: Path = FILES_DIR,
    identities: Mapping[str, str] | None = None,
) -> None:
    """Read one message per line until end of input, printing each reply.

    `identities` (the demo only): `/vai ROLE` makes the console speak as that sender id, so
    the officer's, the leader's and the citizen's side can each be tried in this terminal."""
    sender_id = CHAT_ID
    interactive = stdin.isatty()
    for line in [t.BANNER, *(banner or [])]:
        print(line, file=stdout)
    print(file=stdout)
    while True:
        if interactive:
            print("> ", end="", file=stdout, flush=True)
        line = await read_line(stdin)
        if not line:
            break
        text = line.rstrip("\r\n")
        if not interactive:
            print(f"> {text}", file=stdout)
        if identities is not None and _is_role_command(text):
            sender_id, said = await _switch_role(core, identities, text, sender_id)
            print(f"{said}\n", file=stdout, flush=True)
            continue
        incoming = Incoming(
            channel=Channel.console, chat_id=CHAT_ID, sender_id=sender_id, text=text
        )
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


def _is_role_command(text: str) -> bool:
    head = text.strip().split(maxsplit=1)
    return bool(head) and fold(head[0].split("@", 1)[0]) == "/vai"


async def _switch_role(
    core: BotCore, identities: Mapping[str, str], text: str, current: str
) -> tuple[str, str]:
    """The sender id `/vai ROLE` chooses and what the console says about it; an open step
    is dropped (it belonged to the other role)."""
    _command, _, rest = text.strip().partition(" ")
    role = fold(rest).replace(" ", "")
    if role not in identities:
        if not role:
            return current, tn.ROLE_HINT
        return current, tn.ROLE_UNKNOWN.format(role=rest.strip()[:30], hint=tn.ROLE_HINT)
    await core.services.conversations.clear(Channel.console.value, CHAT_ID)
    await core.services.conversations.offer_choices(
        Channel.console.value, CHAT_ID, [], core.services.now()
    )
    sender_id = identities[role]
    member = await core.services.staff.by_user(Channel.console.value, sender_id)
    who = tn.ROLE_NAMES[role].format(name=member.name if member is not None else "")
    return sender_id, tn.ROLE_SWITCHED.format(who=who, tips=tn.ROLE_TIPS[role])
