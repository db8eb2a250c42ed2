"""Nominations (đề nghị khen thưởng): drafts per chat, the one-transaction confirmation, lists.

A draft lives in `nomination_drafts`; while the officer works on it, the chat's conversation
row points at the `nomination` flow so that plain messages reach it. Confirming writes the
dossier, its code sequence, the nomination, its attachments and a history row together.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import aiosqlite

from db.connection import Database
from db.models import from_columns, instant_from_db, instant_to_db
from db.outbox import enqueue
from db.phones import store_phones
from domain.codes import make_code
from domain.statuses import Status

#: The conversation flow that routes a chat's messages to its draft.
FLOW = "nomination"
#: The code's last part has four digits.
MAX_SEQUENCE = 9999


class CodesExhausted(Exception):
    """All 9,999 codes of the day are used: nothing was written."""


@dataclass(slots=True)
class NominationDraft:
    """A nomination still being written in a chat (bản đề nghị đang soạn)."""

    channel: str
    chat_id: str
    officer: str
    step: str
    nonce: str
    created_at: datetime
    updated_at: datetime
    data: dict[str, Any] = field(default_factory=dict)

    def expired(self, now: datetime, ttl: timedelta) -> bool:
        return now - self.updated_at > ttl

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> NominationDraft:
        return from_columns(
            cls,
            row,
            created_at=instant_from_db(row["created_at"]),
            updated_at=instant_from_db(row["updated_at"]),
            data=json.loads(row["data"]),
        )


@dataclass(frozen=True, slots=True)
class AttachmentInput:
    """A file's metadata as the channel gave it; the bytes stay on the channel."""

    kind: str
    file_id: str
    file_name: str
    size: int | None
    mime_type: str | None


@dataclass(frozen=True, slots=True)
class NominationInput:
    """Every answer of a confirmed nomination and who registered it."""

    nominee_type: str
    nominee_name: str
    position: str
    unit: str
    award_kind: str
    movement: str | None
    achievements: str
    contact_name: str
    contact_phone: str
    registered_by: str
    registered_by_name: str
    channel: str
    chat_id: str
    attachments: tuple[AttachmentInput, ...] = ()


@dataclass(frozen=True, slots=True)
class NominationSummary:
    """One line of an officer's list (/denghicuatoi): the nomination and its dossier now."""

    code: str
    nominee_type: str
    nominee_name: str
    award_kind: str
    status: Status
    received_on: date
    due_on: date
    attachments: int


@dataclass(frozen=True, slots=True)
class NominationExportRow:
    """A nomination as the export writes it: every answer, the dossier code and status."""

    code: str
    status: str
    received_on: str
    due_on: str
    nominee_type: str
    nominee_name: str
    position: str
    unit: str
    award_kind: str
    movement: str | None
    achievements: str
    contact_name: str
    contact_phone: str
    attachments: str
    registered_by: str
    registered_by_name: str
    created_at: str


#: Renders the outbox notice an officer gets when the sweep deletes their expired draft.
ExpiryNotice = Callable[[NominationDraft], dict[str, Any]]


class NominationRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    # --- Drafts ---------------------------------------------------------------------------

    async def get_draft(self, channel: str, chat_id: str) -> NominationDraft | None:
        row = await self.db.fetch_one(
            "SELECT * FROM nomination_drafts WHERE channel = ? AND chat_id = ?", (channel, chat_id)
        )
        return NominationDraft.from_row(row) if row else None

    async def save_draft(self, draft: NominationDraft) -> None:
        """Write the draft and point the chat's conversation at it, together."""
        async with self.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO nomination_drafts"
                " (channel, chat_id, officer, step, nonce, data, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (channel, chat_id) DO UPDATE SET officer = excluded.officer,"
                " step = excluded.step, nonce = excluded.nonce, data = excluded.data,"
                " created_at = excluded.created_at, updated_at = excluded.updated_at",
                (
                    draft.channel,
                    draft.chat_id,
                    draft.officer,
                    draft.step,
                    draft.nonce,
                    json.dumps(draft.data, ensure_ascii=False),
                    instant_to_db(draft.created_at),
                    instant_to_db(draft.updated_at),
                ),
            )
            await conn.execute(
                "INSERT INTO conversations (channel, chat_id, flow, step, data, nonce, updated_at)"
                " VALUES (?, ?, ?, ?, '{}', ?, ?)"
                " ON CONFLICT (channel, chat_id) DO UPDATE SET flow = excluded.flow,"
                " step = excluded.step, data = excluded.data, nonce = excluded.nonce,"
                " updated_at = excluded.updated_at",
                (
                    draft.channel,
                    draft.chat_id,
                    FLOW,
                    draft.step,
                    draft.nonce,
                    instant_to_db(draft.updated_at),
                ),
            )

    async def delete_draft(self, channel: str, chat_id: str) -> bool:
        """Drop the draft (and the conversation row when it still points at it)."""
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "DELETE FROM nomination_drafts WHERE channel = ? AND chat_id = ?",
                (channel, chat_id),
            )
            await _release_conversation(conn, channel, chat_id)
            return cursor.rowcount == 1

    async def expire_drafts(
        self, *, cutoff: datetime, now: datetime, notice: ExpiryNotice
    ) -> list[NominationDraft]:
        """Delete drafts untouched since `cutoff`, telling each officer through the outbox."""
        async with self.db.transaction() as conn:
            async with conn.execute(
                "SELECT * FROM nomination_drafts WHERE updated_at < ? ORDER BY updated_at",
                (instant_to_db(cutoff),),
            ) as cursor:
                drafts = [NominationDraft.from_row(row) for row in await cursor.fetchall()]
            for draft in drafts:
                await conn.execute(
                    "DELETE FROM nomination_drafts WHERE channel = ? AND chat_id = ?",
                    (draft.channel, draft.chat_id),
                )
                await _release_conversation(conn, draft.channel, draft.chat_id)
                await enqueue(
                    conn,
                    key=f"nomination-draft-expired:{draft.channel}:{draft.chat_id}:{draft.nonce}",
                    channel=draft.channel,
                    chat_id=draft.chat_id,
                    payload=notice(draft),
                    at=now,
                )
        return drafts

    # --- Confirmation ---------------------------------------------------------------------

    async def create_from_draft(
        self,
        draft: NominationDraft,
        nomination: NominationInput,
        *,
        agency: str,
        received_on: date,
        due_on: date,
        dossier_unit: str,
        history_note: str,
        now: datetime,
        seal_phone: Callable[[str], bytes | None] | None = None,
    ) -> str | None:
        """Create the dossier (status received) and the nomination in one transaction.

        Returns the new dossier code, or None when the draft was already confirmed or
        cancelled (a second press of the same button): then nothing is written. The day's
        sequence is taken inside this BEGIN IMMEDIATE transaction, above both the last number
        handed out and every code of that day already in the dossiers (imported ones too).
        Raises CodesExhausted when the day has no number left.
        """
        stamp = instant_to_db(now)
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "DELETE FROM nomination_drafts WHERE channel = ? AND chat_id = ? AND nonce = ?",
                (draft.channel, draft.chat_id, draft.nonce),
            )
            if cursor.rowcount != 1:
                return None
            await _release_conversation(conn, draft.channel, draft.chat_id)
            code = await _next_code(conn, agency, received_on)
            cursor = await conn.execute(
                "INSERT INTO dossiers (code, award_kind, nominee, unit, phone_last4, received_on,"
                " due_on, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    code,
                    nomination.award_kind,
                    nomination.nominee_name,
                    dossier_unit,
                    nomination.contact_phone[-4:],
                    received_on.isoformat(),
                    due_on.isoformat(),
                    Status.received.value,
                    stamp,
                    stamp,
                ),
            )
            dossier_id = cursor.lastrowid
            sealed = seal_phone(code) if seal_phone is not None else None
            if sealed is not None:  # ZNS on: the contact's number, encrypted for this code
                await store_phones(conn, [(code, sealed)], stamp)
            await conn.execute(
                "INSERT INTO dossier_history"
                " (dossier_id, changed_at, actor, from_status, to_status, note)"
                " VALUES (?, ?, ?, NULL, ?, ?)",
                (dossier_id, stamp, nomination.registered_by, Status.received.value, history_note),
            )
            await _insert_nomination(conn, dossier_id, nomination, stamp)
        return code

    # --- Reading --------------------------------------------------------------------------

    async def count_for_officer(self, registered_by: str) -> int:
        row = await self.db.fetch_one(
            "SELECT COUNT(*) FROM nominations WHERE registered_by = ?", (registered_by,)
        )
        return int(row[0]) if row else 0

    async def for_officer(
        self, registered_by: str, *, limit: int, offset: int = 0
    ) -> list[NominationSummary]:
        """The officer's nominations, newest first, with their dossiers' current status."""
        rows = await self.db.fetch_all(
            "SELECT d.code, n.nominee_type, n.nominee_name, d.award_kind, d.status,"
            " d.received_on, d.due_on,"
            " (SELECT COUNT(*) FROM nomination_attachments a WHERE a.nomination_id = n.id)"
            " AS attachments"
            " FROM nominations n JOIN dossiers d ON d.id = n.dossier_id"
            " WHERE n.registered_by = ? ORDER BY n.id DESC LIMIT ? OFFSET ?",
            (registered_by, limit, offset),
        )
        return [
            from_columns(
                NominationSummary,
                row,
                status=Status(row["status"]),
                received_on=date.fromisoformat(row["received_on"]),
                due_on=date.fromisoformat(row["due_on"]),
                attachments=int(row["attachments"]),
            )
            for row in rows
        ]

    async def attachments_of(self, code: str) -> list[AttachmentInput]:
        """The files attached to the nomination of dossier `code`, in the order sent."""
        rows = await self.db.fetch_all(
            "SELECT a.kind, a.file_id, a.file_name, a.size, a.mime_type"
            " FROM nomination_attachments a JOIN nominations n ON n.id = a.nomination_id"
            " JOIN dossiers d ON d.id = n.dossier_id WHERE d.code = ? ORDER BY a.position",
            (code,),
        )
        return [from_columns(AttachmentInput, row) for row in rows]

    async def count_received(self, start: date | None = None, end: date | None = None) -> int:
        """Nominations whose dossier was received in [start, end] (all without bounds)."""
        row = await self.db.fetch_one(
            "SELECT COUNT(*) FROM nominations n JOIN dossiers d ON d.id = n.dossier_id"
            " WHERE d.received_on BETWEEN ? AND ?",
            _bounds(start, end),
        )
        return int(row[0]) if row else 0

    async def export_rows(
        self, start: date | None = None, end: date | None = None, *, batch_size: int = 1000
    ) -> AsyncIterator[list[NominationExportRow]]:
        """The period's nominations in order of receipt, a batch at a time (keyset paging)."""
        low, high = _bounds(start, end)
        after: tuple[str, int] = ("", 0)
        while True:
            rows = await self.db.fetch_all(
                "SELECT n.id, d.code, d.status, d.received_on, d.due_on, n.nominee_type,"
                " n.nominee_name, n.position, n.unit, n.award_kind, n.movement, n.achievements,"
                " n.contact_name, n.contact_phone, n.registered_by, n.registered_by_name,"
                " n.created_at, (SELECT group_concat(file_name, '; ') FROM"
                " (SELECT a.file_name FROM nomination_attachments a"
                " WHERE a.nomination_id = n.id ORDER BY a.position)) AS attachments"
                " FROM nominations n JOIN dossiers d ON d.id = n.dossier_id"
                " WHERE d.received_on BETWEEN ? AND ? AND (d.received_on, n.id) > (?, ?)"
                " ORDER BY d.received_on, n.id LIMIT ?",
                (low, high, *after, batch_size),
            )
            if not rows:
                return
            yield [
                from_columns(NominationExportRow, row, attachments=row["attachments"] or "")
                for row in rows
            ]
            after = (rows[-1]["received_on"], rows[-1]["id"])


