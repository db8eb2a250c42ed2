"""Dossier repository: look-ups, history, and the all-or-nothing upsert used by imports."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiosqlite

from db.connection import Database
from db.models import Dossier, DossierInput, HistoryEntry, ImportCounts, instant_to_db
from db.outbox import enqueue
from db.phones import enqueue_phone_notice, has_phone, store_phones
from db.reminders import assign_imported
from domain.statuses import Status

#: Renders the notice a follower gets for a status change (text and choices as a dict).
NoticeRenderer = Callable[[Dossier, HistoryEntry], dict[str, Any]]

_COLUMNS = (
    "id, code, award_kind, nominee, unit, phone_last4, received_on, due_on, status,"
    " resolved_on, decision_no, note, supplement_since"
)
DATA_FIELDS = (
    "award_kind",
    "nominee",
    "unit",
    "phone_last4",
    "received_on",
    "due_on",
    "status",
    "resolved_on",
    "decision_no",
    "note",
    "supplement_since",
)


_CHUNK = 5000
# remind_on is written as the insert trigger of migration 0003 would set it: with the trigger
# left to do it, nine in ten rows of an export (finished dossiers) each cost a second UPDATE.
INSERT_SQL = (
    "INSERT INTO dossiers (code, "
    + ", ".join(DATA_FIELDS)
    + ", created_at, updated_at, remind_on) VALUES ("
    + ", ".join("?" * (len(DATA_FIELDS) + 4))
    + ")"
)
#: Statuses whose dossiers get deadline reminders (remind_on set); db/bulk.py writes it too.
REMINDED_STATUSES = (Status.received.value, Status.in_review.value)
_UPDATE_SQL = (
    "UPDATE dossiers SET "
    + ", ".join(f"{name} = ?" for name in DATA_FIELDS)
    + ", updated_at = ? WHERE id = ?"
)


def _values(item: DossierInput) -> list[object]:
    """The row's `DATA_FIELDS` as stored (dates as ISO text); a million rows go through here."""
    resolved_on, supplement_since = item.resolved_on, item.supplement_since
    return [
        item.award_kind,
        item.nominee,
        item.unit,
        item.phone_last4,
        item.received_on.isoformat(),
        item.due_on.isoformat(),
        item.status.value,
        resolved_on.isoformat() if resolved_on is not None else None,
        item.decision_no,
        item.note,
        supplement_since.isoformat() if supplement_since is not None else None,
    ]


def insert_row(
    item: DossierInput, stamp: str, values: list[object] | None = None
) -> tuple[object, ...]:
    """The parameters of `INSERT_SQL` for a new dossier (imports and the bulk loader);
    `values` when the caller already has `_values(item)`."""
    if values is None:
        values = _values(item)
    remind_on = "" if values[6] in REMINDED_STATUSES else None
    return (item.code, *values, stamp, stamp, remind_on)


class DossierRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def get_by_code(self, code: str) -> Dossier | None:
        row = await self.db.fetch_one(f"SELECT {_COLUMNS} FROM dossiers WHERE code = ?", (code,))
        return Dossier.from_row(row) if row else None

    async def get_by_id(self, dossier_id: int) -> Dossier | None:
        row = await self.db.fetch_one(
            f"SELECT {_COLUMNS} FROM dossiers WHERE id = ?", (dossier_id,)
        )
        return Dossier.from_row(row) if row else None

    async def find_first(self, codes: Sequence[str]) -> Dossier | None:
        """The first of the candidate codes that exists (used for merged-province codes)."""
        found = await self.get_many(codes)  # one query for all the spellings
        return next((found[code] for code in codes if code in found), None)

    async def history(self, dossier_id: int, limit: int = 3) -> list[HistoryEntry]:
        """The latest `limit` history entries, newest first."""
        rows = await self.db.fetch_all(
            "SELECT * FROM dossier_history WHERE dossier_id = ? ORDER BY id DESC LIMIT ?",
            (dossier_id, limit),
        )
        return [HistoryEntry.from_row(row) for row in rows]

    async def first(self, limit: int) -> list[Dossier]:
        rows = await self.db.fetch_all(
            f"SELECT {_COLUMNS} FROM dossiers ORDER BY id LIMIT ?", (limit,)
        )
        return [Dossier.from_row(row) for row in rows]

    async def count(self) -> int:
        row = await self.db.fetch_one("SELECT COUNT(*) FROM dossiers")
        return int(row[0]) if row else 0

    async def upsert_many(
        self,
        items: Sequence[DossierInput],
        *,
        actor: str,
        now: datetime,
        notice: NoticeRenderer | None = None,
        allowed_move: Callable[[Status, Status], bool] | None = None,
        seal_phone: Callable[[str, str], bytes | None] | None = None,
        all_new: bool = False,
        imported: ImportedHistory | None = None,
    ) -> ImportCounts:
        """Insert or update by code in one transaction; a changed status goes to the history.

        `allowed_move(stored, new)` is checked against the rows as they are inside this
        transaction (an officer may have moved one since the file was validated); a refused
        move raises ForbiddenMove and nothing is written. With `seal_phone` (ZNS on) the rows'
        full numbers are kept, encrypted, in the same transaction.

        Works in chunks with executemany so that a million-row import is a few seconds of
        SQLite work rather than millions of round trips to aiosqlite's thread. `all_new`: the
        caller knows none of the codes is stored (an import into an empty table, duplicates
        already refused), so the look-up of existing rows is skipped; a code that does exist
        still fails on the unique index, rolling everything back. `imported`: the rows come
        from the one-stop system (see `new_history`).
        """
        stamp = instant_to_db(now)
        inserted = updated = unchanged = 0
        async with self.db.transaction() as conn:
            for start in range(0, len(items), _CHUNK):
                chunk = items[start : start + _CHUNK]
                existing = {} if all_new else await _existing_by_code(conn, [i.code for i in chunk])
                inserts, updates, status_changes = [], [], []
                for item in chunk:
                    values = _values(item)
                    row = existing.get(item.code)
                    if row is None:
                        inserts.append(insert_row(item, stamp, values))
                    elif [row[name] for name in DATA_FIELDS] == values:
                        unchanged += 1
                    else:
                        updates.append((*values, stamp, row["id"]))
                        if row["status"] != item.status.value:
                            stored = Status(row["status"])
                            if allowed_move is not None and not allowed_move(stored, item.status):
                                raise ForbiddenMove(item.code, stored, item.status)
                            status_changes.append((row, item))
                async with conn.execute("SELECT COALESCE(MAX(id), 0) FROM dossiers") as cursor:
                    last_id = (await cursor.fetchone())[0]
                await conn.executemany(INSERT_SQL, inserts)
                # New rows get ids above the largest one, so one statement writes their history
                # (a lookup by code per row took a fifth of a million-row import).
                await conn.execute(*new_history(stamp, actor, last_id, imported))
                await conn.executemany(_UPDATE_SQL, updates)
                if seal_phone is not None:
                    sealed = ((i.code, seal_phone(i.phone, i.code)) for i in chunk if i.phone)
                    await store_phones(conn, [(c, token) for c, token in sealed if token], stamp)
                for row, item in status_changes:
                    note = item.note or (imported.note if imported is not None else None)
                    entry = await _add_history(
                        conn, row["id"], stamp, actor, Status(row["status"]), item.status, note
                    )
                    if notice is not None:
                        async with conn.execute(
                            f"SELECT {_COLUMNS} FROM dossiers WHERE id = ?", (row["id"],)
                        ) as cursor:
                            dossier = Dossier.from_row(await cursor.fetchone())
                        await _notify_followers(conn, dossier, entry, notice, now)
                inserted += len(inserts)
                updated += len(updates)
            # The import's officer column (issue 4); raises, rolling back, on unknown names.
            await assign_imported(conn, items, actor=actor, stamp=stamp)
        return ImportCounts(inserted=inserted, updated=updated, unchanged=unchanged)

    async def get_many(self, codes: Sequence[str]) -> dict[str, Dossier]:
        """The dossiers of the given codes that exist, by code (to prepare an import)."""
        found: dict[str, Dossier] = {}
        for start in range(0, len(codes), _CHUNK):
            chunk = list(codes[start : start + _CHUNK])
            rows = await self.db.fetch_all(
                f"SELECT {_COLUMNS} FROM dossiers WHERE code IN ({','.join('?' * len(chunk))})",
                chunk,
            )
            found.update({row["code"]: Dossier.from_row(row) for row in rows})
        return found


