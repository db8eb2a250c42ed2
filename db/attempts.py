"""Lookup attempts (lần tra cứu) per chat and per dossier, for the second-factor cooldown."""

from __future__ import annotations

from datetime import datetime

from db.connection import Database
from db.models import instant_to_db


class LookupAttemptRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def record(
        self,
        *,
        channel: str,
        chat_id: str,
        dossier_code: str,
        at: datetime,
        succeeded: bool,
        end_conversation: bool = False,
    ) -> None:
        """Count the attempt; `end_conversation` also closes the chat's lookup in one write."""
        async with self.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO lookup_attempts"
                " (channel, chat_id, dossier_code, attempted_at, succeeded)"
                " VALUES (?, ?, ?, ?, ?)",
                (channel, chat_id, dossier_code, instant_to_db(at), int(succeeded)),
            )
            if end_conversation:
                await conn.execute(
                    "DELETE FROM conversations WHERE channel = ? AND chat_id = ?",
                    (channel, chat_id),
                )

    async def failures_for_chat(self, channel: str, chat_id: str, since: datetime) -> int:
        row = await self.db.fetch_one(
            "SELECT COUNT(*) FROM lookup_attempts WHERE channel = ? AND chat_id = ?"
            " AND attempted_at >= ? AND succeeded = 0",
            (channel, chat_id, instant_to_db(since)),
        )
        return int(row[0]) if row else 0

    async def failures_for_dossier(self, dossier_code: str, since: datetime) -> int:
        row = await self.db.fetch_one(
            "SELECT COUNT(*) FROM lookup_attempts WHERE dossier_code = ?"
            " AND attempted_at >= ? AND succeeded = 0",
            (dossier_code, instant_to_db(since)),
        )
        return int(row[0]) if row else 0

    async def failure_times(
        self,
        since: datetime,
        *,
        channel: str | None = None,
        chat_id: str | None = None,
        dossier_code: str | None = None,
    ) -> list[datetime]:
        """Failed attempts since `since`, oldest first, of one chat or of one dossier."""
        if dossier_code is not None:
            where, params = "dossier_code = ?", (dossier_code,)
        else:
            where, params = "channel = ? AND chat_id = ?", (channel, chat_id)
        rows = await self.db.fetch_all(
            f"SELECT attempted_at FROM lookup_attempts WHERE {where}"
            " AND attempted_at >= ? AND succeeded = 0 ORDER BY attempted_at",
            (*params, instant_to_db(since)),
        )
        return [datetime.fromisoformat(row[0]) for row in rows]

    async def recent_failures(
        self, since: datetime, *, channel: str, chat_id: str, dossier_code: str
    ) -> tuple[list[datetime], list[datetime]]:
        """`failure_times` of the chat and of the dossier, in one query (the lookup's hot path)."""
        stamp = instant_to_db(since)
        rows = await self.db.fetch_all(
            "SELECT 0, attempted_at FROM lookup_attempts WHERE channel = ? AND chat_id = ?"
            " AND attempted_at >= ? AND succeeded = 0"
            " UNION ALL SELECT 1, attempted_at FROM lookup_attempts WHERE dossier_code = ?"
            " AND attempted_at >= ? AND succeeded = 0 ORDER BY 2",
            (channel, chat_id, stamp, dossier_code, stamp),
        )
        by_chat = [datetime.fromisoformat(row[1]) for row in rows if row[0] == 0]
        by_dossier = [datetime.fromisoformat(row[1]) for row in rows if row[0] == 1]
        return by_chat, by_dossier

    async def oldest_failure_since(
        self, *, channel: str, chat_id: str, dossier_code: str, since: datetime
    ) -> datetime | None:
        """When the current cooldown window started, to tell the user how long to wait."""
        row = await self.db.fetch_one(
            "SELECT MIN(attempted_at) FROM lookup_attempts WHERE succeeded = 0"
            " AND attempted_at >= ? AND ((channel = ? AND chat_id = ?) OR dossier_code = ?)",
            (instant_to_db(since), channel, chat_id, dossier_code),
        )
        return datetime.fromisoformat(row[0]) if row and row[0] else None
