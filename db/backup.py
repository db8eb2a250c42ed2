"""Online backup of the live database with SQLite's backup API (safe while the bot runs).

The copy is taken in one step from a read snapshot: in WAL mode the bot keeps writing
meanwhile, and the copy holds exactly what was committed when it started. It is written next
to the target and renamed into place only once complete and checked, so a failed backup never
leaves a half-written file under the target's name; it is a single self-contained file
(rollback journal mode), ready to be copied back.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path


class BackupError(Exception):
    """The backup could not be made; nothing was left at the target.

    `reason` is one of: no_database, target_exists, same_file, check_failed, sqlite.
    """

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True, slots=True)
class BackupSummary:
    source: Path
    target: Path
    size_bytes: int
    dossiers: int
    outbox_pending: int
    check: str


def backup_sync(source: Path, target: Path) -> BackupSummary:
    """Copy `source` to `target` (which must not exist yet) and check the copy."""
    if not source.is_file():
        raise BackupError("no_database", str(source))
    if target.exists():
        raise BackupError("target_exists", str(target))
    if target.resolve() == source.resolve():
        raise BackupError("same_file", str(target))
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        live = sqlite3.connect(source, timeout=30)
        try:
            copy = sqlite3.connect(partial)
            try:
                live.backup(copy)
                # One self-contained file: no -wal beside it to forget when copying it back.
                copy.execute("PRAGMA journal_mode = DELETE")
                check = copy.execute("PRAGMA quick_check").fetchone()[0]
                dossiers = copy.execute("SELECT COUNT(*) FROM dossiers").fetchone()[0]
                pending = copy.execute(
                    "SELECT COUNT(*) FROM outbox WHERE state = 'pending'"
                ).fetchone()[0]
            finally:
                copy.close()
        finally:
            live.close()
        if check != "ok":
            raise BackupError("check_failed", str(check))
        os.replace(partial, target)
    except sqlite3.Error as exc:
        raise BackupError("sqlite", str(exc)) from exc
    finally:
        partial.unlink(missing_ok=True)
    return BackupSummary(
        source=source,
        target=target,
        size_bytes=target.stat().st_size,
        dossiers=int(dossiers),
        outbox_pending=int(pending),
        check=check,
    )


async def backup(source: Path, target: Path) -> BackupSummary:
    """`backup_sync` on a worker thread: a large copy does not stall a running event loop."""
    return await asyncio.to_thread(backup_sync, source, target)
