"""A local fake Telegram Bot API on 127.0.0.1 for benchmarks and the crash test.

It speaks plain HTTP/1.1 with keep-alive (a small asyncio server, no framework, so that the
fake costs little next to the bot it measures) and answers getMe, sendMessage, getUpdates and
the housekeeping calls with the Bot API's JSON. It can wait `delay` seconds before every answer
(the real API seen from far away), enforce Telegram's flood limits by answering 429 with
`retry_after` when more than `overall_rate` messages in a second, or more than one message per
`per_chat_interval` to one chat, arrive, and append every accepted message to a file.

Run it alone: `python -m bench.fake_bot_api [--delay S] [--limits] [--record FILE]`; it prints
`PORT <n>` when it listens and serves until SIGTERM. `GET /stats` returns its counters.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import re
import signal
import sys
import time
from collections import deque
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

BOT_USER = {
    "id": 7000000001,
    "is_bot": True,
    "first_name": "TĐKT Bench",
    "username": "tdkt_bench_bot",
    "can_join_groups": False,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}
_METHOD_RE = re.compile(r"^/bot[^/]+/(\w+)")
_TEXT_METHODS = frozenset({"sendMessage", "sendPhoto", "sendDocument"})


class FakeBotApi:
    """The server; `start()` returns the port. Counters are in `stats`."""

    def __init__(
        self,
        *,
        delay: float = 0.0,
        overall_rate: int | None = None,
        per_chat_interval: float | None = None,
        record: Path | None = None,
    ) -> None:
        self.delay = delay
        self.overall_rate = overall_rate
        self.per_chat_interval = per_chat_interval
        self.record = record.open("a", encoding="utf-8") if record else None
        self.stats: dict[str, int] = {"requests": 0, "accepted": 0, "too_many": 0}
        self.accepted_at: list[float] = []
        self.updates: list[dict[str, Any]] = []
        self._new_update = asyncio.Event()
        self._recent: deque[float] = deque()
        self._last_by_chat: dict[str, float] = {}
        self._message_id = 0
        self._server: asyncio.Server | None = None
        self._connections: set[asyncio.StreamWriter] = set()

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> int:
        self._server = await asyncio.start_server(self._serve, host, port, backlog=1024)
        return int(self._server.sockets[0].getsockname()[1])

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
            for writer in list(self._connections):
                writer.close()
            with contextlib.suppress(Exception):
                await self._server.wait_closed()
        if self.record is not None:
            self.record.close()

    def push_update(self, update: dict[str, Any]) -> None:
        self.updates.append(update)
        self._new_update.set()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._connections.add(writer)
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                _verb, target, _version = lines[0].split(" ", 2)
                headers = {}
                for line in lines[1:]:
                    name, sep, value = line.partition(":")
                    if sep:
                        headers[name.strip().lower()] = value.strip()
                length = int(headers.get("content-length", "0") or 0)
                body = await reader.readexactly(length) if length else b""
                status, payload = await self.answer(target, headers.get("content-type", ""), body)
                data = json.dumps(payload, ensure_ascii=False).encode()
                reason = {200: "OK", 400: "Bad Request", 404: "Not Found", 429: "Too Many"}
                writer.write(
                    b"HTTP/1.1 %d %s\r\nContent-Type: application/json\r\n"
                    b"Content-Length: %d\r\n\r\n"
                    % (status, reason[status].encode(), len(data))
                    + data
                )
                await writer.drain()
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
            pass
        finally:
            self._connections.discard(writer)
            writer.close()

    async def answer(self, target: str, content_type: str, body: bytes) -> tuple[int, Any]:
        """The status and JSON for one request."""
        self.stats["requests"] += 1
        if target.startswith("/stats"):
            return 200, {**self.stats, "accepted_at": self.accepted_at}
        match = _METHOD_RE.match(target)
        if match is None:
            return 404, {"ok": False, "error_code": 404, "description": "Not Found"}
        method = match.group(1)
        self.stats[method] = self.stats.get(method, 0) + 1
        params = _params(content_type, body)
        if self.delay:
            await asyncio.sleep(self.delay)
        if method == "getMe":
            return 200, {"ok": True, "result": BOT_USER}
        if method == "getUpdates":
            return 200, {"ok": True, "result": await self._updates(params)}
        if method in _TEXT_METHODS:
            return self._send(method, params)
        return 200, {"ok": True, "result": True}

    def _send(self, method: str, params: dict[str, str]) -> tuple[int, Any]:
        chat_id = str(params.get("chat_id", "0"))
        now = time.monotonic()
        wait = self._flood_wait(chat_id, now)
        if wait:
            self.stats["too_many"] += 1
            return 429, {
                "ok": False,
                "error_code": 429,
                "description": f"Too Many Requests: retry after {wait}",
                "parameters": {"retry_after": wait},
            }
        self._recent.append(now)
        self._last_by_chat[chat_id] = now
        self._message_id += 1
        self.stats["accepted"] += 1
        self.accepted_at.append(now)
        text = params.get("text") or params.get("caption") or ""
        if self.record is not None:
            self.record.write(json.dumps({"chat_id": chat_id, "text": text}) + "\n")
            self.record.flush()
        message: dict[str, Any] = {
            "message_id": self._message_id,
            "from": BOT_USER,
            "chat": {"id": int(chat_id) if chat_id.lstrip("-").isdigit() else 0, "type": "private"},
            "date": int(time.time()),
        }
        if method == "sendMessage":
            message["text"] = text
        return 200, {"ok": True, "result": message}

    def _flood_wait(self, chat_id: str, now: float) -> int:
        """Seconds to wait when this message breaks a flood limit, else 0."""
        if self.overall_rate is not None:
            while self._recent and self._recent[0] <= now - 1.0:
                self._recent.popleft()
            if len(self._recent) >= self.overall_rate:
                return 1
        if self.per_chat_interval is not None:
            last = self._last_by_chat.get(chat_id)
            if last is not None and now - last < self.per_chat_interval:
                return 1
        return 0

    async def _updates(self, params: dict[str, str]) -> list[dict[str, Any]]:
        offset = int(params.get("offset", "0") or 0)
        timeout = min(float(params.get("timeout", "0") or 0), 30.0)
        deadline = time.monotonic() + timeout
        while True:
            pending = [u for u in self.updates if u["update_id"] >= offset]
            if pending or time.monotonic() >= deadline:
                self.updates = pending
                return pending[:100]
            self._new_update.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._new_update.wait(), deadline - time.monotonic())


def _params(content_type: str, body: bytes) -> dict[str, str]:
    """python-telegram-bot posts form fields (JSON-encoded values), or multipart with files."""
    if not body:
        return {}
    if content_type.startswith("application/json"):
        return {key: str(value) for key, value in json.loads(body).items()}
    if content_type.startswith("multipart/form-data"):
        fields = {}
        for name, value in re.findall(rb'name="(\w+)"\r\n\r\n([^\r]*)\r\n', body):
            fields[name.decode()] = value.decode("utf-8", "replace")
        return fields
    return dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))


async def _main(args: argparse.Namespace) -> None:
    api = FakeBotApi(
        delay=args.delay,
        overall_rate=30 if args.limits else None,
        per_chat_interval=1.0 if args.limits else None,
        record=args.record,
    )
    port = await api.start(port=args.port)
    print(f"PORT {port}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    await stop.wait()
    await api.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--delay", type=float, default=0.0, help="seconds before every answer")
    parser.add_argument("--limits", action="store_true", help="429 above 30/s or 1/s per chat")
    parser.add_argument("--record", type=Path, help="append every accepted message here")
    asyncio.run(_main(parser.parse_args(argv)))
    return 0


class ServerProcess:
    """The fake API in a child process (so it does not share the measured process's CPU)."""

    def __init__(self, *args: str) -> None:
        self.args = args
        self.process: asyncio.subprocess.Process | None = None
        self.port = 0

    async def __aenter__(self) -> ServerProcess:
        self.process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bench.fake_bot_api", *self.args, stdout=asyncio.subprocess.PIPE
        )
        assert self.process.stdout is not None
        line = await asyncio.wait_for(self.process.stdout.readline(), 30)
        self.port = int(line.split()[1])
        return self

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    async def __aexit__(self, *_exc: object) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.terminate()
            await self.process.wait()


if __name__ == "__main__":
    sys.exit(main())
