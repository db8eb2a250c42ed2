"""Dossier repository: look-ups, history, and the all-or-nothing upsert used by imports."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from db.connection import Database
from db.models import Dossier, DossierInput, HistoryEntry, ImportCounts, instant_to_db

_COLUMNS = (
    "id, code, award_kind, nominee, unit, phone_last4, received_on, due_on, status,"
    " resolved_on, decision_no, note"
)
_DATA_FIELDS = (
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
)


def _value(item: DossierInput, name: str) -> object:
    value = getattr(item, name)
    if value is None:
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


class DossierRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def get_by_code(self, code: str) -> Dossier | None:
        row = await self.db.fetch_one(f"SELECT {_COLUMNS} FROM dossiers WHERE code = ?", (code,))
        return Dossier.from_row(row) if row else None

    async def find_first(self, codes: Sequence[str]) -> Dossier | None:
        """The first of the candidate codes that exists (used for merged-province codes)."""
        for code in codes:
            dossier = await self.get_by_code(code)
            if dossier is not None:
                return dossier
        return None

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
        self, items: Sequence[DossierInput], *, actor: str, now: datetime
    ) -> ImportCounts:
        """Insert or update by code in one transaction; a changed status goes to the history."""
        stamp = instant_to_db(now)
        inserted = updated = unchanged = 0
        async with self.db.transaction() as conn:
            for item in items:
                values = [_value(item, name) for name in _DATA_FIELDS]
                async with conn.execute(
                    f"SELECT {_COLUMNS} FROM dossiers WHERE code = ?", (item.code,)
                ) as cursor:
                    row = await cursor.fetchone()
                if row is None:
                    cursor = await conn.execute(
                        "INSERT INTO dossiers (code, "
                        + ", ".join(_DATA_FIELDS)
                        + ", created_at, updated_at) VALUES ("
                        + ", ".join("?" * (len(_DATA_FIELDS) + 3))
                        + ")",
                        (item.code, *values, stamp, stamp),
                    )
                    await conn.execute(
                        "INSERT INTO dossier_history"
                        " (dossier_id, changed_at, actor, from_status, to_status, note)"
                        " VALUES (?, ?, ?, NULL, ?, ?)",
                        (cursor.lastrowid, stamp, actor, item.status.value, item.note),
                    )
                    inserted += 1
                    continue
                current = [row[name] for name in _DATA_FIELDS]
                if current == values:
                    unchanged += 1
                    continue
                await conn.execute(
                    "UPDATE dossiers SET "
                    + ", ".join(f"{name} = ?" for name in _DATA_FIELDS)
                    + ", updated_at = ? WHERE id = ?",
                    (*values, stamp, row["id"]),
                )
                if row["status"] != item.status.value:
                    await conn.execute(
                        "INSERT INTO dossier_history"
                        " (dossier_id, changed_at, actor, from_status, to_status, note)"
                        " VALUES (?, ?, ?, ?, ?, ?)",
                        (row["id"], stamp, actor, row["status"], item.status.value, item.note),
                    )
                updated += 1
        return ImportCounts(inserted=inserted, updated=updated, unchanged=unchanged)
