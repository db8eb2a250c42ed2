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
class ChatLimits:
    """The chat's own limits in the window, read in one statement: wrong digits and answers."""

    #: The chat's latest wrong digits, newest first (at most the failure limit); with a
    #: `dossier_code` (the web page) only those on that dossier.
    failures: list[datetime]
    probes: ProbeState
    #: With a `spread`: when the chat's wrong digits reached that many different dossiers, the
    #: latest failure of the spread-th most recent of them (None when fewer).
    spread_full_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class ProbeState:
    """The chat's "found"/"not found" answers in the window."""

    #: Each distinct code answered, with its latest answer, oldest first.
    codes: list[tuple[str, datetime]]
    #: The "not found" answers, newest first (at most the burst limit).
    not_found: list[datetime]


# One statement for what `chat_failures` and `probe_state` read: each is a short range of a
# per-chat index, and a lookup reads them at every step, so one hand-over to SQLite, not three.
_CHAT_LIMITS = (
    "SELECT 0, attempted_at, NULL FROM (SELECT attempted_at FROM lookup_attempts"
    " WHERE channel = ?1 AND chat_id = ?2 AND attempted_at > ?3 AND succeeded = 0"
    " ORDER BY attempted_at DESC LIMIT ?4) AS failures"
    " UNION ALL SELECT 1, MAX(probed_at), code FROM lookup_probes"
    " WHERE channel = ?1 AND chat_id = ?2 AND probed_at > ?3 GROUP BY code"
    " UNION ALL SELECT 2, probed_at, NULL FROM (SELECT probed_at FROM lookup_probes"
    " WHERE channel = ?1 AND chat_id = ?2 AND probed_at > ?3 AND found = 0"
    " ORDER BY probed_at DESC LIMIT ?5) AS not_found"
)

# The three figures of the stranger policy in one statement (each a range of its own index).
_GUESS_STATE = (
    "SELECT EXISTS (SELECT 1 FROM lookup_attempts WHERE channel = ?1 AND chat_id = ?2"
    " AND dossier_code = ?3 AND succeeded = 1),"
    " (SELECT COUNT(*) FROM lookup_attempts WHERE dossier_code = ?3 AND attempted_at > ?4"
    " AND succeeded = 0 AND proven = 0),"
    " (SELECT MAX(attempted_at) FROM lookup_attempts WHERE dossier_code = ?3"
    " AND attempted_at > ?4 AND succeeded = 0 AND proven = 0),"
    " (SELECT attempted_at FROM lookup_attempts WHERE channel = ?1 AND attempted_at > ?4"
    " AND succeeded = 0 AND proven = 0 ORDER BY attempted_at DESC LIMIT 1 OFFSET ?5)"
)


# The web page counts an address's wrong digits per dossier, and how many dossiers they reach.
_DOSSIER_FAILURES = (
    "SELECT attempted_at FROM lookup_attempts WHERE channel = ? AND chat_id = ?"
    " AND dossier_code = ? AND attempted_at > ? AND succeeded = 0"
    " ORDER BY attempted_at DESC LIMIT ?"
)
_SPREAD = (
    "SELECT MAX(attempted_at) AS last FROM lookup_attempts WHERE channel = ? AND chat_id = ?"
    " AND attempted_at > ? AND succeeded = 0 GROUP BY dossier_code ORDER BY last DESC LIMIT ?"
)


async def _rows(conn: Transaction, sql: str, params: tuple[Any, ...]) -> list[Any]:
    return list(await conn.execute_fetchall(sql, params))


class LookupAttemptRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def chat_limits(
        self,
        conn: Transaction,
        *,
        channel: str,
        chat_id: str,
        since: datetime,
        failure_limit: int,
        not_found_limit: int,
        dossier_code: str | None = None,
        spread: int = 0,
    ) -> ChatLimits:
        """`chat_failures` and `probe_state` together, read on the open transaction `conn`.

        With `dossier_code` the failures counted are those on that dossier only, and with
        `spread` the chat's failures over different dossiers are measured too (a shared
        address on the web page: issue 23 item 8).
        """
        per_dossier = dossier_code is not None
        rows = await _rows(
            conn,
            _CHAT_LIMITS,
            (
                channel,
                chat_id,
                instant_to_db(since),
                0 if per_dossier else failure_limit,
                not_found_limit,
            ),
        )
        failures: list[str] = []
        codes: list[tuple[str, str]] = []
        missing: list[str] = []
        for kind, at, code in rows:
            if kind == 0:
                failures.append(at)
            elif kind == 1:
                codes.append((at, code))
            else:
                missing.append(at)
        # Stored instants are fixed-width UTC text: text order is time order.
        failures.sort(reverse=True)
        codes.sort()
        missing.sort(reverse=True)
        spread_full_at = None
        if per_dossier:
            failures = [
                row[0]
                for row in await _rows(
                    conn,
                    _DOSSIER_FAILURES,
                    (channel, chat_id, dossier_code, instant_to_db(since), failure_limit),
                )
            ]
        if spread > 0:
            latest = await _rows(conn, _SPREAD, (channel, chat_id, instant_to_db(since), spread))
            if len(latest) >= spread:
                spread_full_at = datetime.fromisoformat(latest[-1][0])
        return ChatLimits(
            spread_full_at=spread_full_at,
            failures=[datetime.fromisoformat(at) for at in failures],
            probes=ProbeState(
                codes=[(code, datetime.fromisoformat(at)) for at, code in codes],
                not_found=[datetime.fromisoformat(at) for at in missing],
            ),
        )

    async def chat_failures(
        self, conn: Transaction, *, channel: str, chat_id: str, since: datetime, limit: int
    ) -> list[datetime]:
        """The chat's latest wrong digits since `since`, newest first, at most `limit`."""
        limits = await self.chat_limits(
            conn,
            channel=channel,
            chat_id=chat_id,
            since=since,
            failure_limit=limit,
            not_found_limit=0,
        )
        return limits.failures

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
        row = (
            await _rows(
                conn,
                _GUESS_STATE,
                (channel, chat_id, dossier_code, instant_to_db(since), channel_budget - 1),
            )
        )[0]
        return GuessState(
            proven=bool(row[0]),
            dossier_failures=int(row[1]),
            dossier_last=datetime.fromisoformat(row[2]) if row[2] else None,
            channel_full_at=datetime.fromisoformat(row[3]) if row[3] else None,
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
        limits = await self.chat_limits(
            conn,
            channel=channel,
            chat_id=chat_id,
            since=since,
            failure_limit=0,
            not_found_limit=not_found_limit,
        )
        return limits.probes

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
