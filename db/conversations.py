"""Conversation state per chat, and the numbered choices offered where there are no buttons."""

from __future__ import annotations

import json
from datetime import datetime

import aiosqlite

from db.connection import Database
from db.models import Conversation, instant_to_db


class ConversationRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def get(self, channel: str, chat_id: str) -> Conversation | None:
        row = await self.db.fetch_one(
            "SELECT * FROM conversations WHERE channel = ? AND chat_id = ?", (channel, chat_id)
        )
        return Conversation.from_row(row) if row else None

    async def save(self, conversation: Conversation) -> None:
        async with self.db.transaction() as conn:
            await self.save_on(conn, conversation)

    async def save_on(self, conn: aiosqlite.Connection, conversation: Conversation) -> None:
        """`save` inside a transaction the caller holds open."""
        await conn.execute(
            "INSERT INTO conversations (channel, chat_id, flow, step, data, nonce, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (channel, chat_id) DO UPDATE SET flow = excluded.flow,"
            " step = excluded.step, data = excluded.data, nonce = excluded.nonce,"
            " updated_at = excluded.updated_at",
            (
                conversation.channel,
                conversation.chat_id,
                conversation.flow,
                conversation.step,
                json.dumps(conversation.data, ensure_ascii=False),
                conversation.nonce,
                instant_to_db(conversation.updated_at),
            ),
        )

    async def clear(self, channel: str, chat_id: str) -> None:
        async with self.db.transaction() as conn:
            await self.clear_on(conn, channel, chat_id)

    async def clear_on(self, conn: aiosqlite.Connection, channel: str, chat_id: str) -> None:
        """`clear` inside a transaction the caller holds open."""
        await conn.execute(
            "DELETE FROM conversations WHERE channel = ? AND chat_id = ?", (channel, chat_id)
        )

    async def offer_choices(
        self,
        channel: str,
        chat_id: str,
        payloads: list[str],
        at: datetime,
        labels: list[str] | None = None,
    ) -> None:
        """`labels` (one per payload) let an unknown reply show the same numbered lines again."""
        if not payloads and not await self.db.fetch_one(
            "SELECT 1 FROM offered_choices WHERE channel = ? AND chat_id = ?", (channel, chat_id)
        ):
            return  # most replies offer nothing to a chat that holds nothing: no write at all
        async with self.db.transaction() as conn:
            if payloads:
                await conn.execute(
                    "INSERT INTO offered_choices (channel, chat_id, payloads, offered_at)"
                    " VALUES (?, ?, ?, ?) ON CONFLICT (channel, chat_id) DO UPDATE SET"
                    " payloads = excluded.payloads, offered_at = excluded.offered_at",
                    (channel, chat_id, _stored(payloads, labels), instant_to_db(at)),
                )
            else:
                await conn.execute(
                    "DELETE FROM offered_choices WHERE channel = ? AND chat_id = ?",
                    (channel, chat_id),
                )

    async def offered_choices(self, channel: str, chat_id: str) -> list[str]:
        row = await self.db.fetch_one(
            "SELECT payloads FROM offered_choices WHERE channel = ? AND chat_id = ?",
            (channel, chat_id),
        )
        return [payload for payload, _label in _offered(row[0])] if row else []

    async def offered_with_labels(self, channel: str, chat_id: str) -> list[tuple[str, str]]:
        """(payload, label) of each choice offered; the label is "" when none was kept."""
        row = await self.db.fetch_one(
            "SELECT payloads FROM offered_choices WHERE channel = ? AND chat_id = ?",
            (channel, chat_id),
        )
        return _offered(row[0]) if row else []


def _stored(payloads: list[str], labels: list[str] | None) -> str:
    if labels is None or len(labels) != len(payloads):
        return json.dumps(payloads)
    return json.dumps([[p, label] for p, label in zip(payloads, labels, strict=True)])


def _offered(raw: str) -> list[tuple[str, str]]:
    """Rows written before labels were kept hold a plain list of payloads."""
    return [(item, "") if isinstance(item, str) else (item[0], item[1]) for item in json.loads(raw)]
