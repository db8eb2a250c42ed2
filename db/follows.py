"""Followers (người theo dõi) of dossiers, and everything the bot keeps about one chat."""

from __future__ import annotations

from datetime import datetime

from db.connection import Database
from db.models import Follow, instant_to_db
from domain.statuses import Status


class FollowRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def for_chat(self, channel: str, chat_id: str) -> list[Follow]:
        rows = await self.db.fetch_all(
            "SELECT f.channel, f.chat_id, f.dossier_id, d.code, d.status"
            " FROM follows f JOIN dossiers d ON d.id = f.dossier_id"
            " WHERE f.channel = ? AND f.chat_id = ? AND f.active = 1 ORDER BY f.created_at",
            (channel, chat_id),
        )
        return [
            Follow(
                channel=row[0],
                chat_id=row[1],
                dossier_id=row[2],
                code=row[3],
                status=Status(row[4]),
            )
            for row in rows
        ]

    async def follow(
        self, *, channel: str, chat_id: str, dossier_id: int, now: datetime, limit: int
    ) -> str:
        """`added`, `already` or `full` (the chat already follows `limit` dossiers)."""
        async with self.db.transaction() as conn:
            async with conn.execute(
                "SELECT active FROM follows WHERE channel = ? AND chat_id = ? AND dossier_id = ?",
                (channel, chat_id, dossier_id),
            ) as cursor:
                row = await cursor.fetchone()
            if row is not None and row[0] == 1:
                return "already"
            async with conn.execute(
                "SELECT COUNT(*) FROM follows WHERE channel = ? AND chat_id = ? AND active = 1",
                (channel, chat_id),
            ) as cursor:
                count = (await cursor.fetchone())[0]
            if count >= limit:
                return "full"
            await conn.execute(
                "INSERT INTO follows (channel, chat_id, dossier_id, created_at, active)"
                " VALUES (?, ?, ?, ?, 1) ON CONFLICT (channel, chat_id, dossier_id)"
                " DO UPDATE SET active = 1, created_at = excluded.created_at",
                (channel, chat_id, dossier_id, instant_to_db(now)),
            )
            # A chat that follows is talking to us again: it no longer blocks the bot, and
            # a stale block would silently keep every notice from reaching it.
            await conn.execute(
                "DELETE FROM blocked_chats WHERE channel = ? AND chat_id = ?", (channel, chat_id)
            )
            return "added"

    async def unfollow(self, *, channel: str, chat_id: str, dossier_id: int) -> bool:
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "DELETE FROM follows WHERE channel = ? AND chat_id = ? AND dossier_id = ?",
                (channel, chat_id, dossier_id),
            )
            return cursor.rowcount > 0

    async def has_verified(self, channel: str, chat_id: str, code: str) -> bool:
        """Only a chat that proved the second factor for a dossier may follow it."""
        row = await self.db.fetch_one(
            "SELECT 1 FROM lookup_attempts WHERE channel = ? AND chat_id = ?"
            " AND dossier_code = ? AND succeeded = 1 LIMIT 1",
            (channel, chat_id, code),
        )
        return row is not None

    async def chat_summary(self, channel: str, chat_id: str) -> dict[str, int]:
        """Counts of what is stored about one chat, for /dulieucuatoi."""
        queries = {
            "follows": "SELECT COUNT(*) FROM follows WHERE channel = ? AND chat_id = ?",
            "attempts": "SELECT COUNT(*) FROM lookup_attempts WHERE channel = ? AND chat_id = ?",
            "pending": "SELECT COUNT(*) FROM outbox WHERE channel = ? AND chat_id = ?"
            " AND state = 'pending'",
            "conversations": "SELECT COUNT(*) FROM conversations WHERE channel = ? AND chat_id = ?",
        }
        result = {}
        for name, sql in queries.items():
            row = await self.db.fetch_one(sql, (channel, chat_id))
            result[name] = int(row[0]) if row else 0
        return result
