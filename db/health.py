"""What the health check reads beyond the outbox counts: the backlog of each channel."""

from __future__ import annotations

from datetime import datetime

from db.connection import Database
from db.models import instant_from_db


async def oldest_pending_by_channel(db: Database) -> dict[str, datetime]:
    """When the oldest pending outbox message of each channel was created."""
    rows = await db.fetch_all(
        "SELECT channel, MIN(created_at) FROM outbox WHERE state = 'pending' GROUP BY channel"
    )
    return {row[0]: instant_from_db(row[1]) for row in rows}