async def _release_conversation(conn: aiosqlite.Connection, channel: str, chat_id: str) -> None:
    """Clear the chat's conversation only if it is the draft's; another flow stays open."""
    await conn.execute(
        "DELETE FROM conversations WHERE channel = ? AND chat_id = ? AND flow = ?",
        (channel, chat_id, FLOW),
    )


async def _next_code(conn: aiosqlite.Connection, agency: str, received_on: date) -> str:
    """Take the day's next sequence number; call inside the creating transaction."""
    day = received_on.isoformat()
    async with conn.execute(
        "SELECT last_seq FROM dossier_code_sequences WHERE agency = ? AND day = ?", (agency, day)
    ) as cursor:
        row = await cursor.fetchone()
    last = int(row[0]) if row else 0
    # Codes of the day, imported ones included, sort by their fixed-width sequence; the unique
    # index on dossiers.code answers this range query without a scan.
    async with conn.execute(
        "SELECT MAX(code) FROM dossiers WHERE code BETWEEN ? AND ?",
        (make_code(agency, received_on, 0), make_code(agency, received_on, MAX_SEQUENCE)),
    ) as cursor:
        highest = (await cursor.fetchone())[0]
    if highest is not None:
        last = max(last, int(highest.rsplit("-", 1)[1]))
    sequence = last + 1
    if sequence > MAX_SEQUENCE:
        raise CodesExhausted(f"{agency} {day}")
    await conn.execute(
        "INSERT INTO dossier_code_sequences (agency, day, last_seq) VALUES (?, ?, ?)"
        " ON CONFLICT (agency, day) DO UPDATE SET last_seq = excluded.last_seq",
        (agency, day, sequence),
    )
    return make_code(agency, received_on, sequence)


