"""Delivers outbox notices to the console chat by printing them."""

from __future__ import annotations

import sys
from typing import Any, TextIO

from bot.outbox import PermanentError
from handlers.messages import Channel, Choice, Reply, numbered
from handlers.texts import console as t


class ConsoleSender:
    channel = Channel.console.value
    per_chat_interval = 0.0
    rate = 1000.0

    def __init__(self, chat_id: str, stdout: TextIO = sys.stdout) -> None:
        self.chat_id = chat_id
        self.stdout = stdout

    async def send(self, chat_id: str, payload: dict[str, Any]) -> None:
        if chat_id != self.chat_id:
            raise PermanentError(f"no console chat {chat_id}")
        choices = tuple(Choice(label, data) for label, data in payload.get("choices", []))
        text = numbered(Reply(str(payload.get("text", "")), choices=choices))
        print(f"{t.NOTICE_PREFIX}\n{text}\n", file=self.stdout, flush=True)
