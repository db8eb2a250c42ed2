"""Supplement requests with a date (yêu cầu bổ sung có hạn): open, close, the late and the due."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import aiosqlite

from db.connection import Database
from db.dossiers import active_followers
from db.models import date_or_none
from db.outbox import enqueue
from db.phones import ZNS_CHANNEL, has_phone


@dataclass(frozen=True, slots=True)
class SupplementRequest:
    """One request (phiếu yêu cầu bổ sung): by when, and the due date around it."""

    id: int
    dossier_id: int
    requested_on: date
    supplement_by: date
    due_before: date
    arrived_on: date | None
    due_after: date | None


@dataclass(frozen=True, slots=True)
class OpenSupplement:
    """A dossier still waiting for its supplement, as reminders and the overdue list need it."""

    request_id: int
    dossier_id: int
    code: str
    nominee: str
    note: str | None
    supplement_by: date
    officer_id: int | None


@dataclass(frozen=True, slots=True)
class Notice:
    """One outbox message to every follower of a dossier (and its phone), under a key prefix."""

    dossier_id: int
    key: str
    payload: dict[str, Any]


_REQUEST = "id, dossier_id, requested_on, supplement_by, due_before, arrived_on, due_after"


def _request(row: aiosqlite.Row) -> SupplementRequest:
    return SupplementRequest(
        id=row["id"],
        dossier_id=row["dossier_id"],
        requested_on=date.fromisoformat(row["requested_on"]),
        supplement_by=date.fromisoformat(row["supplement_by"]),
        due_before=date.fromisoformat(row["due_before"]),
        arrived_on=date_or_none(row["arrived_on"]),
        due_after=date_or_none(row["due_after"]),
    )


async def open_request(
    conn: aiosqlite.Connection,
    *,
    dossier_id: int,
    entry_id: int,
    requested_on: date,
    supplement_by: date,
    due_before: date,
) -> None:
    """Record the request inside the transaction that moves the dossier to needs_supplement."""
    await conn.execute(
        "INSERT INTO supplement_requests"
        " (dossier_id, entry_id, requested_on, supplement_by, due_before) VALUES (?, ?, ?, ?, ?)",
        (
            dossier_id,
            entry_id,
            requested_on.isoformat(),
            supplement_by.isoformat(),
            due_before.isoformat(),
        ),
    )


async def close_request(
    conn: aiosqlite.Connection, *, dossier_id: int, arrived_on: date, due_after: date
) -> None:
    """The dossier left needs_supplement: its open request is settled with the new due date."""
    await conn.execute(
        "UPDATE supplement_requests SET arrived_on = ?, due_after = ?"
        " WHERE dossier_id = ? AND arrived_on IS NULL",
        (arrived_on.isoformat(), due_after.isoformat(), dossier_id),
    )


async def enqueue_notices(
    conn: aiosqlite.Connection, notices: Sequence[Notice], at: datetime
) -> int:
    """Each notice to the dossier's active followers and, when a number is kept, by ZNS;
    keys are `<key>:<channel>:<chat>` and `<key>:zns`. Returns how many rows were new."""
    added = 0
    for notice in notices:
        for channel, chat_id in await active_followers(conn, notice.dossier_id):
            added += await enqueue(
                conn,
                key=f"{notice.key}:{channel}:{chat_id}",
                channel=channel,
                chat_id=chat_id,
                payload=notice.payload,
                at=at,
            )
        if await has_phone(conn, notice.dossier_id):
            added += await enqueue(
                conn,
                key=f"{notice.key}:{ZNS_CHANNEL}",
                channel=ZNS_CHANNEL,
                chat_id=str(notice.dossier_id),
                payload=notice.payload,
                at=at,
            )
    return added


_OPEN = (
    "SELECT r.id AS request_id, d.id AS dossier_id, d.code, d.nominee, d.note,"
    " r.supplement_by, d.officer_id FROM supplement_requests r"
    " JOIN dossiers d ON d.id = r.dossier_id"
    " WHERE r.arrived_on IS NULL AND d.status = 'needs_supplement'"
)


def _open(row: aiosqlite.Row) -> OpenSupplement:
    return OpenSupplement(
        request_id=row["request_id"],
        dossier_id=row["dossier_id"],
        code=row["code"],
        nominee=row["nominee"],
        note=row["note"],
        supplement_by=date.fromisoformat(row["supplement_by"]),
        officer_id=row["officer_id"],
    )


class SupplementRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def latest(self, dossier_id: int) -> SupplementRequest | None:
        """The dossier's last request (open or settled), for its card."""
        row = await self.db.fetch_one(
            f"SELECT {_REQUEST} FROM supplement_requests WHERE dossier_id = ?"
            " ORDER BY id DESC LIMIT 1",
            (dossier_id,),
        )
        return _request(row) if row else None

    async def due_on(self, days: Sequence[date]) -> list[OpenSupplement]:
        """Open requests whose date to supplement by is one of `days`."""
        if not days:
            return []
        marks = ",".join("?" * len(days))
        rows = await self.db.fetch_all(
            f"{_OPEN} AND r.supplement_by IN ({marks}) ORDER BY r.id",
            [day.isoformat() for day in days],
        )
        return [_open(row) for row in rows]

    async def late(
        self, today: date, officer_id: int | None, limit: int = 50
    ) -> tuple[list[OpenSupplement], int]:
        """Open requests past their date (not arrived by it), oldest date first, and the count;
        an officer sees their own and the unassigned ones, as in the overdue list."""
        mine = " AND (d.officer_id = ? OR d.officer_id IS NULL)" if officer_id is not None else ""
        params: list[object] = [today.isoformat()]
        if officer_id is not None:
            params.append(officer_id)
        rows = await self.db.fetch_all(
            f"{_OPEN} AND r.supplement_by < ?{mine} ORDER BY r.supplement_by, d.code",
            params,
        )
        return [_open(row) for row in rows[:limit]], len(rows)

    async def send(self, notices: Sequence[Notice], now: datetime) -> int:
        """Queue reminders in one transaction; a repeated call adds nothing (dedupe keys)."""
        async with self.db.transaction() as conn:
            return await enqueue_notices(conn, notices, now)
