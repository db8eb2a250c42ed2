"""The board's work on submissions (issue 25): the inbox, returns, the council, the decision.

Status moves of single dossiers go through the handlers' status-change entry point; the
decision is written here in one transaction for all its rows, because the unit gets one
message for the whole decision instead of one notice per row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import aiosqlite

from db.connection import Database
from db.models import Dossier, instant_to_db
from db.outbox import enqueue
from domain.statuses import Status

#: Statuses of a row the board still works on.
WAITING = (
    Status.received.value,
    Status.in_review.value,
    Status.needs_supplement.value,
    Status.passed.value,
)
_DOSSIER_COLUMNS = (
    "d.id, d.code, d.award_kind, d.nominee, d.unit, d.phone_last4, d.received_on, d.due_on,"
    " d.status, d.resolved_on, d.decision_no, d.note, d.supplement_since"
)


_ROWS_SQL = (
    f"SELECT r.row_number, r.verdict_text, {_DOSSIER_COLUMNS},"
    " (SELECT x.resubmit_by FROM review_returns x WHERE x.dossier_id = d.id"
    "  AND x.resubmitted_at IS NULL ORDER BY x.id DESC LIMIT 1) AS resubmit_by,"
    " m.meets_on, c.votes_for, c.members, c.passed"
    " FROM submission_rows r JOIN dossiers d ON d.id = r.dossier_id"
    " LEFT JOIN council_rows c ON c.dossier_id = d.id"
    " LEFT JOIN council_meetings m ON m.id = c.meeting_id"
)


@dataclass(frozen=True, slots=True)
class InboxItem:
    submission_id: int
    code: str
    unit: str
    submitted_on: date
    rows: int
    eligible: int
    review: int
    waiting: int


@dataclass(frozen=True, slots=True)
class SubmissionHead:
    id: int
    code: str
    unit: str
    campaign: str
    submitted_on: date
    channel: str
    chat_id: str


@dataclass(frozen=True, slots=True)
class RowView:
    """A row of a submission as the board works it."""

    row_number: int
    verdict_text: str
    dossier: Dossier
    resubmit_by: date | None
    meets_on: date | None
    votes_for: int | None
    members: int | None
    passed: bool | None


@dataclass(frozen=True, slots=True)
class Awarded:
    """A row of a decision: for the unit's message and the printed list."""

    nominee: str
    unit_text: str
    award_kind: str
    unit: str


#: Renders one unit's message for a decision: (unit name, its awarded rows) → payload.
@dataclass(frozen=True, slots=True)
class DecisionRow:
    """A row awaiting the decision, and the chat of the unit that sent it ("" for none)."""

    dossier: Dossier
    unit_channel: str
    unit_chat: str
    unit: str


def _date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


class ReviewRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def inbox(self, limit: int = 30) -> list[InboxItem]:
        """Submissions with a row still being worked on, oldest first."""
        marks = ", ".join("?" * len(WAITING))
        rows = await self.db.fetch_all(
            "SELECT s.id, s.code, u.name AS unit, s.submitted_on, COUNT(*) AS n,"
            " SUM(r.verdict = 'eligible') AS eligible, SUM(r.verdict = 'review') AS review,"
            f" SUM(d.status IN ({marks})) AS waiting"
            " FROM submissions s JOIN units u ON u.id = s.unit_id"
            " JOIN submission_rows r ON r.submission_id = s.id"
            " JOIN dossiers d ON d.id = r.dossier_id"
            f" GROUP BY s.id HAVING SUM(d.status IN ({marks})) > 0"
            " ORDER BY s.submitted_on, s.id LIMIT ?",
            (*WAITING, *WAITING, limit),
        )
        return [
            InboxItem(
                r["id"],
                r["code"],
                r["unit"],
                date.fromisoformat(r["submitted_on"]),
                r["n"],
                r["eligible"],
                r["review"],
                r["waiting"],
            )
            for r in rows
        ]

    async def submission(self, code: str) -> SubmissionHead | None:
        row = await self.db.fetch_one(
            "SELECT s.id, s.code, u.name AS unit, s.campaign, s.submitted_on, s.channel,"
            " s.chat_id FROM submissions s JOIN units u ON u.id = s.unit_id WHERE s.code = ?",
            (code.strip().upper(),),
        )
        return _head(row) if row else None

    async def submission_of(self, dossier_id: int) -> SubmissionHead | None:
        row = await self.db.fetch_one(
            "SELECT s.id, s.code, u.name AS unit, s.campaign, s.submitted_on, s.channel,"
            " s.chat_id FROM submission_rows r JOIN submissions s ON s.id = r.submission_id"
            " JOIN units u ON u.id = s.unit_id WHERE r.dossier_id = ?",
            (dossier_id,),
        )
        return _head(row) if row else None

    async def rows(self, submission_id: int, dossier_id: int | None = None) -> list[RowView]:
        only = " AND d.id = ?" if dossier_id is not None else ""
        params: tuple[object, ...] = (submission_id,)
        if dossier_id is not None:
            params += (dossier_id,)
        found = await self.db.fetch_all(
            _ROWS_SQL + f" WHERE r.submission_id = ?{only} ORDER BY r.row_number", params
        )
        return [_row_view(row) for row in found]

    async def waiting_rows(self) -> list[tuple[date, RowView]]:
        """Every row still being worked on, with its submission's date: one query, for the
        counts per step of the inbox and the digests."""
        marks = ", ".join("?" * len(WAITING))
        found = await self.db.fetch_all(
            _ROWS_SQL.replace("SELECT ", "SELECT s.submitted_on AS submitted_on, ", 1)
            + " JOIN submissions s ON s.id = r.submission_id"
            f" WHERE d.status IN ({marks})",
            WAITING,
        )
        return [(date.fromisoformat(row["submitted_on"]), _row_view(row)) for row in found]

    async def record_return(
        self,
        *,
        submission_id: int,
        dossier_id: int,
        reasons: str,
        resubmit_by: date,
        returned_on: date,
        within_limit: bool,
        actor: str,
        now: datetime,
        reminder: tuple[str, str, dict[str, Any], datetime] | None,
    ) -> int:
        """Keep the return and, in the same transaction, the unit's reminder (sent later by the
        outbox at its time; dropped when the unit resubmits first)."""
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "INSERT INTO review_returns (submission_id, dossier_id, reasons, resubmit_by,"
                " returned_on, within_limit, returned_by, returned_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    submission_id,
                    dossier_id,
                    reasons,
                    resubmit_by.isoformat(),
                    returned_on.isoformat(),
                    int(within_limit),
                    actor,
                    instant_to_db(now),
                ),
            )
            return_id = int(cursor.lastrowid or 0)
            if reminder is not None:
                channel, chat_id, payload, at = reminder
                await enqueue(
                    conn,
                    key=f"review-remind:{return_id}",
                    channel=channel,
                    chat_id=chat_id,
                    payload=payload,
                    at=at,
                )
        return return_id

    async def resubmitted(
        self, dossier_id: int, file_name: str | None, content: bytes | None, now: datetime
    ) -> bool:
        """Close the open return with the corrected file and drop its pending reminder."""
        async with self.db.transaction() as conn:
            async with conn.execute(
                "SELECT id FROM review_returns WHERE dossier_id = ? AND resubmitted_at IS NULL"
                " ORDER BY id DESC LIMIT 1",
                (dossier_id,),
            ) as cursor:
                row = await cursor.fetchone()
            if row is None:
                return False
            await conn.execute(
                "UPDATE review_returns SET resubmitted_at = ?, file_name = ?, file_bytes = ?"
                " WHERE id = ?",
                (instant_to_db(now), file_name, content, row[0]),
            )
            await conn.execute(
                "DELETE FROM outbox WHERE dedupe_key = ? AND state = 'pending'",
                (f"review-remind:{row[0]}",),
            )
        return True

    async def reopen_return(self, dossier_id: int) -> None:
        """Undo `resubmitted` when the status move that follows it lost to another officer."""
        async with self.db.transaction() as conn:
            await conn.execute(
                "UPDATE review_returns SET resubmitted_at = NULL WHERE id = (SELECT MAX(id)"
                " FROM review_returns WHERE dossier_id = ?)",
                (dossier_id,),
            )

    async def ready_for_council(self) -> list[Dossier]:
        """Rows the check let through: received or in review, no open return, no meeting yet."""
        rows = await self.db.fetch_all(
            f"SELECT {_DOSSIER_COLUMNS} FROM submission_rows r"
            " JOIN submissions s ON s.id = r.submission_id JOIN dossiers d ON d.id = r.dossier_id"
            " WHERE d.status IN (?, ?) AND NOT EXISTS (SELECT 1 FROM council_rows c"
            " WHERE c.dossier_id = d.id) ORDER BY s.submitted_on, s.id, r.row_number",
            (Status.received.value, Status.in_review.value),
        )
        return [Dossier.from_row(row) for row in rows]

    async def schedule_meeting(
        self,
        *,
        meets_on: date,
        dossier_ids: list[int],
        actor: str,
        now: datetime,
        note: str,
        already_in_review: list[int],
    ) -> int:
        """The meeting and its agenda; the rows already in review get a history line saying
        they go before the council (the others got it with their move into review)."""
        async with self.db.transaction() as conn:
            await conn.executemany(
                "INSERT INTO dossier_history"
                " (dossier_id, changed_at, actor, from_status, to_status, note)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (
                        dossier_id,
                        instant_to_db(now),
                        actor,
                        Status.in_review.value,
                        Status.in_review.value,
                        note,
                    )
                    for dossier_id in already_in_review
                ],
            )
            cursor = await conn.execute(
                "INSERT INTO council_meetings (meets_on, scheduled_by, created_at)"
                " VALUES (?, ?, ?)",
                (meets_on.isoformat(), actor, instant_to_db(now)),
            )
            meeting_id = int(cursor.lastrowid or 0)
            await conn.executemany(
                "INSERT INTO council_rows (meeting_id, dossier_id) VALUES (?, ?)"
                " ON CONFLICT DO NOTHING",
                [(meeting_id, dossier_id) for dossier_id in dossier_ids],
            )
        return meeting_id

    async def meeting_of(self, dossier_id: int) -> tuple[int, date, int | None] | None:
        """(meeting id, date, votes for if recorded) of the dossier's agenda row."""
        row = await self.db.fetch_one(
            "SELECT m.id, m.meets_on, c.votes_for FROM council_rows c"
            " JOIN council_meetings m ON m.id = c.meeting_id WHERE c.dossier_id = ?",
            (dossier_id,),
        )
        return (row[0], date.fromisoformat(row[1]), row[2]) if row else None

    async def record_vote(
        self,
        *,
        dossier_id: int,
        votes_for: int,
        members: int,
        threshold_pct: int,
        passed: bool,
        actor: str,
        now: datetime,
    ) -> bool:
        """False when a vote is already recorded for the row (it is recorded once)."""
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE council_rows SET votes_for = ?, members = ?, threshold_pct = ?,"
                " passed = ?, recorded_by = ?, recorded_at = ?"
                " WHERE dossier_id = ? AND votes_for IS NULL",
                (
                    votes_for,
                    members,
                    threshold_pct,
                    int(passed),
                    actor,
                    instant_to_db(now),
                    dossier_id,
                ),
            )
            return cursor.rowcount == 1

    async def clear_vote(self, dossier_id: int) -> None:
        async with self.db.transaction() as conn:
            await conn.execute(
                "UPDATE council_rows SET votes_for = NULL, members = NULL, threshold_pct = NULL,"
                " passed = NULL, recorded_by = NULL, recorded_at = NULL WHERE dossier_id = ?",
                (dossier_id,),
            )

    async def attach_minutes(self, meeting_id: int, file_name: str, content: bytes) -> bool:
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE council_meetings SET minutes_name = ?, minutes_bytes = ? WHERE id = ?",
                (file_name, content, meeting_id),
            )
            return cursor.rowcount == 1

    async def minutes(self, meeting_id: int) -> tuple[str, bytes] | None:
        row = await self.db.fetch_one(
            "SELECT minutes_name, minutes_bytes FROM council_meetings WHERE id = ?"
            " AND minutes_bytes IS NOT NULL",
            (meeting_id,),
        )
        return (row[0], bytes(row[1])) if row else None

    async def decision_rows(self) -> list[DecisionRow]:
        """The rows the council passed that no decision holds yet, with the unit's chat, in
        the order of the submissions and their lists (the decision's order)."""
        rows = await self.db.fetch_all(
            f"SELECT {_DOSSIER_COLUMNS}, s.channel AS unit_channel, s.chat_id AS unit_chat,"
            " u.name AS unit_name FROM council_rows c JOIN dossiers d ON d.id = c.dossier_id"
            " JOIN submission_rows r ON r.dossier_id = d.id"
            " JOIN submissions s ON s.id = r.submission_id JOIN units u ON u.id = s.unit_id"
            " WHERE c.passed = 1 AND d.status = ? AND NOT EXISTS"
            " (SELECT 1 FROM decision_rows x WHERE x.dossier_id = d.id)"
            " ORDER BY s.id, r.row_number",
            (Status.passed.value,),
        )
        return [
            DecisionRow(
                Dossier.from_row(row),
                row["unit_channel"] or "",
                row["unit_chat"] or "",
                row["unit_name"],
            )
            for row in rows
        ]

    async def record_decision(
        self,
        conn: aiosqlite.Connection,
        *,
        number: str,
        signed_on: date,
        file_name: str,
        content: bytes,
        actor: str,
        now: datetime,
        dossier_ids: list[int],
        unit_notices: list[tuple[str, str, dict[str, Any]]],
    ) -> bool:
        """Inside the caller's transaction (the one that moved the rows to decided): the
        decision, its rows and one message per unit chat. False when the number is taken."""
        async with conn.execute(
            "SELECT 1 FROM award_decisions WHERE number = ?", (number,)
        ) as cursor:
            if await cursor.fetchone() is not None:
                return False
        cursor = await conn.execute(
            "INSERT INTO award_decisions (number, signed_on, file_name, file_bytes,"
            " recorded_by, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            (number, signed_on.isoformat(), file_name, content, actor, instant_to_db(now)),
        )
        decision_id = int(cursor.lastrowid or 0)
        for dossier_id in dossier_ids:
            await conn.execute(
                "INSERT INTO decision_rows (decision_id, dossier_id) VALUES (?, ?)",
                (decision_id, dossier_id),
            )
        for channel, chat_id, payload in unit_notices:
            await enqueue(
                conn,
                key=f"decision:{decision_id}:{channel}:{chat_id}",
                channel=channel,
                chat_id=chat_id,
                payload=payload,
                at=now,
            )
        return True

    async def decision_list(self, number: str) -> tuple[date, list[Awarded]] | None:
        """The decision's date and its rows in order, for the printed list."""
        head = await self.db.fetch_one(
            "SELECT id, signed_on FROM award_decisions WHERE number = ?", (number,)
        )
        if head is None:
            return None
        rows = await self.db.fetch_all(
            "SELECT d.nominee, d.unit, d.award_kind, u.name AS unit_name FROM decision_rows x"
            " JOIN dossiers d ON d.id = x.dossier_id"
            " JOIN submission_rows r ON r.dossier_id = d.id"
            " JOIN submissions s ON s.id = r.submission_id JOIN units u ON u.id = s.unit_id"
            " WHERE x.decision_id = ? ORDER BY s.id, r.row_number",
            (head["id"],),
        )
        items = [Awarded(r["nominee"], r["unit"], r["award_kind"], r["unit_name"]) for r in rows]
        return date.fromisoformat(head["signed_on"]), items


