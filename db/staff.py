"""Board staff (cán bộ) and one-time invites (mã mời) to join as officer or leader."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from db.connection import Database
from db.models import Invite, StaffMember, instant_from_db, instant_to_db


@dataclass(frozen=True, slots=True)
class InviteFailures:
    """Wrong invite codes in the window, read inside the check's own write transaction."""

    #: The chat's latest wrong codes, newest first (at most the chat's limit).
    chat: list[datetime]
    #: The budget-th newest wrong code on the channel, if there are so many.
    channel_full_at: datetime | None


class StaffRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def by_user(self, channel: str, user_id: str) -> StaffMember | None:
        row = await self.db.fetch_one(
            "SELECT * FROM staff WHERE channel = ? AND user_id = ? AND active = 1",
            (channel, user_id),
        )
        return StaffMember.from_row(row) if row else None

    async def get(self, staff_id: int) -> StaffMember | None:
        row = await self.db.fetch_one("SELECT * FROM staff WHERE id = ?", (staff_id,))
        return StaffMember.from_row(row) if row else None

    async def active(self, role: str | None = None) -> list[StaffMember]:
        if role is None:
            rows = await self.db.fetch_all(
                "SELECT * FROM staff WHERE active = 1 ORDER BY role, name, id"
            )
        else:
            rows = await self.db.fetch_all(
                "SELECT * FROM staff WHERE active = 1 AND role = ? ORDER BY name, id", (role,)
            )
        return [StaffMember.from_row(row) for row in rows]

    async def create_invite(
        self, *, code: str, role: str, created_by: str, now: datetime, expires_at: datetime
    ) -> None:
        async with self.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO invites (code, role, created_by, created_at, expires_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (code, role, created_by, instant_to_db(now), instant_to_db(expires_at)),
            )

    async def invite_failures(
        self,
        conn: aiosqlite.Connection,
        *,
        channel: str,
        chat_id: str,
        since: datetime,
        chat_limit: int,
        channel_budget: int,
    ) -> InviteFailures:
        stamp = instant_to_db(since)
        rows = await conn.execute_fetchall(
            "SELECT failed_at FROM invite_failures WHERE channel = ? AND chat_id = ?"
            " AND failed_at > ? ORDER BY failed_at DESC LIMIT ?",
            (channel, chat_id, stamp, chat_limit),
        )
        full = await conn.execute_fetchall(
            "SELECT failed_at FROM invite_failures WHERE channel = ? AND failed_at > ?"
            " ORDER BY failed_at DESC LIMIT 1 OFFSET ?",
            (channel, stamp, channel_budget - 1),
        )
        return InviteFailures(
            [instant_from_db(row[0]) for row in rows],
            next((instant_from_db(row[0]) for row in full), None),
        )

    async def record_invite_failure(
        self, conn: aiosqlite.Connection, *, channel: str, chat_id: str, at: datetime
    ) -> None:
        await conn.execute(
            "INSERT INTO invite_failures (channel, chat_id, failed_at) VALUES (?, ?, ?)",
            (channel, chat_id, instant_to_db(at)),
        )

    async def get_invite(
        self, code: str, conn: aiosqlite.Connection | None = None
    ) -> Invite | None:
        if conn is None:
            row = await self.db.fetch_one("SELECT * FROM invites WHERE code = ?", (code,))
        else:
            rows = await conn.execute_fetchall("SELECT * FROM invites WHERE code = ?", (code,))
            row = next(iter(rows), None)
        if row is None:
            return None
        return Invite(
            code=row["code"],
            role=row["role"],
            created_by=row["created_by"],
            expires_at=datetime.fromisoformat(row["expires_at"]),
            used_by=row["used_by"],
        )

    async def redeem_invite(
        self,
        *,
        code: str,
        channel: str,
        user_id: str,
        chat_id: str,
        name: str,
        now: datetime,
    ) -> StaffMember | None:
        """Use the invite and register (or re-activate) the person, in one transaction.

        None when the invite was used or expired meanwhile (two people racing for one code).
        """
        stamp = instant_to_db(now)
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE invites SET used_by = ?, used_at = ?"
                " WHERE code = ? AND used_by IS NULL AND expires_at > ?",
                (f"{channel}:{user_id}", stamp, code, stamp),
            )
            if cursor.rowcount != 1:
                return None
            async with conn.execute("SELECT role FROM invites WHERE code = ?", (code,)) as cur:
                role = (await cur.fetchone())[0]
            await conn.execute(
                "INSERT INTO staff (channel, user_id, chat_id, name, role, joined_at)"
                " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (channel, user_id) DO UPDATE SET"
                " chat_id = excluded.chat_id, name = excluded.name, role = excluded.role,"
                " active = 1, revoked_at = NULL, joined_at = excluded.joined_at",
                (channel, user_id, chat_id, name, role, stamp),
            )
            async with conn.execute(
                "SELECT * FROM staff WHERE channel = ? AND user_id = ?", (channel, user_id)
            ) as cur:
                return StaffMember.from_row(await cur.fetchone())

    async def revoke(self, staff_id: int, now: datetime) -> bool:
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE staff SET active = 0, revoked_at = ? WHERE id = ? AND active = 1",
                (instant_to_db(now), staff_id),
            )
            return cursor.rowcount == 1

    async def set_reminders(self, staff_id: int, enabled: bool) -> None:
        async with self.db.transaction() as conn:
            await conn.execute(
                "UPDATE staff SET reminders_enabled = ? WHERE id = ?", (int(enabled), staff_id)
            )