#: For the other writers of dossiers (db/submissions.py): the same day's sequence.
next_dossier_code = _next_code


def _bounds(start: date | None, end: date | None) -> tuple[str, str]:
    return (start.isoformat() if start else "0000-01-01", end.isoformat() if end else "9999-12-31")


def attachments_from(items: Sequence[dict[str, Any]]) -> tuple[AttachmentInput, ...]:
    """Attachments as kept in a draft's JSON, typed for `NominationInput`."""
    return tuple(
        AttachmentInput(
            kind=str(item["kind"]),
            file_id=str(item["file_id"]),
            file_name=str(item["file_name"]),
            size=item.get("size"),
            mime_type=item.get("mime_type"),
        )
        for item in items
    )


async def _insert_nomination(
    conn: aiosqlite.Connection, dossier_id: int | None, nomination: NominationInput, stamp: str
) -> None:
    """The nomination row of a new dossier and its attachments, in the caller's transaction."""
    cursor = await conn.execute(
        "INSERT INTO nominations (dossier_id, nominee_type, nominee_name, position, unit,"
        " award_kind, movement, achievements, contact_name, contact_phone, registered_by,"
        " registered_by_name, channel, chat_id, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            dossier_id,
            nomination.nominee_type,
            nomination.nominee_name,
            nomination.position,
            nomination.unit,
            nomination.award_kind,
            nomination.movement,
            nomination.achievements,
            nomination.contact_name,
            nomination.contact_phone,
            nomination.registered_by,
            nomination.registered_by_name,
            nomination.channel,
            nomination.chat_id,
            stamp,
        ),
    )
    nomination_id = cursor.lastrowid
    await conn.executemany(
        "INSERT INTO nomination_attachments"
        " (nomination_id, position, channel, kind, file_id, file_name, size, mime_type)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                nomination_id,
                position,
                nomination.channel,
                item.kind,
                item.file_id,
                item.file_name,
                item.size,
                item.mime_type,
            )
            for position, item in enumerate(nomination.attachments, start=1)
        ],
    )