@dataclass(frozen=True, slots=True)
class ReviewFigures:
    """The report's lines on submissions received in a period, as they stood on a day."""

    submissions: int
    rows: int
    #: Campaign or topic (the submission's) → rows; "" for none named.
    by_campaign: dict[str, int]
    returned_rows: int
    returned_within: int
    council_passed: int
    council_failed: int


async def review_figures(db: Database, start: date, end: date, as_of_end_utc: str) -> ReviewFigures:
    """Submissions received in [start, end]; returns and votes made before `as_of_end_utc`."""
    bounds = (start.isoformat(), end.isoformat())
    campaigns = await db.fetch_all(
        "SELECT s.campaign, COUNT(DISTINCT s.id) AS subs, COUNT(r.dossier_id) AS n"
        " FROM submissions s LEFT JOIN submission_rows r ON r.submission_id = s.id"
        " WHERE s.submitted_on BETWEEN ? AND ? GROUP BY s.campaign ORDER BY n DESC, s.campaign",
        bounds,
    )
    returns = await db.fetch_one(
        "SELECT COUNT(DISTINCT x.dossier_id), COUNT(DISTINCT CASE WHEN x.within_limit = 1"
        " THEN x.dossier_id END) FROM review_returns x JOIN submissions s ON s.id = x.submission_id"
        " WHERE s.submitted_on BETWEEN ? AND ? AND x.returned_at < ?",
        (*bounds, as_of_end_utc),
    )
    votes = await db.fetch_one(
        "SELECT COALESCE(SUM(c.passed = 1), 0), COALESCE(SUM(c.passed = 0), 0) FROM council_rows c"
        " JOIN submission_rows r ON r.dossier_id = c.dossier_id"
        " JOIN submissions s ON s.id = r.submission_id"
        " WHERE s.submitted_on BETWEEN ? AND ? AND c.recorded_at < ?",
        (*bounds, as_of_end_utc),
    )
    assert returns is not None and votes is not None  # aggregates always give a row
    return ReviewFigures(
        submissions=sum(row["subs"] for row in campaigns),
        rows=sum(row["n"] for row in campaigns),
        by_campaign={row["campaign"]: row["n"] for row in campaigns},
        returned_rows=returns[0],
        returned_within=returns[1],
        council_passed=votes[0],
        council_failed=votes[1],
    )


def _row_view(row: Any) -> RowView:
    return RowView(
        row["row_number"],
        row["verdict_text"],
        Dossier.from_row(row),
        _date(row["resubmit_by"]),
        _date(row["meets_on"]),
        row["votes_for"],
        row["members"],
        None if row["passed"] is None else bool(row["passed"]),
    )


def _head(row: Any) -> SubmissionHead:
    return SubmissionHead(
        row["id"],
        row["code"],
        row["unit"],
        row["campaign"],
        date.fromisoformat(row["submitted_on"]),
        row["channel"],
        row["chat_id"],
    )
