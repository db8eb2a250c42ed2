"""Reminder SQL (nhắc hạn): the sweep, digests, officer assignment, the /viec and /quahan lists.

Exactly once: a reminder is recorded in `reminders_sent` (dossier, rule, day) and a digest in
`digests_sent` (person, day) in the same transaction that puts its messages into the outbox,
whose dedupe keys are unique too. The sweep reads only the dossiers whose `remind_on` wake-up
date has come (a partial index), and moves it to the next reminder day in that transaction.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import aiosqlite

from db.connection import Database
from db.models import DossierInput, StaffMember, date_or_none, from_columns, instant_to_db
from db.outbox import enqueue
from domain.statuses import Status
from domain.text import fold

#: Must be written exactly like the partial indexes' WHERE, or SQLite will not use them.
OPEN = "d.status IN ('received', 'in_review', 'needs_supplement')"
#: Open with the clock running: the statuses that get due reminders.
RUNNING = frozenset({Status.received, Status.in_review})
#: The effective officer: an active staff member, else the dossier counts as unassigned.
_OFFICER_JOIN = "LEFT JOIN staff s ON s.id = d.officer_id AND s.active = 1"
# Issue 14 (snooze, migration 0011): `snoozed_until` is the first day a snoozed dossier is
# reminded again; until then the sweep does not select it. Keep this predicate when the sweep
# is rewritten: both `?` of the WHERE are the sweep's horizon (the local day it runs for).
SWEEP_SQL = (
    "SELECT id, code, nominee, award_kind, status, due_on, officer_id, remind_on"
    " FROM dossiers WHERE remind_on <= ?"
    " AND (snoozed_until IS NULL OR snoozed_until <= ?)"
    " ORDER BY remind_on, id LIMIT ?"
)
SWEEP_BATCH = 500


@dataclass(frozen=True, slots=True)
class DossierBrief:
    """A dossier as the reminder sweep and /giao see it, with its raw officer id (maybe no
    longer active)."""

    id: int
    code: str
    nominee: str
    award_kind: str
    status: Status
    due_on: date
    officer_id: int | None

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> DossierBrief:
        return from_columns(
            cls, row, status=Status(row["status"]), due_on=date.fromisoformat(row["due_on"])
        )


#: A dossier whose reminder wake-up date has come.
ReminderCandidate = DossierBrief
#: A dossier as /giao needs it.
AssignableDossier = DossierBrief


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One message to one chat, with the outbox dedupe key that makes it unique."""

    key: str
    channel: str
    chat_id: str
    payload: dict[str, Any]


@dataclass(frozen=True, slots=True)
class PlannedReminder:
    """A (dossier, rule, day) reminder and the messages it sends."""

    rule: str
    day: date
    messages: tuple[Outgoing, ...] = ()


@dataclass(frozen=True, slots=True)
class SweepPlan:
    """What to send for one dossier now, and the next day to look at it (None: never)."""

    reminders: tuple[PlannedReminder, ...] = ()
    next_on: date | None = None


Planner = Callable[[ReminderCandidate], SweepPlan]


@dataclass(slots=True)
class SweepResult:
    dossiers: int = 0
    reminders: int = 0
    messages: int = 0


@dataclass(frozen=True, slots=True)
class WorkItem:
    """An open dossier as /viec, /quahan and the digests show it."""

    id: int
    code: str
    nominee: str
    award_kind: str
    status: Status
    due_on: date
    supplement_since: date | None
    #: The effective officer: None when unassigned or assigned to someone no longer active.
    officer_id: int | None
    officer_name: str | None

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> WorkItem:
        return from_columns(
            cls,
            row,
            status=Status(row["status"]),
            due_on=date.fromisoformat(row["due_on"]),
            supplement_since=date_or_none(row["supplement_since"]),
        )


@dataclass(frozen=True, slots=True)
class BoardCounts:
    """Board-wide counts of open dossiers for the leaders' digest."""

    running: int
    due_today: int
    due_soon: int
    overdue: int
    supplement: int
    unassigned: int


class UnknownOfficerError(ValueError):
    """Import rows name officers that match no active officer (or several): nothing written."""

    def __init__(self, problems: list[tuple[str, str, int]]) -> None:
        super().__init__(f"{len(problems)} unknown officer reference(s)")
        #: (dossier code, the reference as written, how many officers matched: 0 or > 1)
        self.problems = problems


_ITEM_COLUMNS = (
    "d.id, d.code, d.nominee, d.award_kind, d.status, d.due_on, d.supplement_since,"
    " s.id AS officer_id, s.name AS officer_name"
)


def _scope(officer_id: int | None) -> tuple[str, tuple[Any, ...]]:
    """Officers see their dossiers and the unassigned ones; None means everything (leaders)."""
    if officer_id is None:
        return "", ()
    return " AND (s.id = ? OR s.id IS NULL)", (officer_id,)


class ReminderRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    # --- the sweep -------------------------------------------------------------------------

    async def recipients(self) -> tuple[list[StaffMember], set[int]]:
        """Active staff (wanting reminders or not), and the ids of those who blocked the bot."""
        rows = await self.db.fetch_all(
            "SELECT staff.*, EXISTS (SELECT 1 FROM blocked_chats b WHERE b.channel = staff.channel"
            " AND b.chat_id = staff.chat_id) AS blocked FROM staff WHERE active = 1 ORDER BY id"
        )
        members = [StaffMember.from_row(row) for row in rows]
        return members, {row["id"] for row in rows if row["blocked"]}

    async def sweep(
        self,
        *,
        horizon: date,
        planner: Planner,
        now: datetime,
        batch_size: int = SWEEP_BATCH,
    ) -> SweepResult:
        """Plan every dossier whose wake-up date is on or before `horizon`, batch by batch.

        Each batch is one transaction: read, record, enqueue, move the wake-up dates. A crash
        loses at most the open batch, which the next sweep does again; the records make that
        repeat send nothing twice.
        """
        result = SweepResult()
        stamp = instant_to_db(now)
        while True:
            async with self.db.transaction() as conn:
                async with conn.execute(
                    SWEEP_SQL, (horizon.isoformat(), horizon.isoformat(), batch_size)
                ) as cursor:
                    rows = list(await cursor.fetchall())
                for row in rows:
                    candidate = ReminderCandidate.from_row(row)
                    plan = planner(candidate)
                    for reminder in plan.reminders:
                        if await _record_reminder(conn, candidate.id, reminder, stamp):
                            result.reminders += 1
                            for message in reminder.messages:
                                result.messages += await _enqueue(conn, message, now)
                    next_on = plan.next_on
                    if next_on is not None and next_on <= horizon:
                        # The planner must move forward, or this loop would never end.
                        next_on = horizon + timedelta(days=1)
                    await conn.execute(
                        "UPDATE dossiers SET remind_on = ? WHERE id = ?",
                        (next_on.isoformat() if next_on else None, candidate.id),
                    )
                result.dossiers += len(rows)
            if len(rows) < batch_size:
                return result

    async def reminders_recorded(self, dossier_id: int) -> list[tuple[str, date]]:
        rows = await self.db.fetch_all(
            "SELECT rule, day FROM reminders_sent WHERE dossier_id = ? ORDER BY day, rule",
            (dossier_id,),
        )
        return [(row[0], date.fromisoformat(row[1])) for row in rows]

    # --- digests ---------------------------------------------------------------------------

    async def digested(self, day: date) -> set[int]:
        """Staff ids whose digest of `day` is recorded (sent, or found empty)."""
        rows = await self.db.fetch_all(
            "SELECT staff_id FROM digests_sent WHERE day = ?", (day.isoformat(),)
        )
        return {row[0] for row in rows}

    async def record_digest(
        self, *, staff_id: int, day: date, items: int, message: Outgoing | None, now: datetime
    ) -> bool:
        """Record the (person, day) digest and enqueue it together; False when already done."""
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "INSERT INTO digests_sent (staff_id, day, items, sent_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (staff_id, day) DO NOTHING",
                (staff_id, day.isoformat(), items, instant_to_db(now)),
            )
            if cursor.rowcount != 1:
                return False
            if message is not None:
                await _enqueue(conn, message, now)
            return True

    async def open_items(self, officer_id: int, due_until: date) -> list[WorkItem]:
        """An officer's digest: running dossiers due on or before `due_until` (overdue too)
        and everything waiting for supplements, theirs and unassigned, by due date."""
        rows = await self.db.fetch_all(
            f"SELECT {_ITEM_COLUMNS} FROM dossiers d {_OFFICER_JOIN} WHERE {OPEN}"
            " AND (d.due_on <= ? OR d.status = 'needs_supplement')"
            " AND (s.id = ? OR s.id IS NULL) ORDER BY d.due_on, d.id",
            (due_until.isoformat(), officer_id),
        )
        return [WorkItem.from_row(row) for row in rows]

    async def digest_sections(
        self, *, today: date, today_until: date, soon_until: date, limit: int
    ) -> dict[int | None, tuple[list[WorkItem], dict[str, int]]]:
        """`open_items` as the digests show them, for every officer in one pass: per effective
        officer (None: unassigned) the first `limit` of each section (overdue, today, soon,
        wait) by due date, and how many each section holds. An officer's digest is their own
        plus the unassigned (`officer_digest_items`)."""
        rows = await self.db.fetch_all(
            "SELECT * FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY officer_id, section"
            " ORDER BY due_on, id) AS place,"
            " COUNT(*) OVER (PARTITION BY officer_id, section) AS total"
            f" FROM (SELECT {_ITEM_COLUMNS}, CASE WHEN d.status = 'needs_supplement'"
            " THEN 'wait' WHEN d.due_on < ? THEN 'overdue'"
            " WHEN d.due_on <= ? THEN 'today' ELSE 'soon' END AS section"
            f" FROM dossiers d {_OFFICER_JOIN} WHERE {OPEN}"
            " AND (d.due_on <= ? OR d.status = 'needs_supplement')) AS items) AS ranked"
            " WHERE place <= ? ORDER BY due_on, id",
            (today.isoformat(), today_until.isoformat(), soon_until.isoformat(), limit),
        )
        found: dict[int | None, tuple[list[WorkItem], dict[str, int]]] = {}
        for row in rows:
            items, counts = found.setdefault(row["officer_id"], ([], {}))
            items.append(WorkItem.from_row(row))
            counts[row["section"]] = int(row["total"])
        return found

    async def board_counts(self, today: date, today_until: date, soon_until: date) -> BoardCounts:
        """Counts of open dossiers; due dates up to `today_until` count as due today."""
        row = await self.db.fetch_one(
            "SELECT"
            " COALESCE(SUM(d.status <> 'needs_supplement'), 0),"
            " COALESCE(SUM(d.status <> 'needs_supplement' AND d.due_on >= ?"
            "  AND d.due_on <= ?), 0),"
            " COALESCE(SUM(d.status <> 'needs_supplement' AND d.due_on > ?"
            "  AND d.due_on <= ?), 0),"
            " COALESCE(SUM(d.status <> 'needs_supplement' AND d.due_on < ?), 0),"
            " COALESCE(SUM(d.status = 'needs_supplement'), 0),"
            " COALESCE(SUM(s.id IS NULL), 0)"
            f" FROM dossiers d {_OFFICER_JOIN} WHERE {OPEN}",
            (
                today.isoformat(),
                today_until.isoformat(),
                today_until.isoformat(),
                soon_until.isoformat(),
                today.isoformat(),
            ),
        )
        assert row is not None
        return BoardCounts(*(int(value) for value in row))

    # --- work lists ------------------------------------------------------------------------

    async def worklist(
        self,
        *,
        officer_id: int | None,
        overdue_before: date | None,
        limit: int,
        offset: int,
    ) -> tuple[list[WorkItem], int]:
        """Running dossiers by due date (only those due before `overdue_before` when given),
        one page of them and how many there are in all."""
        scope, params = _scope(officer_id)
        where = f"{OPEN} AND d.status <> 'needs_supplement'{scope}"
        if overdue_before is not None:
            where += " AND d.due_on < ?"
            params = (*params, overdue_before.isoformat())
        count = await self.db.fetch_one(
            f"SELECT COUNT(*) FROM dossiers d {_OFFICER_JOIN} WHERE {where}", params
        )
        rows = await self.db.fetch_all(
            f"SELECT {_ITEM_COLUMNS} FROM dossiers d {_OFFICER_JOIN} WHERE {where}"
            " ORDER BY d.due_on, d.id LIMIT ? OFFSET ?",
            (*params, limit, offset),
        )
        return [WorkItem.from_row(row) for row in rows], int(count[0]) if count else 0

    async def supplement_count(self, officer_id: int | None) -> int:
        scope, params = _scope(officer_id)
        row = await self.db.fetch_one(
            f"SELECT COUNT(*) FROM dossiers d {_OFFICER_JOIN}"
            f" WHERE {OPEN} AND d.status = 'needs_supplement'{scope}",
            params,
        )
        return int(row[0]) if row else 0

    # --- assignment ------------------------------------------------------------------------

    async def assignable(self, codes: Sequence[str]) -> AssignableDossier | None:
        """The first of the candidate codes that exists, with its raw officer id."""
        for code in codes:
            row = await self.db.fetch_one(
                "SELECT id, code, nominee, award_kind, status, due_on, officer_id"
                " FROM dossiers WHERE code = ?",
                (code,),
            )
            if row is not None:
                return AssignableDossier.from_row(row)
        return None

    async def active_officers(self) -> list[StaffMember]:
        rows = await self.db.fetch_all(
            "SELECT * FROM staff WHERE active = 1 AND role = 'officer' ORDER BY name, id"
        )
        return [StaffMember.from_row(row) for row in rows]

    async def assign(
        self,
        *,
        dossier_id: int,
        expected_officer_id: int | None,
        officer_id: int | None,
        actor: str,
        now: datetime,
        notices: Callable[[int], Iterable[Outgoing]],
    ) -> bool:
        """Give the dossier to `officer_id` (None: unassign), log it, enqueue the notices.

        False when the dossier's officer is no longer `expected_officer_id` (someone else
        assigned it meanwhile) or the new officer is no longer an active officer.
        `notices` gets the assignment id, which makes the messages' dedupe keys unique.
        """
        stamp = instant_to_db(now)
        async with self.db.transaction() as conn:
            async with conn.execute(
                "SELECT officer_id FROM dossiers WHERE id = ?", (dossier_id,)
            ) as cursor:
                row = await cursor.fetchone()
            if row is None or row[0] != expected_officer_id:
                return False
            if officer_id is not None:
                async with conn.execute(
                    "SELECT 1 FROM staff WHERE id = ? AND active = 1 AND role = 'officer'",
                    (officer_id,),
                ) as cursor:
                    if await cursor.fetchone() is None:
                        return False
            await conn.execute(
                "UPDATE dossiers SET officer_id = ?, updated_at = ? WHERE id = ?",
                (officer_id, stamp, dossier_id),
            )
            cursor = await conn.execute(
                "INSERT INTO dossier_assignments"
                " (dossier_id, from_officer, to_officer, actor, assigned_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (dossier_id, expected_officer_id, officer_id, actor, stamp),
            )
            for message in notices(int(cursor.lastrowid or 0)):
                await _enqueue(conn, message, now)
            return True

    async def assignments(self, dossier_id: int) -> list[tuple[int | None, int | None, str]]:
        """(from, to, actor) of every assignment of the dossier, oldest first."""
        rows = await self.db.fetch_all(
            "SELECT from_officer, to_officer, actor FROM dossier_assignments"
            " WHERE dossier_id = ? ORDER BY id",
            (dossier_id,),
        )
        return [(row[0], row[1], row[2]) for row in rows]

    async def officer_of(self, code: str) -> int | None:
        row = await self.db.fetch_one("SELECT officer_id FROM dossiers WHERE code = ?", (code,))
        return row[0] if row else None


