"""One-time lookup codes (mã xác thực một lần) sent by ZNS: their sends, checks and uses."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from db.connection import Database
from db.models import instant_from_db, instant_to_db

Transaction = aiosqlite.Connection


@dataclass(frozen=True, slots=True)
class OtpSends:
    """Codes sent in the window, newest first: by this chat, and for this dossier by anyone."""

    chat: list[datetime]
    dossier: list[datetime]


@dataclass(frozen=True, slots=True)
class LiveOtp:
    id: int
    code_hash: str
    expires_at: datetime
    wrong: int


def hash_code(code: str) -> str:
    """A salted hash (salt$sha256): the table never holds a usable code."""
    salt = secrets.token_hex(8)
    return f"{salt}${hashlib.sha256(f'{salt}:{code}'.encode()).hexdigest()}"


def code_matches(code: str, stored: str) -> bool:
    salt, _, digest = stored.partition("$")
    mine = hashlib.sha256(f"{salt}:{code}".encode()).hexdigest()
    return hmac.compare_digest(mine, digest)


class OtpRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def sends(
        self,
        conn: Transaction,
        *,
        channel: str,
        chat_id: str,
        dossier_code: str,
        since: datetime,
        chat_limit: int,
        dossier_limit: int,
    ) -> OtpSends:
        stamp = instant_to_db(since)
        chat = await conn.execute_fetchall(
            "SELECT sent_at FROM lookup_otps WHERE channel = ? AND chat_id = ?"
            " AND sent_at > ? ORDER BY sent_at DESC LIMIT ?",
            (channel, chat_id, stamp, chat_limit),
        )
        dossier = await conn.execute_fetchall(
            "SELECT sent_at FROM lookup_otps WHERE dossier_code = ? AND sent_at > ?"
            " ORDER BY sent_at DESC LIMIT ?",
            (dossier_code, stamp, dossier_limit),
        )
        return OtpSends(
            [instant_from_db(row[0]) for row in chat],
            [instant_from_db(row[0]) for row in dossier],
        )

    async def create(
        self,
        conn: Transaction,
        *,
        channel: str,
        chat_id: str,
        dossier_code: str,
        code: str,
        now: datetime,
        expires_at: datetime,
    ) -> int:
        """Store the new code (hashed); the chat's older live codes for the dossier end."""
        await conn.execute(
            "UPDATE lookup_otps SET expires_at = ? WHERE channel = ? AND chat_id = ?"
            " AND dossier_code = ? AND used_at IS NULL AND expires_at > ?",
            (instant_to_db(now), channel, chat_id, dossier_code, instant_to_db(now)),
        )
        cursor = await conn.execute(
            "INSERT INTO lookup_otps"
            " (channel, chat_id, dossier_code, code_hash, sent_at, expires_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (
                channel,
                chat_id,
                dossier_code,
                hash_code(code),
                instant_to_db(now),
                instant_to_db(expires_at),
            ),
        )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    async def live(
        self,
        conn: Transaction,
        *,
        channel: str,
        chat_id: str,
        dossier_code: str,
        now: datetime,
        max_wrong: int,
    ) -> LiveOtp | None:
        """The chat's unused, unexpired code for the dossier with tries left, if any."""
        rows = await conn.execute_fetchall(
            "SELECT id, code_hash, expires_at, wrong FROM lookup_otps WHERE channel = ?"
            " AND chat_id = ? AND dossier_code = ? AND used_at IS NULL AND expires_at > ?"
            " AND wrong < ? ORDER BY id DESC LIMIT 1",
            (channel, chat_id, dossier_code, instant_to_db(now), max_wrong),
        )
        row = next(iter(rows), None)
        if row is None:
            return None
        return LiveOtp(int(row[0]), str(row[1]), instant_from_db(row[2]), int(row[3]))

    async def mark_used(self, conn: Transaction, otp_id: int, now: datetime) -> None:
        await conn.execute(
            "UPDATE lookup_otps SET used_at = ? WHERE id = ?", (instant_to_db(now), otp_id)
        )

    async def mark_wrong(self, conn: Transaction, otp_id: int) -> None:
        await conn.execute("UPDATE lookup_otps SET wrong = wrong + 1 WHERE id = ?", (otp_id,))