async def read_for_change(conn: aiosqlite.Connection, code: str) -> Dossier | None:
    """The dossier as it is inside the caller's write transaction (the one read of a change)."""
    async with conn.execute(f"SELECT {_COLUMNS} FROM dossiers WHERE code = ?", (code,)) as cursor:
        row = await cursor.fetchone()
    return Dossier.from_row(row) if row else None


async def read_by_id(conn: aiosqlite.Connection, dossier_id: int) -> Dossier | None:
    """`read_for_change` by the dossier's id (a button carries the id, not the code)."""
    async with conn.execute(
        f"SELECT {_COLUMNS} FROM dossiers WHERE id = ?", (dossier_id,)
    ) as cursor:
        row = await cursor.fetchone()
    return Dossier.from_row(row) if row else None


async def write_change(
    conn: aiosqlite.Connection,
    *,
    before: Dossier,
    after: Dossier,
    actor: str,
    stamp: str,
    note: str | None,
) -> HistoryEntry:
    """Store `after`'s status and dates and the history row (from `before`'s status), inside
    the caller's transaction; the history row is what notices are keyed by."""
    await conn.execute(
        "UPDATE dossiers SET status = ?, note = ?, decision_no = ?, resolved_on = ?,"
        " due_on = ?, supplement_since = ?, updated_at = ? WHERE id = ?",
        (
            after.status.value,
            after.note,
            after.decision_no,
            after.resolved_on.isoformat() if after.resolved_on else None,
            after.due_on.isoformat(),
            after.supplement_since.isoformat() if after.supplement_since else None,
            stamp,
            before.id,
        ),
    )
    return await _add_history(conn, before.id, stamp, actor, before.status, after.status, note)


async def active_followers(conn: aiosqlite.Connection, dossier_id: int) -> list[tuple[str, str]]:
    """`(channel, chat id)` of the dossier's active followers who have not blocked the bot."""
    async with conn.execute(
        "SELECT f.channel, f.chat_id FROM follows f WHERE f.dossier_id = ? AND f.active = 1"
        " AND NOT EXISTS (SELECT 1 FROM blocked_chats b"
        " WHERE b.channel = f.channel AND b.chat_id = f.chat_id)",
        (dossier_id,),
    ) as cursor:
        return [(str(channel), str(chat_id)) for channel, chat_id in await cursor.fetchall()]


class ForbiddenMove(Exception):
    """An import would move a dossier where the transition table does not allow."""

    def __init__(self, code: str, stored: Status, target: Status) -> None:
        super().__init__(f"{code}: {stored} -> {target}")
        self.code = code
        self.stored = stored
        self.target = target


async def _existing_by_code(
    conn: aiosqlite.Connection, codes: list[str]
) -> dict[str, aiosqlite.Row]:
    if not codes:
        return {}
    async with conn.execute(
        f"SELECT {_COLUMNS} FROM dossiers WHERE code IN ({','.join('?' * len(codes))})", codes
    ) as cursor:
        return {row["code"]: row for row in await cursor.fetchall()}


async def _add_history(
    conn: aiosqlite.Connection,
    dossier_id: int,
    stamp: str,
    actor: str,
    from_status: Status | None,
    to_status: Status,
    note: str | None,
) -> HistoryEntry:
    cursor = await conn.execute(
        "INSERT INTO dossier_history (dossier_id, changed_at, actor, from_status, to_status, note)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (dossier_id, stamp, actor, from_status.value if from_status else None, to_status, note),
    )
    return HistoryEntry(
        id=int(cursor.lastrowid or 0),
        dossier_id=dossier_id,
        changed_at=datetime.fromisoformat(stamp),
        actor=actor,
        from_status=from_status,
        to_status=to_status,
        note=note,
    )


