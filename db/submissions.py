"""Units (đơn vị), their emulation officers, and the nomination lists they submit (issue 24).

A submission is written in one transaction: the submission row with the file as sent, one
dossier per accepted row (code, due date, history), the link rows, and a follow of every new
dossier by the submitting chat so its person is told of each change.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date, datetime

import aiosqlite

from db.connection import Database
from db.models import instant_to_db
from db.nominations import next_dossier_code
from domain.statuses import Status
from domain.text import fold


@dataclass(frozen=True, slots=True)
class Unit:
    id: int
    name: str


@dataclass(frozen=True, slots=True)
class UnitMember:
    channel: str
    user_id: str
    chat_id: str
    unit: Unit
    name: str


@dataclass(frozen=True, slots=True)
class SubmissionRowInput:
    """One accepted row: the dossier it becomes and the verdict it had."""

    row_number: int
    nominee_type: str
    nominee: str
    unit_text: str
    award_kind: str
    phone_last4: str
    due_on: date
    verdict: str
    verdict_text: str


@dataclass(frozen=True, slots=True)
class SubmissionSummary:
    code: str
    campaign: str
    submitted_on: date
    rows: int


@dataclass(frozen=True, slots=True)
class SubmittedDossier:
    submission_code: str
    row_number: int
    code: str
    nominee: str
    award_kind: str
    status: Status
    due_on: date


class SubmissionRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def unit_named(self, name: str, now: datetime) -> Unit:
        """The unit of this name (accents and case aside), created when new."""
        key = fold(name)
        async with self.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO units (name, name_key, created_at) VALUES (?, ?, ?)"
                " ON CONFLICT (name_key) DO NOTHING",
                (" ".join(name.split()), key, instant_to_db(now)),
            )
            async with conn.execute(
                "SELECT id, name FROM units WHERE name_key = ?", (key,)
            ) as cursor:
                row = await cursor.fetchone()
        return Unit(row[0], row[1])

    async def create_invite(
        self, *, code: str, unit: Unit, created_by: str, now: datetime, expires_at: datetime
    ) -> None:
        async with self.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO unit_invites (code, unit_id, created_by, created_at, expires_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (code, unit.id, created_by, instant_to_db(now), instant_to_db(expires_at)),
            )

    async def redeem_invite(
        self, *, code: str, channel: str, user_id: str, chat_id: str, name: str, now: datetime
    ) -> UnitMember | None:
        """Use the invite and register the person for its unit; None if unknown, used or
        expired (checked and written in one transaction, so two people cannot share it)."""
        stamp = instant_to_db(now)
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE unit_invites SET used_by = ?, used_at = ?"
                " WHERE code = ? AND used_by IS NULL AND expires_at > ?",
                (f"{channel}:{user_id}", stamp, code, stamp),
            )
            if cursor.rowcount != 1:
                return None
            await conn.execute(
                "INSERT INTO unit_members (channel, user_id, chat_id, unit_id, name, joined_at)"
                " SELECT ?, ?, ?, unit_id, ?, ? FROM unit_invites WHERE code = ?"
                " ON CONFLICT (channel, user_id) DO UPDATE SET chat_id = excluded.chat_id,"
                " unit_id = excluded.unit_id, name = excluded.name, active = 1,"
                " joined_at = excluded.joined_at",
                (channel, user_id, chat_id, name, stamp, code),
            )
        return await self.member(channel, user_id)

    async def invite(
        self, code: str, conn: aiosqlite.Connection | None = None
    ) -> tuple[str | None, datetime] | None:
        """(who used it, when it expires) of a unit's invite, or None when there is none;
        `conn`: inside the caller's transaction (the wrong-code limits are checked in it)."""
        sql = "SELECT used_by, expires_at FROM unit_invites WHERE code = ?"
        if conn is None:
            row = await self.db.fetch_one(sql, (code,))
        else:
            row = next(iter(await conn.execute_fetchall(sql, (code,))), None)
        return (row["used_by"], datetime.fromisoformat(row["expires_at"])) if row else None

    async def member(self, channel: str, user_id: str) -> UnitMember | None:
        row = await self.db.fetch_one(
            "SELECT m.channel, m.user_id, m.chat_id, m.name, u.id, u.name AS unit_name"
            " FROM unit_members m JOIN units u ON u.id = m.unit_id"
            " WHERE m.channel = ? AND m.user_id = ? AND m.active = 1",
            (channel, user_id),
        )
        if row is None:
            return None
        unit = Unit(row["id"], row["unit_name"])
        return UnitMember(row["channel"], row["user_id"], row["chat_id"], unit, row["name"])

    async def keep_check(
        self,
        *,
        channel: str,
        chat_id: str,
        unit: Unit,
        file_name: str,
        content: bytes,
        nonce: str,
        now: datetime,
    ) -> None:
        """Remember the list just checked in this chat, replacing any earlier one."""
        async with self.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO unit_list_checks"
                " (channel, chat_id, unit_id, file_name, file_bytes, nonce, checked_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (channel, chat_id) DO UPDATE SET"
                " unit_id = excluded.unit_id, file_name = excluded.file_name,"
                " file_bytes = excluded.file_bytes, nonce = excluded.nonce,"
                " checked_at = excluded.checked_at",
                (channel, chat_id, unit.id, file_name, content, nonce, instant_to_db(now)),
            )

    async def kept_check(self, channel: str, chat_id: str) -> sqlite3.Row | None:
        return await self.db.fetch_one(
            "SELECT * FROM unit_list_checks WHERE channel = ? AND chat_id = ?", (channel, chat_id)
        )

    async def submit(
        self,
        *,
        unit: Unit,
        campaign: str,
        file_name: str,
        content: bytes,
        rows: list[SubmissionRowInput],
        agency: str,
        received_on: date,
        actor: str,
        history_note: str,
        now: datetime,
        channel: str = "",
        chat_id: str = "",
        nonce: str | None = None,
    ) -> tuple[str, list[str]] | None:
        """Write the submission and one dossier per row; return its code and the dossier codes.

        With `nonce` (from chat), the kept check of that chat is consumed in the same
        transaction: a second press of the button writes nothing and returns None.
        """
        stamp = instant_to_db(now)
        async with self.db.transaction() as conn:
            if nonce is not None:
                cursor = await conn.execute(
                    "DELETE FROM unit_list_checks WHERE channel = ? AND chat_id = ? AND nonce = ?",
                    (channel, chat_id, nonce),
                )
                if cursor.rowcount != 1:
                    return None
            code = await _next_submission_code(conn, received_on)
            cursor = await conn.execute(
                "INSERT INTO submissions (code, unit_id, campaign, submitted_on, submitted_by,"
                " channel, chat_id, file_name, file_bytes, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    code,
                    unit.id,
                    campaign,
                    received_on.isoformat(),
                    actor,
                    channel,
                    chat_id,
                    file_name,
                    content,
                    stamp,
                ),
            )
            submission_id = cursor.lastrowid
            note = history_note.format(code=code)
            codes = [
                await _write_row(
                    conn,
                    submission_id,
                    row,
                    agency,
                    received_on,
                    actor,
                    note,
                    stamp,
                    channel,
                    chat_id,
                )
                for row in rows
            ]
        return code, codes

    async def for_unit(self, unit: Unit, limit: int = 20) -> list[SubmissionSummary]:
        rows = await self.db.fetch_all(
            "SELECT s.code, s.campaign, s.submitted_on, COUNT(r.dossier_id) AS n"
            " FROM submissions s LEFT JOIN submission_rows r ON r.submission_id = s.id"
            " WHERE s.unit_id = ? GROUP BY s.id ORDER BY s.id DESC LIMIT ?",
            (unit.id, limit),
        )
        return [
            SubmissionSummary(
                r["code"], r["campaign"], date.fromisoformat(r["submitted_on"]), r["n"]
            )
            for r in rows
        ]

    async def dossiers_of_unit(self, unit: Unit, limit: int = 50) -> list[SubmittedDossier]:
        rows = await self.db.fetch_all(
            "SELECT s.code AS submission, r.row_number, d.code, d.nominee, d.award_kind,"
            " d.status, d.due_on FROM submission_rows r"
            " JOIN submissions s ON s.id = r.submission_id JOIN dossiers d ON d.id = r.dossier_id"
            " WHERE s.unit_id = ? ORDER BY s.id DESC, r.row_number LIMIT ?",
            (unit.id, limit),
        )
        return [
            SubmittedDossier(
                r["submission"],
                r["row_number"],
                r["code"],
                r["nominee"],
                r["award_kind"],
                Status(r["status"]),
                date.fromisoformat(r["due_on"]),
            )
            for r in rows
        ]


