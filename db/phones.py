"""Encrypted full phone numbers for ZNS notices (số điện thoại đầy đủ, chỉ khi bật ZNS) and
the OA token pair that sends them."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiosqlite

from db.connection import Database
from db.models import instant_from_db, instant_to_db
from db.outbox import enqueue

#: The outbox channel of phone notices; its chat id is the dossier's id, never the number.
ZNS_CHANNEL = "zns"


async def store_phones(
    conn: aiosqlite.Connection, rows: Sequence[tuple[str, bytes]], stamp: str
) -> None:
    """Keep `(dossier code, encrypted phone)` pairs; call inside the import's transaction."""
    await conn.executemany(
        "INSERT INTO dossier_phones (dossier_id, phone_enc, stored_at)"
        " SELECT id, ?, ? FROM dossiers WHERE code = ?"
        " ON CONFLICT (dossier_id) DO UPDATE SET"
        " phone_enc = excluded.phone_enc, stored_at = excluded.stored_at",
        [(token, stamp, code) for code, token in rows],
    )


async def has_phone(conn: aiosqlite.Connection, dossier_id: int) -> bool:
    """Whether a full number is kept for the dossier (phone notices are on for it)."""
    async with conn.execute(
        "SELECT 1 FROM dossier_phones WHERE dossier_id = ?", (dossier_id,)
    ) as cursor:
        return await cursor.fetchone() is not None


async def enqueue_phone_notice(
    conn: aiosqlite.Connection,
    *,
    dossier_id: int,
    entry_id: int,
    payload: Callable[[], dict[str, Any]],
    at: datetime,
) -> bool:
    """A ZNS notice of this status change when a phone is kept for the dossier."""
    if not await has_phone(conn, dossier_id):
        return False
    return await enqueue(
        conn,
        key=f"status:{dossier_id}:{entry_id}:{ZNS_CHANNEL}",
        channel=ZNS_CHANNEL,
        chat_id=str(dossier_id),
        payload=payload(),
        at=at,
    )


class PhoneRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def encrypted(self, dossier_id: int) -> tuple[str, bytes] | None:
        """The dossier's code (what the number is bound to) and its encrypted number."""
        row = await self.db.fetch_one(
            "SELECT d.code, p.phone_enc FROM dossier_phones p JOIN dossiers d ON d.id ="
            " p.dossier_id WHERE p.dossier_id = ?",
            (dossier_id,),
        )
        return (str(row[0]), bytes(row[1])) if row else None

    async def count(self) -> int:
        row = await self.db.fetch_one("SELECT COUNT(*) FROM dossier_phones")
        return int(row[0]) if row else 0

    async def erase_all(self) -> int:
        """Phone notices were turned off: nothing justifies keeping a full number."""
        async with self.db.transaction() as conn:
            cursor = await conn.execute("DELETE FROM dossier_phones")
            return cursor.rowcount

    async def erase_finished(
        self,
        statuses: Collection[str],
        finished_before: datetime,
        waiting_since: datetime | None = None,
    ) -> int:
        """Erase the numbers of dossiers in `statuses` whose last change is before the cutoff,
        except while a phone notice queued after `waiting_since` is still pending for it:
        the last notice (the result) is sent or dead first, then the number goes."""
        marks = ",".join("?" * len(statuses))
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "DELETE FROM dossier_phones WHERE dossier_id IN ("
                f" SELECT d.id FROM dossiers d WHERE d.status IN ({marks})"
                " AND (SELECT MAX(h.changed_at) FROM dossier_history h"
                " WHERE h.dossier_id = d.id) < ?"
                " AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.channel = ?"
                " AND o.chat_id = CAST(d.id AS TEXT) AND o.state = 'pending'"
                " AND o.created_at >= ?))",
                (
                    *statuses,
                    instant_to_db(finished_before),
                    ZNS_CHANNEL,
                    instant_to_db(waiting_since or finished_before),
                ),
            )
            return cursor.rowcount


@dataclass(frozen=True)
class StoredTokens:
    access_enc: bytes
    refresh_enc: bytes
    expires_at: datetime
    seed: str


class ZnsTokenRepository:
    """The one stored OA token pair; replaced whole, in one write, after every refresh."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def get(self) -> StoredTokens | None:
        row = await self.db.fetch_one(
            "SELECT access_enc, refresh_enc, expires_at, seed FROM zns_tokens WHERE id = 1"
        )
        if row is None:
            return None
        return StoredTokens(bytes(row[0]), bytes(row[1]), instant_from_db(row[2]), str(row[3]))

    async def save(self, tokens: StoredTokens, now: datetime) -> None:
        async with self.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO zns_tokens (id, access_enc, refresh_enc, expires_at, seed,"
                " refreshed_at) VALUES (1, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET"
                " access_enc = excluded.access_enc, refresh_enc = excluded.refresh_enc,"
                " expires_at = excluded.expires_at, seed = excluded.seed,"
                " refreshed_at = excluded.refreshed_at",
                (
                    tokens.access_enc,
                    tokens.refresh_enc,
                    instant_to_db(tokens.expires_at),
                    tokens.seed,
                    instant_to_db(now),
                ),
            )
