"""The persistent outbox (hộp thư đi): enqueue inside a caller's transaction, claim, settle."""

from __future__ import annotations

import json
from collections.abc import Collection
from datetime import datetime, timedelta
from typing import Any

import aiosqlite

from db.connection import Database
from db.dialect import POSTGRESQL
from db.models import OutboxMessage, instant_to_db

PENDING, SENT, DEAD = "pending", "sent", "dead"
#: On PostgreSQL (several instances) a claimed notice is not offered again for this long: the
#: instance sends it meanwhile, or dies and the claim lapses, and another instance sends it.
CLAIM_LEASE = timedelta(seconds=60)


#: A payload flag: a person asked for this message just now (a one-time code), so it leaves
#: even in the quiet hours (bot/outbox.py).
ASKED_NOW = "asked_now"


async def enqueue(
    conn: aiosqlite.Connection,
    *,
    key: str,
    channel: str,
    chat_id: str,
    payload: dict[str, Any],
    at: datetime,
) -> bool:
    """Add a message unless its dedupe key exists; call inside the causing transaction."""
    cursor = await conn.execute(
        "INSERT INTO outbox (dedupe_key, channel, chat_id, payload, next_attempt_at, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (dedupe_key) DO NOTHING",
        (
            key,
            channel,
            chat_id,
            json.dumps(payload, ensure_ascii=False),
            instant_to_db(at),
            instant_to_db(at),
        ),
    )
    return cursor.rowcount == 1


class OutboxRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def enqueue(
        self, *, key: str, channel: str, chat_id: str, payload: dict[str, Any], at: datetime
    ) -> bool:
        async with self.db.transaction() as conn:
            return await enqueue(
                conn, key=key, channel=channel, chat_id=chat_id, payload=payload, at=at
            )

    async def due(
        self, now: datetime, limit: int = 200, channels: Collection[str] | None = None
    ) -> list[OutboxMessage]:
        """The oldest pending message of each chat, when its time has come, oldest first.

        Only a chat's head is eligible: its notices arrive in order even when one waits for a
        retry, and a chat with hundreds of reminders cannot fill the batch while one message a
        second leaves for it, starving everyone else. Only `channels`, if given: messages of a
        channel nobody sends on would otherwise fill every batch too.
        """
        only = ""
        params: list[object] = []
        if channels is not None:
            only = f" AND channel IN ({', '.join('?' * len(channels))})"
            params += sorted(channels)
        heads = (
            "SELECT o.* FROM outbox o JOIN (SELECT MIN(id) AS id FROM outbox"
            " WHERE state = 'pending'" + only + " GROUP BY channel, chat_id) head"
            " ON o.id = head.id WHERE o.next_attempt_at <= ?"
            " ORDER BY o.next_attempt_at, o.id LIMIT ?"
        )
        params += [instant_to_db(now), limit]
        if self.db.dialect == POSTGRESQL:
            return await self._claim(heads, params, now)
        rows = await self.db.fetch_all(heads, params)
        return [OutboxMessage.from_row(row) for row in rows]

    async def _claim(self, heads: str, params: list[object], now: datetime) -> list[OutboxMessage]:
        """`due` for several instances: the rows are claimed (FOR UPDATE SKIP LOCKED, a row
        another instance is claiming is passed over) by moving them a lease ahead."""
        async with self.db.transaction() as conn:
            rows = await conn.execute_fetchall(heads + " FOR UPDATE OF o SKIP LOCKED", params)
            if rows:
                placeholders = ", ".join("?" * len(rows))
                await conn.execute(
                    f"UPDATE outbox SET next_attempt_at = ? WHERE id IN ({placeholders})",
                    (instant_to_db(now + CLAIM_LEASE), *(row["id"] for row in rows)),
                )
        return [OutboxMessage.from_row(row) for row in rows]

    async def release(self, messages: list[OutboxMessage]) -> None:
        """Give back claimed messages that were not sent (rate limits): due again at once."""
        if self.db.dialect != POSTGRESQL or not messages:
            return
        async with self.db.transaction() as conn:
            await conn.executemany(
                "UPDATE outbox SET next_attempt_at = ? WHERE id = ? AND state = 'pending'",
                [(instant_to_db(message.next_attempt_at), message.id) for message in messages],
            )

    async def next_attempt_at(self) -> datetime | None:
        row = await self.db.fetch_one(
            "SELECT MIN(next_attempt_at) FROM outbox WHERE state = 'pending'"
        )
        return datetime.fromisoformat(row[0]) if row and row[0] else None

    async def mark_sent(self, message_id: int, at: datetime) -> None:
        async with self.db.transaction() as conn:
            await conn.execute(
                "UPDATE outbox SET state = 'sent', sent_at = ?, attempts = attempts + 1,"
                " last_error = NULL WHERE id = ? AND state = 'pending'",
                (instant_to_db(at), message_id),
            )

    async def postpone(
        self, message_id: int, *, until: datetime, error: str, count_attempt: bool
    ) -> None:
        async with self.db.transaction() as conn:
            await conn.execute(
                "UPDATE outbox SET next_attempt_at = ?, last_error = ?,"
                " attempts = attempts + ? WHERE id = ? AND state = 'pending'",
                (instant_to_db(until), error[:500], int(count_attempt), message_id),
            )

    async def hold_chat(
        self, message_id: int, channel: str, chat_id: str, *, until: datetime, error: str
    ) -> None:
        """Flood control (429) holds the whole chat: all its pending messages wait until `until`.

        Kept in the table, so the wait survives a restart and the chat's notices keep their order.
        """
        stamp = instant_to_db(until)
        async with self.db.transaction() as conn:
            await conn.execute(
                "UPDATE outbox SET last_error = ? WHERE id = ? AND state = 'pending'",
                (error[:500], message_id),
            )
            await conn.execute(
                "UPDATE outbox SET next_attempt_at = ? WHERE channel = ? AND chat_id = ?"
                " AND state = 'pending' AND next_attempt_at < ?",
                (stamp, channel, chat_id, stamp),
            )

    async def mark_dead(self, message_id: int, error: str) -> None:
        async with self.db.transaction() as conn:
            await conn.execute(
                "UPDATE outbox SET state = 'dead', last_error = ?, attempts = attempts + 1"
                " WHERE id = ? AND state = 'pending'",
                (error[:500], message_id),
            )

    async def chat_blocked(self, channel: str, chat_id: str, at: datetime, error: str) -> None:
        """The person blocked the bot: stop following, drop what waits for them, remember it."""
        async with self.db.transaction() as conn:
            await conn.execute(
                "UPDATE follows SET active = 0 WHERE channel = ? AND chat_id = ?",
                (channel, chat_id),
            )
            await conn.execute(
                "UPDATE outbox SET state = 'dead', last_error = ?"
                " WHERE channel = ? AND chat_id = ? AND state = 'pending'",
                (error[:500], channel, chat_id),
            )
            await conn.execute(
                "INSERT INTO blocked_chats (channel, chat_id, blocked_at) VALUES (?, ?, ?)"
                " ON CONFLICT (channel, chat_id) DO UPDATE SET blocked_at = excluded.blocked_at",
                (channel, chat_id, instant_to_db(at)),
            )

    async def chat_unblocked(self, channel: str, chat_id: str) -> None:
        async with self.db.transaction() as conn:
            await conn.execute(
                "DELETE FROM blocked_chats WHERE channel = ? AND chat_id = ?", (channel, chat_id)
            )

    async def counts(self) -> dict[str, int]:
        rows = await self.db.fetch_all("SELECT state, COUNT(*) FROM outbox GROUP BY state")
        counts = {PENDING: 0, SENT: 0, DEAD: 0}
        counts.update({row[0]: int(row[1]) for row in rows})
        return counts

    async def last_errors(self, limit: int = 10) -> list[OutboxMessage]:
        rows = await self.db.fetch_all(
            "SELECT * FROM outbox WHERE last_error IS NOT NULL ORDER BY id DESC LIMIT ?",
            (limit,),
        )
        return [OutboxMessage.from_row(row) for row in rows]

    async def oldest_pending_created_at(self) -> datetime | None:
        row = await self.db.fetch_one("SELECT MIN(created_at) FROM outbox WHERE state = 'pending'")
        return datetime.fromisoformat(row[0]) if row and row[0] else None

    async def last_sent_at(self, channel: str) -> datetime | None:
        row = await self.db.fetch_one(
            "SELECT MAX(sent_at) FROM outbox WHERE channel = ? AND state = 'sent'", (channel,)
        )
        return datetime.fromisoformat(row[0]) if row and row[0] else None

    async def all_for_chat(self, channel: str, chat_id: str) -> list[OutboxMessage]:
        rows = await self.db.fetch_all(
            "SELECT * FROM outbox WHERE channel = ? AND chat_id = ? ORDER BY id",
            (channel, chat_id),
        )
        return [OutboxMessage.from_row(row) for row in rows]
