"""Ratings after the result (đánh giá mức độ hài lòng): who to ask, the scores, the figures."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from db.connection import Database
from db.models import instant_to_db
from db.outbox import enqueue

#: Channels whose followers are chats the bot can write to.
CHAT_CHANNELS = ("telegram", "zalo", "console")


@dataclass(frozen=True, slots=True)
class RatingAsk:
    """A follower of a finished dossier who has not been asked yet."""

    dossier_id: int
    code: str
    channel: str
    chat_id: str


@dataclass(frozen=True, slots=True)
class KindSatisfaction:
    """Ratings given in a period for one award kind: how many, how many scored 4 or 5."""

    award_kind: str
    count: int
    satisfied: int


@dataclass(frozen=True, slots=True)
class RatingComment:
    code: str
    score: int
    comment: str
    rated_at: str


class RatingRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def to_ask(
        self, statuses: Collection[str], changed_since: datetime, limit: int = 500
    ) -> list[RatingAsk]:
        """Active followers of dossiers in `statuses` changed since then, never asked."""
        marks = ", ".join("?" for _ in statuses)
        channels = ", ".join("?" for _ in CHAT_CHANNELS)
        rows = await self.db.fetch_all(
            "SELECT d.id, d.code, f.channel, f.chat_id FROM follows f"
            " JOIN dossiers d ON d.id = f.dossier_id"
            f" WHERE f.active = 1 AND d.status IN ({marks}) AND d.updated_at >= ?"
            f" AND f.channel IN ({channels})"
            " AND NOT EXISTS (SELECT 1 FROM ratings r WHERE r.dossier_id = d.id"
            " AND r.channel = f.channel AND r.chat_id = f.chat_id)"
            " ORDER BY d.id, f.channel, f.chat_id LIMIT ?",
            (*statuses, instant_to_db(changed_since), *CHAT_CHANNELS, limit),
        )
        return [RatingAsk(int(r[0]), str(r[1]), str(r[2]), str(r[3])) for r in rows]

    async def record_asks(
        self, asks: Sequence[tuple[RatingAsk, dict[str, Any]]], now: datetime
    ) -> int:
        """Record each ask and enqueue its question in one transaction; a chat already asked
        (a second tick, another instance) gets nothing more. Returns the questions enqueued."""
        enqueued = 0
        async with self.db.transaction() as conn:
            for ask, payload in asks:
                cursor = await conn.execute(
                    "INSERT INTO ratings (dossier_id, channel, chat_id, asked_at)"
                    " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                    (ask.dossier_id, ask.channel, ask.chat_id, instant_to_db(now)),
                )
                if cursor.rowcount != 1:
                    continue
                enqueued += await enqueue(
                    conn,
                    key=f"rating:{ask.dossier_id}:{ask.channel}:{ask.chat_id}",
                    channel=ask.channel,
                    chat_id=ask.chat_id,
                    payload=payload,
                    at=now,
                )
        return enqueued

    async def dossier_ref(self, dossier_id: int) -> tuple[str, str] | None:
        """A dossier's code and status by its id (a rating button carries the id)."""
        row = await self.db.fetch_one(
            "SELECT code, status FROM dossiers WHERE id = ?", (dossier_id,)
        )
        return (str(row[0]), str(row[1])) if row else None

    async def was_asked(self, dossier_id: int, channel: str, chat_id: str) -> bool:
        row = await self.db.fetch_one(
            "SELECT 1 FROM ratings WHERE dossier_id = ? AND channel = ? AND chat_id = ?",
            (dossier_id, channel, chat_id),
        )
        return row is not None

    async def rate(
        self, dossier_id: int, channel: str, chat_id: str, score: int, now: datetime
    ) -> bool:
        """Store the chat's score unless it rated this dossier already; True when stored."""
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "INSERT INTO ratings (dossier_id, channel, chat_id, score, rated_at)"
                " VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT (dossier_id, channel, chat_id) DO UPDATE"
                " SET score = excluded.score, rated_at = excluded.rated_at"
                " WHERE ratings.score IS NULL",
                (dossier_id, channel, chat_id, score, instant_to_db(now)),
            )
            return cursor.rowcount == 1

    async def comment(self, dossier_id: int, channel: str, chat_id: str, text: str) -> bool:
        """The optional comment after a score; only once, only after the score."""
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE ratings SET comment = ? WHERE dossier_id = ? AND channel = ?"
                " AND chat_id = ? AND score IS NOT NULL AND comment IS NULL",
                (text, dossier_id, channel, chat_id),
            )
            return cursor.rowcount == 1

    async def satisfaction(self, start: datetime, end: datetime) -> list[KindSatisfaction]:
        """Per award kind, the scores given in [start, end)."""
        rows = await self.db.fetch_all(
            "SELECT d.award_kind, COUNT(*), SUM(CASE WHEN r.score >= 4 THEN 1 ELSE 0 END)"
            " FROM ratings r JOIN dossiers d ON d.id = r.dossier_id"
            " WHERE r.score IS NOT NULL AND r.rated_at >= ? AND r.rated_at < ?"
            " GROUP BY d.award_kind ORDER BY d.award_kind",
            (instant_to_db(start), instant_to_db(end)),
        )
        return [KindSatisfaction(str(r[0]), int(r[1]), int(r[2])) for r in rows]

    async def comments_since(self, since: datetime, limit: int = 10) -> list[RatingComment]:
        """The newest comments given since then, for the leaders' digest."""
        rows = await self.db.fetch_all(
            "SELECT d.code, r.score, r.comment, r.rated_at FROM ratings r"
            " JOIN dossiers d ON d.id = r.dossier_id"
            " WHERE r.comment IS NOT NULL AND r.rated_at >= ?"
            " ORDER BY r.rated_at DESC LIMIT ?",
            (instant_to_db(since), limit),
        )
        return [RatingComment(str(r[0]), int(r[1]), str(r[2]), str(r[3])) for r in rows]
