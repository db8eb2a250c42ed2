"""Files served by URL under an unguessable token (Zalo's sendPhoto takes a URL, not bytes)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from db.connection import Database
from db.models import instant_to_db


@dataclass(frozen=True, slots=True)
class PublicFile:
    name: str
    mime_type: str
    content: bytes


class PublicFileRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def store(
        self,
        *,
        token: str,
        name: str,
        mime_type: str,
        content: bytes,
        at: datetime,
        expires_at: datetime,
        channel: str | None = None,
        chat_id: str | None = None,
    ) -> None:
        """`channel`/`chat_id`: the chat the file was sent to, whose erasure removes it."""
        async with self.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO public_files"
                " (token, name, mime_type, content, created_at, expires_at, channel, chat_id)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    token,
                    name,
                    mime_type,
                    content,
                    instant_to_db(at),
                    instant_to_db(expires_at),
                    channel,
                    chat_id,
                ),
            )

    async def get(self, token: str, now: datetime) -> PublicFile | None:
        """The file, unless unknown or expired."""
        row = await self.db.fetch_one(
            "SELECT name, mime_type, content FROM public_files WHERE token = ? AND expires_at > ?",
            (token, instant_to_db(now)),
        )
        return PublicFile(name=row[0], mime_type=row[1], content=bytes(row[2])) if row else None

    async def prune(self, now: datetime) -> int:
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "DELETE FROM public_files WHERE expires_at <= ?", (instant_to_db(now),)
            )
            return cursor.rowcount
