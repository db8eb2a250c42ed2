"""Delivers outbox notices to the console chat by printing them."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import datetime
from typing import Any, TextIO

from bot.outbox import PermanentError
from db.conversations import ConversationRepository
from handlers.messages import Channel, Choice, Reply, numbered
from handlers.services import Services
from handlers.texts import console as t


class ConsoleSender:
    channel = Channel.console.value
    per_chat_interval = 0.0
    rate = 1000.0

    def __init__(
        self,
        chat_id: str,
        stdout: TextIO = sys.stdout,
        *,
        conversations: ConversationRepository | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.chat_id = chat_id
        self.stdout = stdout
        self.conversations = conversations
        self.clock = clock

    async def send(self, chat_id: str, payload: dict[str, Any]) -> None:
        if chat_id != self.chat_id:
            raise PermanentError(f"no console chat {chat_id}")
        choices = tuple(Choice(label, data) for label, data in payload.get("choices", []))
        text = numbered(Reply(str(payload.get("text", "")), choices=choices))
        print(f"{t.NOTICE_PREFIX}\n{text}\n", file=self.stdout, flush=True)
        if choices and self.conversations is not None and self.clock is not None:
            # The numbers printed last are the notice's: `1` must mean its first line, as on
            # Zalo, unless the person is in the middle of a step, whose numbers they answer.
            if await self.conversations.get(self.channel, chat_id) is not None:
                return
            await self.conversations.offer_choices(
                self.channel,
                chat_id,
                [choice.payload for choice in choices],
                self.clock(),
                labels=[choice.label for choice in choices],
            )


def console_sender(services: Services, chat_id: str) -> ConsoleSender:
    """The console's sender, keeping a notice's numbered choices as the chat's current ones."""
    return ConsoleSender(chat_id, conversations=services.conversations, clock=services.clock)
