"""Report queries: the half-year figures in one grouped scan, and the rows an export writes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from db.connection import Database
from domain.statuses import RESOLVED

_RESOLVED_KEYS = tuple(sorted(status.value for status in RESOLVED))
_IN_RESOLVED = "status IN (" + ", ".join("?" * len(_RESOLVED_KEYS)) + ")"
# Resolved "as of" a day: a resolved status AND a resolved date on or before that day. A resolved
# status with no resolved date cannot be placed in time, so it does not count as resolved.
_RESOLVED_AS_OF = f"({_IN_RESOLVED} AND resolved_on IS NOT NULL AND resolved_on <= ?)"

# A needs_supplement dossier's clock is paused: it is never counted as overdue.
# One scan of the period's index range; the groups are few (kinds × months × statuses × flags),
# so the figures, the table by award kind, the statuses and the monthly series all come from it.
# Withdrawn or stopped "by" an instant: unless a recorded move into that status (not the row's
# first record, which an import writes at import time, with no date of its own) came later.
# CASE, not AND: SQLite then looks up the history only for the few closed rows (an AND ran the
# subquery for every row of the period: twice the scan's time on a million dossiers).
_CLOSED_BY = """(CASE WHEN status IN ('withdrawn', 'stopped') THEN NOT EXISTS (
    SELECT 1 FROM dossier_history h
    WHERE h.dossier_id = dossiers.id AND h.to_status = dossiers.status
      AND h.from_status IS NOT NULL AND h.changed_at >= ?) ELSE 0 END)"""
_FLAGS = f"""
SELECT award_kind,
       substr(received_on, 1, 7) AS month,
       status,
       {_RESOLVED_AS_OF} AS resolved,
       ({_RESOLVED_AS_OF} AND resolved_on <= due_on) AS on_time,
       ({_RESOLVED_AS_OF} AND resolved_on < due_on) AS early,
       (due_on < ? AND status <> 'needs_supplement') AS past_due,
       {_CLOSED_BY} AS closed,
       COUNT(*) AS dossiers
FROM dossiers
"""
_GROUPS_SQL = _FLAGS + "WHERE received_on BETWEEN ? AND ?\nGROUP BY 1, 2, 3, 4, 5, 6, 7, 8\n"
# Carried over (chuyển sang): received before the period and still open at its start, i.e.
# not resolved before it and not withdrawn or stopped by then.
_CARRIED_SQL = (
    _FLAGS
    + f"""WHERE received_on < ?
  AND NOT ({_IN_RESOLVED} AND (resolved_on IS NULL OR resolved_on < ?))
  AND NOT {_CLOSED_BY}
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
"""
)

_EXPORT_COLUMNS = (
    "id, code, award_kind, nominee, unit, phone_last4, received_on, due_on, status,"
    " resolved_on, decision_no, note"
)


@dataclass(frozen=True, slots=True)
class ReportGroup:
    """How many dossiers of one award kind, month of receipt and status share the same flags."""

    award_kind: str
    month: str
    status: str
    resolved: bool
    on_time: bool
    past_due: bool
    dossiers: int
    #: Withdrawn or stopped by the as-of day (a later withdrawal was still pending then).
    closed: bool = False
    #: Resolved before its due date (trước hẹn); on_time and not early is on the day (đúng hẹn).
    early: bool = False


@dataclass(frozen=True, slots=True)
class ExportRow:
    """One dossier as the export writes it: the stored fields, dates as ISO text."""

    id: int
    code: str
    award_kind: str
    nominee: str
    unit: str
    phone_last4: str
    received_on: str
    due_on: str
    status: str
    resolved_on: str | None
    decision_no: str | None
    note: str | None


def _groups(rows: list[Any]) -> list[ReportGroup]:
    return [
        ReportGroup(
            award_kind=row["award_kind"],
            month=row["month"],
            status=row["status"],
            resolved=bool(row["resolved"]),
            on_time=bool(row["on_time"]),
            past_due=bool(row["past_due"]),
            dossiers=row["dossiers"],
            closed=bool(row["closed"]),
            early=bool(row["early"]),
        )
        for row in rows
    ]


def _bounds(start: date | None, end: date | None) -> tuple[str, str]:
    # ISO dates sort as text; these bounds take in every stored date.
    return (start.isoformat() if start else "0000-01-01", end.isoformat() if end else "9999-12-31")


class ReportRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def groups(
        self, start: date, end: date, as_of: date, *, as_of_end_utc: str | None = None
    ) -> list[ReportGroup]:
        """Dossiers received in [start, end], grouped as they stood at the end of `as_of`.

        `as_of_end_utc` is the first instant after the as-of day, in UTC as stored (ISO text);
        by default the next day's date, which sorts before any instant of that day.
        """
        day = as_of.isoformat()
        params = (
            *_RESOLVED_KEYS,
            day,
            *_RESOLVED_KEYS,
            day,
            *_RESOLVED_KEYS,
            day,
            day,
            as_of_end_utc or (as_of + timedelta(days=1)).isoformat(),
            start.isoformat(),
            end.isoformat(),
        )
        return _groups(await self.db.fetch_all(_GROUPS_SQL, params))

    async def carried_over(
        self,
        start: date,
        as_of: date,
        *,
        start_utc: str | None = None,
        as_of_end_utc: str | None = None,
    ) -> list[ReportGroup]:
        """Dossiers received before `start` and still open at it, as they stood on `as_of`.

        `start_utc` is the period's first instant in UTC (ISO text), against which a withdrawal
        or stop is placed; the start's date by default. `as_of_end_utc` as for `groups`.
        """
        day = as_of.isoformat()
        first = start.isoformat()
        params = (
            *_RESOLVED_KEYS,
            day,
            *_RESOLVED_KEYS,
            day,
            *_RESOLVED_KEYS,
            day,
            day,
            as_of_end_utc or (as_of + timedelta(days=1)).isoformat(),
            first,
            *_RESOLVED_KEYS,
            first,
            start_utc or first,
        )
        return _groups(await self.db.fetch_all(_CARRIED_SQL, params))

    async def count_received(self, start: date | None = None, end: date | None = None) -> int:
        """How many dossiers were received in [start, end] (all of them without bounds)."""
        row = await self.db.fetch_one(
            "SELECT COUNT(*) FROM dossiers WHERE received_on BETWEEN ? AND ?", _bounds(start, end)
        )
        return int(row[0]) if row else 0

    async def export_rows(
        self, start: date | None = None, end: date | None = None, *, batch_size: int = 2000
    ) -> AsyncIterator[list[ExportRow]]:
        """The period's dossiers in order of receipt, a batch at a time.

        Keyset pagination (received_on, id) keeps memory flat on a million rows and holds no
        cursor open between batches, so writes on the shared connection are never blocked.
        """
        low, high = _bounds(start, end)
        last_day, last_id = low, 0
        while True:
            # Spelled out rather than `(received_on, id) > (?, ?)`: SQLite does not narrow the
            # index range by a row value, and each batch would rescan from the period's start.
            rows = await self.db.fetch_all(
                f"SELECT {_EXPORT_COLUMNS} FROM dossiers"
                " WHERE received_on BETWEEN ? AND ? AND (received_on > ? OR id > ?)"
                " ORDER BY received_on, id LIMIT ?",
                (last_day, high, last_day, last_id, batch_size),
            )
            if not rows:
                return
            yield [ExportRow(*row) for row in rows]
            last_day, last_id = rows[-1]["received_on"], rows[-1]["id"]
