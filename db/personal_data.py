"""Personal data of one chat (dữ liệu cá nhân, Law 91/2025): show it, erase it, purge by age."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from db.connection import Database
from db.models import instant_from_db, instant_to_db

#: What an erased chat's submitted nominations keep in place of its ids.
ERASED = "erased"


@dataclass(frozen=True, slots=True)
class Entry:
    """One stored item shown to its owner: when, what, and a short detail."""

    at: datetime
    what: str
    detail: str = ""


@dataclass
class ChatData:
    """Everything stored about one chat, newest first in each list."""

    follows: list[Entry] = field(default_factory=list)
    attempts: list[Entry] = field(default_factory=list)
    attempts_total: int = 0
    probes: list[Entry] = field(default_factory=list)
    probes_total: int = 0
    conversation: Entry | None = None
    draft: Entry | None = None
    nominations: list[Entry] = field(default_factory=list)
    notices: list[Entry] = field(default_factory=list)
    notices_total: int = 0
    files: list[Entry] = field(default_factory=list)
    blocked_at: datetime | None = None
    #: Issue 26.5: this chat's ratings after a result (the score; the comment as detail).
    ratings: list[Entry] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Purged:
    attempts: int
    probes: int
    inbound: int
    notices: int
    #: Erased chats whose kept hour ran out (their kept rows are in `attempts`, `probes`).
    erased: int = 0


@dataclass(frozen=True, slots=True)
class ErasureHold:
    """What an erasure keeps for the guessing limits, and until when (giữ lại sau khi xoá)."""

    erased_at: datetime
    keep_until: datetime


def _text_of(payload: str) -> str:
    try:
        value: Any = json.loads(payload)
    except ValueError:
        return ""
    text = value.get("text", "") if isinstance(value, dict) else ""
    return text if isinstance(text, str) else ""


class PersonalDataRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def of_chat(self, channel: str, chat_id: str, *, limit: int = 20) -> ChatData:
        """The chat's data itself (not counts), at most `limit` newest items of each kind."""
        key = (channel, chat_id)
        data = ChatData()
        rows = await self.db.fetch_all(
            "SELECT f.created_at, d.code, f.active FROM follows f"
            " JOIN dossiers d ON d.id = f.dossier_id WHERE f.channel = ? AND f.chat_id = ?"
            " ORDER BY f.created_at DESC",
            key,
        )
        data.follows = [Entry(instant_from_db(r[0]), r[1], "" if r[2] else "off") for r in rows]
        rows = await self.db.fetch_all(
            "SELECT attempted_at, dossier_code, succeeded FROM lookup_attempts"
            " WHERE channel = ? AND chat_id = ? ORDER BY attempted_at DESC LIMIT ?",
            (*key, limit),
        )
        data.attempts = [
            Entry(instant_from_db(r[0]), r[1], "ok" if r[2] else "wrong") for r in rows
        ]
        data.attempts_total = await self._count("lookup_attempts", key)
        rows = await self.db.fetch_all(
            "SELECT probed_at, code, found FROM lookup_probes WHERE channel = ? AND chat_id = ?"
            " ORDER BY probed_at DESC LIMIT ?",
            (*key, limit),
        )
        data.probes = [
            Entry(instant_from_db(r[0]), r[1], "found" if r[2] else "missing") for r in rows
        ]
        data.probes_total = await self._count("lookup_probes", key)
        row = await self.db.fetch_one(
            "SELECT updated_at, flow, step FROM conversations WHERE channel = ? AND chat_id = ?",
            key,
        )
        if row is not None:
            data.conversation = Entry(instant_from_db(row[0]), row[1], row[2])
        row = await self.db.fetch_one(
            "SELECT updated_at, step, data FROM nomination_drafts"
            " WHERE channel = ? AND chat_id = ?",
            key,
        )
        if row is not None:
            data.draft = Entry(instant_from_db(row[0]), row[1], row[2])
        rows = await self.db.fetch_all(
            "SELECT n.created_at, d.code, n.nominee_name FROM nominations n"
            " JOIN dossiers d ON d.id = n.dossier_id WHERE n.channel = ? AND n.chat_id = ?"
            " ORDER BY n.id DESC LIMIT ?",
            (*key, limit),
        )
        data.nominations = [Entry(instant_from_db(r[0]), r[1], r[2]) for r in rows]
        rows = await self.db.fetch_all(
            "SELECT created_at, state, payload FROM outbox WHERE channel = ? AND chat_id = ?"
            " ORDER BY id DESC LIMIT ?",
            (*key, limit),
        )
        data.notices = [Entry(instant_from_db(r[0]), _text_of(r[2]), r[1]) for r in rows]
        data.notices_total = await self._count("outbox", key)
        rows = await self.db.fetch_all(
            "SELECT created_at, name FROM public_files WHERE channel = ? AND chat_id = ?"
            " ORDER BY created_at DESC LIMIT ?",
            (*key, limit),
        )
        data.files = [Entry(instant_from_db(r[0]), r[1]) for r in rows]
        row = await self.db.fetch_one(
            "SELECT blocked_at FROM blocked_chats WHERE channel = ? AND chat_id = ?", key
        )
        data.blocked_at = instant_from_db(row[0]) if row else None
        rows = await self.db.fetch_all(
            "SELECT r.rated_at, d.code, r.score, r.comment FROM ratings r"
            " JOIN dossiers d ON d.id = r.dossier_id WHERE r.channel = ? AND r.chat_id = ?"
            " AND r.score IS NOT NULL ORDER BY r.rated_at DESC LIMIT ?",
            (*key, limit),
        )
        data.ratings = [Entry(instant_from_db(r[0]), f"{r[1]}: {r[2]}/5", r[3] or "") for r in rows]
        return data

    async def _count(self, table: str, key: tuple[str, str]) -> int:
        row = await self.db.fetch_one(
            f"SELECT COUNT(*) FROM {table} WHERE channel = ? AND chat_id = ?", key
        )
        return int(row[0]) if row else 0

    async def erasure_hold(self, channel: str, chat_id: str) -> ErasureHold | None:
        """The chat's last erasure while its kept rows still wait for the purge."""
        row = await self.db.fetch_one(
            "SELECT erased_at, keep_until FROM erased_chats WHERE channel = ? AND chat_id = ?",
            (channel, chat_id),
        )
        return ErasureHold(instant_from_db(row[0]), instant_from_db(row[1])) if row else None

    async def erase_chat(
        self,
        channel: str,
        chat_id: str,
        *,
        keep_limits_since: datetime,
        now: datetime | None = None,
        keep_until: datetime | None = None,
    ) -> None:
        """Erase or anonymise everything the chat owns, in one transaction.

        Deleted: follows, open steps, offered choices, nomination drafts, every notice to the
        chat, its reply files served by URL, its blocked mark, its lookups and code answers.
        Kept: failed digits, code answers and wrong invite codes younger than
        `keep_limits_since` (the guessing limits: erasing them would let anyone try all 10,000
        digits), and nominations it
        submitted, which are the board's records: their chat id and registering account are
        replaced by `ERASED`; and its ratings, whose chat id becomes `erased-<random>`. With
        `now` and `keep_until` the chat is marked, and `purge_erased` deletes the kept rows once
        `keep_until` has passed.
        """
        key = (channel, chat_id)
        since = instant_to_db(keep_limits_since)
        async with self.db.transaction() as conn:
            for table in (
                "follows",
                "conversations",
                "offered_choices",
                "nomination_drafts",
                "outbox",
                "public_files",
                "blocked_chats",
            ):
                await conn.execute(f"DELETE FROM {table} WHERE channel = ? AND chat_id = ?", key)
            await conn.execute(
                "DELETE FROM lookup_attempts WHERE channel = ? AND chat_id = ?"
                " AND (succeeded = 1 OR attempted_at <= ?)",
                (*key, since),
            )
            await conn.execute(
                "DELETE FROM lookup_probes WHERE channel = ? AND chat_id = ? AND probed_at <= ?",
                (*key, since),
            )
            await conn.execute(
                "DELETE FROM invite_failures WHERE channel = ? AND chat_id = ? AND failed_at <= ?",
                (*key, since),
            )
            await conn.execute(
                "DELETE FROM lookup_otps WHERE channel = ? AND chat_id = ? AND sent_at <= ?",
                (*key, since),
            )
            await conn.execute(
                "UPDATE nominations SET chat_id = ?, registered_by = ?"
                " WHERE channel = ? AND chat_id = ?",
                (ERASED, ERASED, *key),
            )
            if now is not None and keep_until is not None:
                await conn.execute(
                    "INSERT INTO erased_chats (channel, chat_id, erased_at, keep_until)"
                    " VALUES (?, ?, ?, ?) ON CONFLICT (channel, chat_id) DO UPDATE SET"
                    " erased_at = excluded.erased_at, keep_until = excluded.keep_until",
                    (*key, instant_to_db(now), instant_to_db(keep_until)),
                )
            # Ratings (issue 26.5) feed the satisfaction figures: the score and comment stay,
            # the chat is no longer named (a random suffix keeps one row per dossier).
            await conn.execute(
                "UPDATE ratings SET chat_id = ? || '-' || lower(hex(randomblob(8)))"
                " WHERE channel = ? AND chat_id = ?",
                (ERASED, *key),
            )

    async def purge(self, before: datetime) -> Purged:
        """Delete attempts, code answers, inbound update ids and settled notices older than
        `before` (TDKT_RETENTION_DAYS); pending notices are never purged."""
        stamp = instant_to_db(before)
        async with self.db.transaction() as conn:
            attempts = await conn.execute(
                "DELETE FROM lookup_attempts WHERE attempted_at < ?", (stamp,)
            )
            probes = await conn.execute("DELETE FROM lookup_probes WHERE probed_at < ?", (stamp,))
            invites = await conn.execute(
                "DELETE FROM invite_failures WHERE failed_at < ?", (stamp,)
            )
            otps = await conn.execute("DELETE FROM lookup_otps WHERE sent_at < ?", (stamp,))
            inbound = await conn.execute(
                "DELETE FROM inbound_updates WHERE received_at < ?", (stamp,)
            )
            notices = await conn.execute(
                "DELETE FROM outbox WHERE state <> 'pending' AND created_at < ?", (stamp,)
            )
            return Purged(
                attempts.rowcount + invites.rowcount + otps.rowcount,
                probes.rowcount,
                inbound.rowcount,
                notices.rowcount,
            )

    async def purge_erased(self, now: datetime) -> Purged:
        """Delete what erased chats kept for the guessing limits once its time is up.

        Only rows recorded up to the erasure go; what the chat did afterwards is ordinary
        data with the ordinary retention. One transaction, so a crash keeps the mark and the
        next run finishes the work.
        """
        stamp = instant_to_db(now)
        attempts = probes = erased = 0
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "SELECT channel, chat_id, erased_at FROM erased_chats WHERE keep_until <= ?",
                (stamp,),
            )
            due = list(await cursor.fetchall())
            for channel, chat_id, erased_at in due:
                done = await conn.execute(
                    "DELETE FROM lookup_attempts WHERE channel = ? AND chat_id = ?"
                    " AND attempted_at <= ?",
                    (channel, chat_id, erased_at),
                )
                attempts += done.rowcount
                done = await conn.execute(
                    "DELETE FROM lookup_probes WHERE channel = ? AND chat_id = ?"
                    " AND probed_at <= ?",
                    (channel, chat_id, erased_at),
                )
                probes += done.rowcount
                done = await conn.execute(
                    "DELETE FROM invite_failures WHERE channel = ? AND chat_id = ?"
                    " AND failed_at <= ?",
                    (channel, chat_id, erased_at),
                )
                attempts += done.rowcount
                done = await conn.execute(
                    "DELETE FROM lookup_otps WHERE channel = ? AND chat_id = ? AND sent_at <= ?",
                    (channel, chat_id, erased_at),
                )
                attempts += done.rowcount
                await conn.execute(
                    "DELETE FROM erased_chats WHERE channel = ? AND chat_id = ?", (channel, chat_id)
                )
                erased += 1
        return Purged(attempts, probes, 0, 0, erased)