async def _record_reminder(
    conn: aiosqlite.Connection, dossier_id: int, reminder: PlannedReminder, stamp: str
) -> bool:
    cursor = await conn.execute(
        "INSERT INTO reminders_sent (dossier_id, rule, day, recipients, sent_at)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT (dossier_id, rule, day) DO NOTHING",
        (dossier_id, reminder.rule, reminder.day.isoformat(), len(reminder.messages), stamp),
    )
    return cursor.rowcount == 1


async def _enqueue(conn: aiosqlite.Connection, message: Outgoing, now: datetime) -> int:
    added = await enqueue(
        conn,
        key=message.key,
        channel=message.channel,
        chat_id=message.chat_id,
        payload=message.payload,
        at=now,
    )
    return int(added)


async def assign_imported(
    conn: aiosqlite.Connection, items: Sequence[DossierInput], *, actor: str, stamp: str
) -> int:
    """Inside an import's transaction: give each row's dossier to the officer it names.

    The `officer` column holds an active officer's registered name (accents and case do not
    matter) or staff id; an empty cell keeps the current assignment. Raises
    UnknownOfficerError, rolling the whole import back, when a name matches no one or several.
    """
    named = [item for item in items if getattr(item, "officer", None)]
    if not named:
        return 0
    async with conn.execute(
        "SELECT id, name FROM staff WHERE active = 1 AND role = 'officer'"
    ) as cursor:
        officers = [(row[0], row[1]) for row in await cursor.fetchall()]
    by_name: dict[str, list[int]] = {}
    for staff_id, name in officers:
        by_name.setdefault(fold(name), []).append(staff_id)
    ids = {staff_id for staff_id, _name in officers}
    resolved: list[tuple[str, int]] = []
    problems: list[tuple[str, str, int]] = []
    for item in named:
        reference = str(item.officer).strip()
        if reference.isdecimal() and int(reference) in ids:
            resolved.append((item.code, int(reference)))
            continue
        matches = by_name.get(fold(reference), [])
        if len(matches) == 1:
            resolved.append((item.code, matches[0]))
        else:
            problems.append((item.code, reference, len(matches)))
    if problems:
        raise UnknownOfficerError(problems)
    changed = 0
    for code, officer_id in resolved:
        async with conn.execute(
            "SELECT id, officer_id FROM dossiers WHERE code = ?", (code,)
        ) as cursor:
            row = await cursor.fetchone()
        if row is None or row[1] == officer_id:
            continue
        await conn.execute("UPDATE dossiers SET officer_id = ? WHERE id = ?", (officer_id, row[0]))
        await conn.execute(
            "INSERT INTO dossier_assignments"
            " (dossier_id, from_officer, to_officer, actor, assigned_at) VALUES (?, ?, ?, ?, ?)",
            (row[0], row[1], officer_id, actor, stamp),
        )
        changed += 1
    return changed