async def _notify_followers(
    conn: aiosqlite.Connection,
    dossier: Dossier,
    entry: HistoryEntry,
    notice: NoticeRenderer,
    now: datetime,
) -> int:
    """One outbox row per active follower; the key (dossier, history row, chat) is unique.

    Kept for the import's write (`upsert_many`); a status change made by an officer goes
    through handlers/actions/dossier_status.py, which renders its notices itself."""
    followers = await active_followers(conn, dossier.id)
    if not followers and not await has_phone(conn, dossier.id):
        return 0  # nothing to send: a million-row import renders no notice it would not use
    return await enqueue_status_notices(
        conn, dossier_id=dossier.id, entry_id=entry.id, payload=notice(dossier, entry), at=now
    )


async def enqueue_status_notices(
    conn: aiosqlite.Connection,
    *,
    dossier_id: int,
    entry_id: int,
    payload: dict[str, Any],
    at: datetime,
    followers: list[tuple[str, str]] | None = None,
) -> int:
    """The notices of one history row: one outbox row per active follower (key: dossier,
    history row, chat) and the phone notice when a number is kept; returns the followers."""
    if followers is None:
        followers = await active_followers(conn, dossier_id)
    await enqueue_phone_notice(
        conn, dossier_id=dossier_id, entry_id=entry_id, payload=lambda: payload, at=at
    )
    for channel, chat_id in followers:
        await enqueue(
            conn,
            key=f"status:{dossier_id}:{entry_id}:{channel}:{chat_id}",
            channel=channel,
            chat_id=chat_id,
            payload=payload,
            at=at,
        )
    return len(followers)


@dataclass(frozen=True)
class ImportedHistory:
    """How an import dates the first history line of a dossier it creates: when the event
    happened where the row says it (received: the received day; resolved: the resolved day;
    local midnight, `utc_offset` being SQLite's modifier, e.g. "-25200 seconds"), otherwise
    the import's time noted `note`. A status the import changes later is the import's doing:
    at its time, noted `note` when the row gives no note of its own."""

    utc_offset: str
    note: str


#: The first history row of each dossier inserted after the given id (its status and note),
#: at the stamp.
_NEW_HISTORY_SQL = (
    "INSERT INTO dossier_history (dossier_id, changed_at, actor, from_status, to_status, note)"
    " SELECT id, ?, ?, NULL, status, note FROM dossiers WHERE id > ? ORDER BY id"
)
_DAY = "strftime('%Y-%m-%dT%H:%M:%S', {day}, ?1) || '.000000+00:00'"
_IMPORTED_HISTORY_SQL = (
    "INSERT INTO dossier_history (dossier_id, changed_at, actor, from_status, to_status, note)"
    " SELECT id, CASE WHEN status = 'received' THEN "
    + _DAY.format(day="received_on")
    + " WHEN resolved_on IS NOT NULL THEN "
    + _DAY.format(day="resolved_on")
    + " ELSE ?2 END, ?3, NULL, status,"
    " CASE WHEN status = 'received' OR resolved_on IS NOT NULL THEN note"
    " ELSE COALESCE(note, ?4) END"
    " FROM dossiers WHERE id > ?5 ORDER BY id"
)


def new_history(
    stamp: str, actor: str, last_id: int, imported: ImportedHistory | None
) -> tuple[str, tuple[Any, ...]]:
    """The statement (SQL, parameters) writing the first history row of the dossiers inserted
    after `last_id`: at the stamp, or for an import as ImportedHistory says."""
    if imported is None:
        return _NEW_HISTORY_SQL, (stamp, actor, last_id)
    return _IMPORTED_HISTORY_SQL, (imported.utc_offset, stamp, actor, imported.note, last_id)
