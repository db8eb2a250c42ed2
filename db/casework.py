"""Staff casework SQL: search by name, unit or code (/tim), the staff dossier view (/hoso),
the named history (/lichsu), snoozing one dossier's reminders, decision number corrections."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from db.connection import Database
from db.dialect import POSTGRESQL
from db.models import Dossier, HistoryEntry, date_or_none, from_columns, instant_to_db
from domain.statuses import Status

_SEARCH = (
    "SELECT d.id, d.code, d.nominee, d.unit, d.award_kind, d.status, d.due_on,"
    " d.resolved_on, s.name AS officer_name, tdkt_match(d.nominee, d.unit, d.code, ?) AS rank"
    " FROM dossiers d LEFT JOIN staff s ON s.id = d.officer_id AND s.active = 1"
    " WHERE rank IS NOT NULL"
    " ORDER BY rank, d.status NOT IN ('received', 'in_review', 'needs_supplement'),"
    " d.due_on, d.id LIMIT ?"
)
#: PostgreSQL's twin: a WHERE cannot name a column of its own SELECT there. (SQLite's form
#: stays: flattened, this one would run tdkt_match twice a row.)
_SEARCH_POSTGRESQL = (
    "SELECT * FROM (SELECT d.id, d.code, d.nominee, d.unit, d.award_kind, d.status, d.due_on,"
    " d.resolved_on, s.name AS officer_name, tdkt_match(d.nominee, d.unit, d.code, ?) AS rank"
    " FROM dossiers d LEFT JOIN staff s ON s.id = d.officer_id AND s.active = 1) AS found"
    " WHERE rank IS NOT NULL"
    " ORDER BY rank, status NOT IN ('received', 'in_review', 'needs_supplement'),"
    " due_on, id LIMIT ?"
)
#: The names a history row's actor is shown by: staff registered from that chat account, else
#: a unit's emulation officer as "name (unit)" (issue 25: the unit's resubmission in /lichsu).
_ACTOR_NAME = (
    "COALESCE((SELECT st.name FROM staff st WHERE st.channel || ':' || st.user_id = h.actor"
    " ORDER BY st.active DESC, st.id DESC LIMIT 1),"
    " (SELECT m.name || ' (' || u.name || ')' FROM unit_members m JOIN units u"
    " ON u.id = m.unit_id WHERE m.channel || ':' || m.user_id = h.actor LIMIT 1))"
)


@dataclass(frozen=True, slots=True)
class Found:
    """One search result (kết quả tìm kiếm)."""

    id: int
    code: str
    nominee: str
    unit: str
    award_kind: str
    status: Status
    due_on: date
    resolved_on: date | None
    officer_name: str | None

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Found:
        return from_columns(
            cls,
            row,
            status=Status(row["status"]),
            due_on=date.fromisoformat(row["due_on"]),
            resolved_on=date_or_none(row["resolved_on"]),
        )


@dataclass(frozen=True, slots=True)
class StaffView:
    """A dossier as staff see it: the row, who is in charge, until when it is snoozed."""

    dossier: Dossier
    officer_id: int | None
    officer_name: str | None
    snoozed_until: date | None


@dataclass(frozen=True, slots=True)
class NamedEntry:
    """A history row with the officer's registered name when the actor is staff."""

    entry: HistoryEntry
    actor_name: str | None


@dataclass(frozen=True, slots=True)
class StaffExportRow:
    """One dossier as the staff export shows it, with the officer in charge and who last
    changed it (by the staff name when the actor is staff)."""

    id: int
    code: str
    award_kind: str
    nominee: str
    unit: str
    received_on: date
    due_on: date
    status: Status
    resolved_on: date | None
    decision_no: str | None
    note: str | None
    officer_name: str | None
    #: The history's actor (`telegram:123`, `import`) and the staff name behind it, if any.
    last_actor: str | None
    last_actor_name: str | None


class CaseworkRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def search(self, query: str, *, limit: int) -> list[Found]:
        """Up to `limit` dossiers whose nominee, unit or code contain every word of `query`
        (quick-folded: lower case, no accents), best first (domain/search.py);
        within a rank open dossiers first, by due date. One scan of the table, one Python
        call per dossier: see bench/bench_search.py for what that costs."""
        if not query.split():
            return []
        search = _SEARCH_POSTGRESQL if self.db.dialect == POSTGRESQL else _SEARCH
        rows = await self.db.fetch_all(search, (query, limit))
        return [Found.from_row(row) for row in rows]

    async def view(self, codes: list[str]) -> StaffView | None:
        """The first of the candidate codes that exists, as staff see it."""
        for code in codes:
            row = await self.db.fetch_one(
                "SELECT d.*, s.name AS officer_name FROM dossiers d"
                " LEFT JOIN staff s ON s.id = d.officer_id AND s.active = 1 WHERE d.code = ?",
                (code,),
            )
            if row is not None:
                return StaffView(
                    dossier=Dossier.from_row(row),
                    officer_id=row["officer_id"] if row["officer_name"] is not None else None,
                    officer_name=row["officer_name"],
                    snoozed_until=date_or_none(row["snoozed_until"]),
                )
        return None

    async def named_history(self, dossier_id: int) -> list[NamedEntry]:
        """Every history row of the dossier, oldest first, with the officer's name."""
        rows = await self.db.fetch_all(
            f"SELECT h.*, {_ACTOR_NAME} AS actor_name FROM dossier_history h"
            " WHERE h.dossier_id = ? ORDER BY h.id",
            (dossier_id,),
        )
        return [NamedEntry(HistoryEntry.from_row(row), row["actor_name"]) for row in rows]

    async def supplement_requests(self, dossier_id: int) -> int:
        """How many times the dossier was sent to needs_supplement (yêu cầu bổ sung)."""
        row = await self.db.fetch_one(
            "SELECT COUNT(*) FROM dossier_history WHERE dossier_id = ?"
            " AND to_status = 'needs_supplement' AND from_status IS NOT 'needs_supplement'",
            (dossier_id,),
        )
        return int(row[0]) if row else 0

    async def snooze(self, dossier_id: int, until: date | None, now: datetime) -> None:
        """Quiet the dossier's reminders until `until` (None: remind again as usual).

        The wake-up date moves too, so the sweep does not read the dossier before then.
        """
        async with self.db.transaction() as conn:
            await conn.execute(
                "UPDATE dossiers SET snoozed_until = ?, updated_at = ?,"
                " remind_on = CASE WHEN remind_on IS NULL THEN NULL"
                "  WHEN ? IS NULL THEN '' ELSE max(remind_on, ?) END"
                " WHERE id = ?",
                (
                    until.isoformat() if until else None,
                    instant_to_db(now),
                    until.isoformat() if until else None,
                    until.isoformat() if until else None,
                    dossier_id,
                ),
            )

    async def staff_export_rows(
        self,
        start: date | None = None,
        end: date | None = None,
        *,
        statuses: frozenset[Status] | None = None,
        batch_size: int = 2000,
    ) -> AsyncIterator[list[StaffExportRow]]:
        """The period's dossiers (optionally only some statuses) in order of receipt, a batch
        at a time, keyset-paged like the plain export so memory stays flat."""
        low = start.isoformat() if start else "0000-01-01"
        high = end.isoformat() if end else "9999-12-31"
        names = {
            f"{row[0]}:{row[1]}": row[2]
            for row in await self.db.fetch_all(
                "SELECT channel, user_id, name FROM staff ORDER BY active, id"
            )
        }
        only = ""
        params: list[Any] = []
        if statuses:
            only = f" AND d.status IN ({','.join('?' * len(statuses))})"
            params = sorted(status.value for status in statuses)
        last_day, last_id = low, 0
        while True:
            rows = await self.db.fetch_all(
                "SELECT d.id, d.code, d.award_kind, d.nominee, d.unit, d.received_on, d.due_on,"
                " d.status, d.resolved_on, d.decision_no, d.note, s.name AS officer_name,"
                " (SELECT h.actor FROM dossier_history h WHERE h.dossier_id = d.id"
                "  ORDER BY h.id DESC LIMIT 1) AS last_actor"
                " FROM dossiers d LEFT JOIN staff s ON s.id = d.officer_id AND s.active = 1"
                " WHERE d.received_on BETWEEN ? AND ? AND (d.received_on > ? OR d.id > ?)"
                f"{only} ORDER BY d.received_on, d.id LIMIT ?",
                (last_day, high, last_day, last_id, *params, batch_size),
            )
            if not rows:
                return
            yield [
                StaffExportRow(
                    id=row["id"],
                    code=row["code"],
                    award_kind=row["award_kind"],
                    nominee=row["nominee"],
                    unit=row["unit"],
                    received_on=date.fromisoformat(row["received_on"]),
                    due_on=date.fromisoformat(row["due_on"]),
                    status=Status(row["status"]),
                    resolved_on=date_or_none(row["resolved_on"]),
                    decision_no=row["decision_no"],
                    note=row["note"],
                    officer_name=row["officer_name"],
                    last_actor=row["last_actor"],
                    last_actor_name=names.get(row["last_actor"] or ""),
                )
                for row in rows
            ]
            last_day, last_id = rows[-1]["received_on"], rows[-1]["id"]

    async def count_for_export(
        self, start: date | None, end: date | None, statuses: frozenset[Status] | None = None
    ) -> int:
        low = start.isoformat() if start else "0000-01-01"
        high = end.isoformat() if end else "9999-12-31"
        only, params = "", []
        if statuses:
            only = f" AND status IN ({','.join('?' * len(statuses))})"
            params = sorted(status.value for status in statuses)
        row = await self.db.fetch_one(
            f"SELECT COUNT(*) FROM dossiers WHERE received_on BETWEEN ? AND ?{only}",
            (low, high, *params),
        )
        return int(row[0]) if row else 0
