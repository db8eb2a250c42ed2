"""Apologies for a missed due date (xin lỗi, hẹn lại ngày trả): drafts, filing, counts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

import aiosqlite

from db.connection import Database
from db.models import instant_from_db, instant_to_db
from db.outbox import enqueue
from db.reminders import Outgoing


@dataclass(frozen=True, slots=True)
class Apology:
    """A drafted (and perhaps confirmed) apology: the reason, the missed and the new date."""

    id: int
    dossier_id: int
    cause: str
    reason: str
    old_due: date
    new_due: date
    drafted_by: str
    confirmed_at: datetime | None

    @property
    def confirmed(self) -> bool:
        return self.confirmed_at is not None


@dataclass(frozen=True, slots=True)
class AtRisk:
    """An open dossier whose due date is near, and who is in charge of it (None: nobody)."""

    dossier_id: int
    code: str
    nominee: str
    due_on: date
    officer_channel: str | None
    officer_chat: str | None


@dataclass(frozen=True, slots=True)
class LateCounts:
    """Late dossiers of a period: those with a confirmed apology and those without."""

    with_apology: int
    without_apology: int


_COLUMNS = "id, dossier_id, cause, reason, old_due, new_due, drafted_by, confirmed_at"


def _apology(row: aiosqlite.Row) -> Apology:
    return Apology(
        id=row["id"],
        dossier_id=row["dossier_id"],
        cause=row["cause"],
        reason=row["reason"],
        old_due=date.fromisoformat(row["old_due"]),
        new_due=date.fromisoformat(row["new_due"]),
        drafted_by=row["drafted_by"],
        confirmed_at=instant_from_db(row["confirmed_at"]) if row["confirmed_at"] else None,
    )


async def read_apology(
    conn: aiosqlite.Connection, dossier_id: int, old_due: date
) -> Apology | None:
    """The apology for the dossier's missed `old_due`, as it is inside the caller's transaction."""
    async with conn.execute(
        f"SELECT {_COLUMNS} FROM apologies WHERE dossier_id = ? AND old_due = ?",
        (dossier_id, old_due.isoformat()),
    ) as cursor:
        row = await cursor.fetchone()
    return _apology(row) if row else None


async def mark_confirmed(
    conn: aiosqlite.Connection,
    *,
    apology_id: int,
    actor: str,
    at: datetime,
    entry_id: int,
    pdf: bytes,
) -> None:
    """File the confirmed apology (its history row and its form) in the caller's transaction."""
    await conn.execute(
        "UPDATE apologies SET confirmed_at = ?, confirmed_by = ?, entry_id = ?, pdf = ?"
        " WHERE id = ?",
        (instant_to_db(at), actor, entry_id, pdf, apology_id),
    )


class ApologyRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def draft(
        self,
        *,
        dossier_id: int,
        cause: str,
        reason: str,
        old_due: date,
        new_due: date,
        actor: str,
        now: datetime,
        notices: Sequence[Outgoing] = (),
    ) -> tuple[Apology, bool]:
        """Write a draft for the dossier's missed `old_due`, or rewrite an unconfirmed one;
        returns it and whether it was written (a confirmed apology is returned unchanged).
        `notices` (the officers told of a draft) are queued in the same transaction."""
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "INSERT INTO apologies (dossier_id, cause, reason, old_due, new_due, drafted_at,"
                " drafted_by) VALUES (?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (dossier_id, old_due) DO UPDATE SET cause = excluded.cause,"
                " reason = excluded.reason, new_due = excluded.new_due,"
                " drafted_at = excluded.drafted_at, drafted_by = excluded.drafted_by"
                " WHERE apologies.confirmed_at IS NULL",
                (
                    dossier_id,
                    cause,
                    reason,
                    old_due.isoformat(),
                    new_due.isoformat(),
                    instant_to_db(now),
                    actor,
                ),
            )
            written = cursor.rowcount == 1
            for notice in notices if written else ():
                await enqueue(
                    conn,
                    key=notice.key,
                    channel=notice.channel,
                    chat_id=notice.chat_id,
                    payload=notice.payload,
                    at=now,
                )
            apology = await read_apology(conn, dossier_id, old_due)
        assert apology is not None  # written or kept just now, inside this transaction
        return apology, written

    async def find(self, dossier_id: int, old_due: date) -> Apology | None:
        row = await self.db.fetch_one(
            f"SELECT {_COLUMNS} FROM apologies WHERE dossier_id = ? AND old_due = ?",
            (dossier_id, old_due.isoformat()),
        )
        return _apology(row) if row else None

    async def latest_confirmed(self, dossier_id: int) -> Apology | None:
        """The dossier's last confirmed apology, for its card."""
        row = await self.db.fetch_one(
            f"SELECT {_COLUMNS} FROM apologies WHERE dossier_id = ? AND confirmed_at IS NOT NULL"
            " ORDER BY confirmed_at DESC, id DESC LIMIT 1",
            (dossier_id,),
        )
        return _apology(row) if row else None

    async def filed_form(self, dossier_id: int) -> tuple[Apology, bytes] | None:
        """The last confirmed apology and its PDF form, as filed with the dossier."""
        row = await self.db.fetch_one(
            f"SELECT {_COLUMNS}, pdf FROM apologies WHERE dossier_id = ? AND pdf IS NOT NULL"
            " ORDER BY confirmed_at DESC, id DESC LIMIT 1",
            (dossier_id,),
        )
        return (_apology(row), bytes(row["pdf"])) if row else None

    async def at_risk(self, due_days: Sequence[date]) -> list[AtRisk]:
        """Open dossiers (received, in review) due on one of `due_days` without an apology
        drafted for that due date: the ones about to miss it."""
        if not due_days:
            return []
        marks = ",".join("?" * len(due_days))
        rows = await self.db.fetch_all(
            "SELECT d.id, d.code, d.nominee, d.due_on, s.channel, s.chat_id FROM dossiers d"
            " LEFT JOIN staff s ON s.id = d.officer_id AND s.active = 1"
            # The open list as migration 0003's partial index spells it, so the index serves.
            " WHERE d.status IN ('received', 'in_review', 'needs_supplement')"
            " AND d.status != 'needs_supplement'"
            f" AND d.due_on IN ({marks})"
            " AND NOT EXISTS (SELECT 1 FROM apologies a"
            "  WHERE a.dossier_id = d.id AND a.old_due = d.due_on)"
            " ORDER BY d.due_on, d.code",
            [day.isoformat() for day in due_days],
        )
        return [
            AtRisk(
                dossier_id=row[0],
                code=row[1],
                nominee=row[2],
                due_on=date.fromisoformat(row[3]),
                officer_channel=row[4],
                officer_chat=row[5],
            )
            for row in rows
        ]

    async def late_counts(self, start: date, end: date, as_of: date) -> LateCounts:
        """Of the dossiers received in [start, end]: those that missed a due date (an apology
        confirmed, resolved after the due date, or open and past it on `as_of`), split by
        whether an apology was confirmed."""
        row = await self.db.fetch_one(
            "SELECT COALESCE(SUM(a.dossier_id IS NOT NULL), 0),"
            " COALESCE(SUM(a.dossier_id IS NULL), 0) FROM dossiers d"
            " LEFT JOIN (SELECT DISTINCT dossier_id FROM apologies"
            "  WHERE confirmed_at IS NOT NULL) a ON a.dossier_id = d.id"
            " WHERE d.received_on BETWEEN ? AND ? AND (a.dossier_id IS NOT NULL"
            "  OR (d.resolved_on IS NOT NULL AND d.resolved_on > d.due_on)"
            "  OR (d.resolved_on IS NULL AND d.status IN ('received', 'in_review')"
            "   AND d.due_on < ?))",
            (start.isoformat(), end.isoformat(), as_of.isoformat()),
        )
        return LateCounts(int(row[0]), int(row[1])) if row else LateCounts(0, 0)