async def _write_row(
    conn: aiosqlite.Connection,
    submission_id: int | None,
    row: SubmissionRowInput,
    agency: str,
    received_on: date,
    actor: str,
    note: str,
    stamp: str,
    channel: str,
    chat_id: str,
) -> str:
    code = await next_dossier_code(conn, agency, received_on)
    cursor = await conn.execute(
        "INSERT INTO dossiers (code, award_kind, nominee, unit, phone_last4, received_on,"
        " due_on, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            code,
            row.award_kind,
            row.nominee,
            row.unit_text,
            row.phone_last4,
            received_on.isoformat(),
            row.due_on.isoformat(),
            Status.received.value,
            stamp,
            stamp,
        ),
    )
    dossier_id = cursor.lastrowid
    await conn.execute(
        "INSERT INTO dossier_history (dossier_id, changed_at, actor, from_status, to_status, note)"
        " VALUES (?, ?, ?, NULL, ?, ?)",
        (dossier_id, stamp, actor, Status.received.value, note),
    )
    await conn.execute(
        "INSERT INTO submission_rows"
        " (submission_id, row_number, dossier_id, nominee_type, verdict, verdict_text)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (
            submission_id,
            row.row_number,
            dossier_id,
            row.nominee_type,
            row.verdict,
            row.verdict_text,
        ),
    )
    if channel and chat_id:
        await conn.execute(
            "INSERT INTO follows (channel, chat_id, dossier_id, created_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT DO NOTHING",
            (channel, chat_id, dossier_id, stamp),
        )
    return code


async def _next_submission_code(conn: aiosqlite.Connection, day: date) -> str:
    """`TT-YYMMDD-NN`: the day's submissions in order (tờ trình)."""
    prefix = f"TT-{day:%y%m%d}-"
    async with conn.execute(
        "SELECT COUNT(*) FROM submissions WHERE code LIKE ?", (prefix + "%",)
    ) as cursor:
        count = (await cursor.fetchone())[0]
    return f"{prefix}{count + 1:02d}"
