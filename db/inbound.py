"""Updates received from the channels (webhooks, Zalo's long poll): dedupe and resume."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from db.connection import Database
from db.models import instant_from_db, instant_to_db


@dataclass(frozen=True, slots=True)
class InboundUpdate:
    """An update taken in but not handled yet (the process stopped in between)."""

    channel: str
    update_id: str
    body: dict[str, Any]
    received_at: datetime


class InboundRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def accept(
        self, channel: str, update_id: str, body: dict[str, Any], at: datetime
    ) -> bool:
        """Keep the update unless its id was seen before; False means a redelivery."""
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "INSERT INTO inbound_updates (channel, update_id, body, received_at)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (channel, update_id) DO NOTHING",
                (channel, update_id, json.dumps(body, ensure_ascii=False), instant_to_db(at)),
            )
            return cursor.rowcount == 1

    async def mark_handled(self, channel: str, update_id: str, at: datetime) -> None:
        """Handled: forget the body (it may hold personal data), keep the id for dedupe."""
        async with self.db.transaction() as conn:
            await conn.execute(
                "UPDATE inbound_updates SET handled_at = ?, body = NULL"
                " WHERE channel = ? AND update_id = ?",
                (instant_to_db(at), channel, update_id),
            )

    async def unhandled(self, channel: str, since: datetime) -> list[InboundUpdate]:
        """Updates received since `since` and not handled, oldest first."""
        rows = await self.db.fetch_all(
            "SELECT channel, update_id, body, received_at FROM inbound_updates"
            " WHERE channel = ? AND handled_at IS NULL AND body IS NOT NULL"
            " AND received_at >= ? ORDER BY received_at, rowid",
            (channel, instant_to_db(since)),
        )
        return [
            InboundUpdate(
                channel=row[0],
                update_id=row[1],
                body=json.loads(row[2]),
                received_at=instant_from_db(row[3]),
            )
            for row in rows
        ]

    async def is_handled(self, channel: str, update_id: str) -> bool:
        row = await self.db.fetch_one(
            "SELECT handled_at FROM inbound_updates WHERE channel = ? AND update_id = ?",
            (channel, update_id),
        )
        return row is not None and row[0] is not None

    async def prune(self, *, forget_before: datetime, give_up_before: datetime) -> int:
        """Drop ids older than `forget_before`; drop bodies never handled before `give_up_before`.

        Returns how many rows were deleted.
        """
        async with self.db.transaction() as conn:
            await conn.execute(
                "UPDATE inbound_updates SET body = NULL"
                " WHERE handled_at IS NULL AND body IS NOT NULL AND received_at < ?",
                (instant_to_db(give_up_before),),
            )
            cursor = await conn.execute(
                "DELETE FROM inbound_updates WHERE received_at < ?",
                (instant_to_db(forget_before),),
            )
            return cursor.rowcount
