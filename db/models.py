"""Typed rows the repositories return, and the conversions between SQLite text and Python."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime
from functools import cache
from typing import Any, TypeVar

from domain.statuses import Status


def instant_to_db(moment: datetime) -> str:
    """Instants are stored in UTC with a fixed format so that text order is time order."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def instant_from_db(text: str) -> datetime:
    return datetime.fromisoformat(text)


def date_or_none(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


# `Status(value)` goes through the Enum machinery (a µs a call); a row is read at every lookup.
_STATUS_OF = {status.value: status for status in Status}


def status_from_db(value: str) -> Status:
    found = _STATUS_OF.get(value)
    return found if found is not None else Status(value)


_Record = TypeVar("_Record")


def from_columns(cls: type[_Record], row: sqlite3.Row, **converted: Any) -> _Record:
    """The dataclass `cls` from the row's columns of the same names as its fields.

    `converted` gives the fields whose stored value needs converting (dates, instants,
    statuses, JSON); every other field takes its column's value as SQLite returns it.
    """
    for name in _field_names(cls):
        if name not in converted:
            converted[name] = row[name]
    return cls(**converted)


@cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(item.name for item in fields(cls))


@dataclass(frozen=True, slots=True)
class Dossier:
    """A commendation dossier (hồ sơ đề nghị khen thưởng)."""

    id: int
    code: str
    award_kind: str
    nominee: str
    unit: str
    phone_last4: str
    received_on: date
    due_on: date
    status: Status
    resolved_on: date | None
    decision_no: str | None
    note: str | None
    supplement_since: date | None = None

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Dossier:
        # Spelled out rather than `from_columns`: read at every citizen lookup.
        return cls(
            row["id"],
            row["code"],
            row["award_kind"],
            row["nominee"],
            row["unit"],
            row["phone_last4"],
            date.fromisoformat(row["received_on"]),
            date.fromisoformat(row["due_on"]),
            status_from_db(row["status"]),
            date_or_none(row["resolved_on"]),
            row["decision_no"],
            row["note"],
            date_or_none(row["supplement_since"]),
        )


@dataclass(frozen=True, slots=True)
class DossierInput:
    """What an import row or a confirmed nomination writes into a dossier."""

    code: str
    award_kind: str
    nominee: str
    unit: str
    phone_last4: str
    received_on: date
    due_on: date
    status: Status
    resolved_on: date | None = None
    decision_no: str | None = None
    note: str | None = None
    #: The import's `officer` column: an officer's registered name or staff id (None: keep).
    officer: str | None = None
    #: Since when a needs_supplement dossier waits (its deadline is paused from this day).
    supplement_since: date | None = None
    #: The phone cell as written; the full number is kept (sealed) only when ZNS is on.
    phone: str | None = None


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One status change (lịch sử xử lý): who, when, from, to, note."""

    id: int
    dossier_id: int
    changed_at: datetime
    actor: str
    from_status: Status | None
    to_status: Status
    note: str | None

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> HistoryEntry:
        # Spelled out rather than `from_columns`: the status card reads three at every lookup.
        from_status = row["from_status"]
        return cls(
            row["id"],
            row["dossier_id"],
            instant_from_db(row["changed_at"]),
            row["actor"],
            status_from_db(from_status) if from_status else None,
            status_from_db(row["to_status"]),
            row["note"],
        )


@dataclass(slots=True)
class Conversation:
    """The open multi-step conversation of one chat, kept in the database."""

    channel: str
    chat_id: str
    flow: str
    step: str
    nonce: str
    updated_at: datetime
    data: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Conversation:
        # Spelled out rather than `from_columns`: read at every message.
        return cls(
            row["channel"],
            row["chat_id"],
            row["flow"],
            row["step"],
            row["nonce"],
            instant_from_db(row["updated_at"]),
            json.loads(row["data"]),
        )


@dataclass(frozen=True, slots=True)
class ImportCounts:
    inserted: int
    updated: int
    unchanged: int


@dataclass(frozen=True, slots=True)
class StaffMember:
    """A board officer (chuyên viên) or leader (lãnh đạo) registered through an invite."""

    id: int
    channel: str
    user_id: str
    chat_id: str
    name: str
    role: str
    active: bool
    reminders_enabled: bool

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> StaffMember:
        return from_columns(
            cls,
            row,
            active=bool(row["active"]),
            reminders_enabled=bool(row["reminders_enabled"]),
        )


@dataclass(frozen=True, slots=True)
class Invite:
    code: str
    role: str
    created_by: str
    expires_at: datetime
    used_by: str | None


@dataclass(frozen=True, slots=True)
class Follow:
    """A chat following a dossier (theo dõi hồ sơ) to be told when its status changes."""

    channel: str
    chat_id: str
    dossier_id: int
    code: str
    status: Status


@dataclass(frozen=True, slots=True)
class OutboxMessage:
    """One message waiting in, or done with, the persistent outbox."""

    id: int
    dedupe_key: str
    channel: str
    chat_id: str
    payload: dict[str, Any]
    state: str
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    #: When it was queued: a patient channel's notice waits for an outage up to an age.
    created_at: datetime | None = None

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> OutboxMessage:
        return from_columns(
            cls,
            row,
            payload=json.loads(row["payload"]),
            next_attempt_at=instant_from_db(row["next_attempt_at"]),
            created_at=instant_from_db(row["created_at"]),
        )
