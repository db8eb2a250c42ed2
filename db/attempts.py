"""Lookup attempts (lần tra cứu) per chat and per dossier, for the second-factor cooldown."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiosqlite

from db.connection import Database
from db.models import instant_to_db

#: The open connection of `Database.transaction()`, for reads and writes that must be atomic.
Transaction = aiosqlite.Connection


@dataclass(frozen=True, slots=True)
class GuessState:
    """What the second-factor policy needs, read inside the check's own write transaction."""

    #: The chat proved this dossier's digits before.
    proven: bool
    #: Strangers' failures on this dossier in the window, and the latest of them.
    dossier_failures: int
    dossier_last: datetime | None
    #: The budget-th newest strangers' failure on the channel in the window, if there are so many.
    channel_full_at: datetime | None


@dataclass(frozen=True, slots=True)
class ProbeState:
    """The chat's "found"/"not found" answers in the window."""

    #: Each distinct code answered, with its latest answer, oldest first.
    codes: list[tuple[str, datetime]]
    #: The "not found" answers, newest first (at most the burst limit).
    not_found: list[datetime]


async def _rows(conn: Transaction, sql: str, params: tuple[Any, ...]) -> list[Any]:
    return list(await conn.execute_fetchall(sql, params))


class LookupAttemptRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def chat_failures(
        self, conn: Transaction, *, channel: str, chat_id: str, since: datetime, limit: int
    ) -> list[datetime]:
        """The chat's latest wrong digits since `since`, newest first, at most `limit`."""
        rows = await _rows(
            conn,
            "SELECT attempted_at FROM lookup_attempts WHERE channel = ? AND chat_id = ?"
            " AND attempted_at > ? AND succeeded = 0 ORDER BY attempted_at DESC LIMIT ?",
            (channel, chat_id, instant_to_db(since), limit),
        )
        return [datetime.fromisoformat(row[0]) for row in rows]

    async def guess_state(
        self,
        conn: Transaction,
        *,
        channel: str,
        chat_id: str,
        dossier_code: str,
        since: datetime,
        channel_budget: int,
    ) -> GuessState:
        """Read on the open transaction `conn`, so the check and its record cannot interleave."""
        stamp = instant_to_db(since)
        proven = await _rows(
            conn,
            "SELECT 1 FROM lookup_attempts WHERE channel = ? AND chat_id = ?"
            " AND dossier_code = ? AND succeeded = 1 LIMIT 1",
            (channel, chat_id, dossier_code),
        )
        dossier = await _rows(
            conn,
            "SELECT COUNT(*), MAX(attempted_at) FROM lookup_attempts WHERE dossier_code = ?"
            " AND attempted_at > ? AND succeeded = 0 AND proven = 0",
            (dossier_code, stamp),
        )
        budget = await _rows(
            conn,
            "SELECT attempted_at FROM lookup_attempts WHERE channel = ? AND attempted_at > ?"
            " AND succeeded = 0 AND proven = 0 ORDER BY attempted_at DESC LIMIT 1 OFFSET ?",
            (channel, stamp, channel_budget - 1),
        )
        return GuessState(
            proven=bool(proven),
            dossier_failures=int(dossier[0][0]),
            dossier_last=datetime.fromisoformat(dossier[0][1]) if dossier[0][1] else None,
            channel_full_at=datetime.fromisoformat(budget[0][0]) if budget else None,
        )

    async def record_on(
        self,
        conn: Transaction,
        *,
        channel: str,
        chat_id: str,
        dossier_code: str,
        at: datetime,
        succeeded: bool,
        proven: bool,
        end_conversation: bool,
    ) -> None:
        """The attempt, on the transaction that checked it; a success also ends the lookup."""
        await conn.execute(
            "INSERT INTO lookup_attempts"
            " (channel, chat_id, dossier_code, attempted_at, succeeded, proven)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (channel, chat_id, dossier_code, instant_to_db(at), int(succeeded), int(proven)),
        )
        if end_conversation:
            await conn.execute(
                "DELETE FROM conversations WHERE channel = ? AND chat_id = ?", (channel, chat_id)
            )

    async def probe_state(
        self,
        conn: Transaction,
        *,
        channel: str,
        chat_id: str,
        since: datetime,
        not_found_limit: int,
    ) -> ProbeState:
        stamp = instant_to_db(since)
        codes = await _rows(
            conn,
            "SELECT code, MAX(probed_at) AS last FROM lookup_probes"
            " WHERE channel = ? AND chat_id = ? AND probed_at > ? GROUP BY code ORDER BY last",
            (channel, chat_id, stamp),
        )
        missing = await _rows(
            conn,
            "SELECT probed_at FROM lookup_probes WHERE channel = ? AND chat_id = ?"
            " AND probed_at > ? AND found = 0 ORDER BY probed_at DESC LIMIT ?",
            (channel, chat_id, stamp, not_found_limit),
        )
        return ProbeState(
            codes=[(row[0], datetime.fromisoformat(row[1])) for row in codes],
            not_found=[datetime.fromisoformat(row[0]) for row in missing],
        )

    async def record_probe(
        self,
        conn: Transaction,
        *,
        channel: str,
        chat_id: str,
        code: str,
        found: bool,
        at: datetime,
    ) -> None:
        await conn.execute(
            "INSERT INTO lookup_probes (channel, chat_id, code, found, probed_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (channel, chat_id, code, int(found), instant_to_db(at)),
        )

    async def failures_for_chat(self, channel: str, chat_id: str, since: datetime) -> int:
        """How many wrong digits the chat gave after `since` (reports and tests)."""
        row = await self.db.fetch_one(
            "SELECT COUNT(*) FROM lookup_attempts WHERE channel = ? AND chat_id = ?"
            " AND attempted_at > ? AND succeeded = 0",
            (channel, chat_id, instant_to_db(since)),
        )
        return int(row[0]) if row else 0
