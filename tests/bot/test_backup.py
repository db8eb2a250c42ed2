"""`python -m bot backup FILE`: an online copy of the live database, and restoring it."""

from __future__ import annotations

import asyncio
import hashlib
import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from bot.cli import main
from db.bulk import insert_dossiers
from db.connection import open_database
from db.models import DossierInput
from db.outbox import OutboxRepository
from domain.statuses import Status

NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)


def _dossier(number: int) -> DossierInput:
    return DossierInput(
        code=f"000.00.21.H01-261120-{number:04d}",
        award_kind="BKCT",
        nominee=f"Nguyễn Văn {number}",
        unit="UBND xã Tân Hiệp",
        phone_last4=f"{number % 10000:04d}",
        received_on=date(2026, 11, 20),
        due_on=date(2026, 12, 25),
        status=Status.received,
    )


def _digest(path: Path) -> tuple[int, str]:
    """The dossiers' count and a checksum of their rows, read on a connection of its own."""
    connection = sqlite3.connect(path)
    try:
        rows = connection.execute("SELECT * FROM dossiers ORDER BY id").fetchall()
    finally:
        connection.close()
    return len(rows), hashlib.sha256(repr(rows).encode()).hexdigest()


async def _backup(target: Path) -> int:
    """`python -m bot backup TARGET` as the CLI runs it (its own event loop, another thread)."""
    return await asyncio.to_thread(main, ["backup", str(target)])


@pytest.fixture
async def live(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "live.sqlite3"
    db = await open_database(path)
    await OutboxRepository(db).enqueue(
        key="k1", channel="telegram", chat_id="1", payload={"text": "Thông báo"}, at=NOW
    )
    await db.close()
    await insert_dossiers(path, [_dossier(n) for n in range(1, 301)], now=NOW)
    monkeypatch.setenv("TDKT_DATABASE", str(path))
    monkeypatch.chdir(tmp_path)  # no developer's .env
    return path


async def test_backup_copies_the_live_database_and_says_so_in_one_line(
    live: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The bot is running: its connection is open and it keeps writing during the backup.
    db = await open_database(live)
    try:
        target = tmp_path / "backup" / "tdkt-2026-11-25.sqlite3"
        target.parent.mkdir()
        assert await _backup(target) == 0
        await db.connection.execute("UPDATE dossiers SET nominee = 'sau sao lưu' WHERE id = 1")
    finally:
        await db.close()
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1
    assert "300 hồ sơ" in out[0] and "1 tin nhắn đang chờ gửi" in out[0]
    assert "kiểm tra: ok" in out[0]
    count, _ = _digest(target)
    assert count == 300
    copy = sqlite3.connect(target)
    try:
        # One self-contained file, holding what was committed when the backup ran.
        assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert copy.execute("SELECT nominee FROM dossiers WHERE id = 1").fetchone()[0] == (
            "Nguyễn Văn 1"
        )
    finally:
        copy.close()
    assert not list(target.parent.glob("*.partial"))


async def test_backup_waits_for_nobody_while_a_write_is_open(live: Path, tmp_path: Path) -> None:
    """A transaction open in the bot neither blocks the backup nor leaks into the copy."""
    db = await open_database(live)
    try:
        async with db.transaction() as conn:
            await conn.execute("DELETE FROM dossiers WHERE id <= 100")
            assert await _backup(tmp_path / "during.sqlite3") == 0
    finally:
        await db.close()
    assert _digest(tmp_path / "during.sqlite3")[0] == 300
    assert _digest(live)[0] == 200


async def test_restore_as_the_readme_says_brings_everything_back(
    live: Path, tmp_path: Path
) -> None:
    before = _digest(live)
    target = tmp_path / "backup.sqlite3"
    assert await _backup(target) == 0
    # Disaster: the data is damaged. Restore: stop the bot, remove the database's -wal and
    # -shm, copy the backup over the database file, start the bot.
    db = await open_database(live)
    await db.connection.execute("DELETE FROM dossiers")
    await db.close()
    for leftover in tmp_path.glob("live.sqlite3-*"):
        leftover.unlink()
    live.write_bytes(target.read_bytes())
    db = await open_database(live)
    try:
        pending = await OutboxRepository(db).counts()
    finally:
        await db.close()
    assert _digest(live) == before
    assert pending["pending"] == 1


def test_an_existing_file_is_never_overwritten(
    live: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "old-backup.sqlite3"
    target.write_bytes(b"yesterday's backup")
    assert main(["backup", str(target)]) == 1
    assert target.read_bytes() == b"yesterday's backup"
    assert "đã có, hãy chọn tên khác" in capsys.readouterr().err


def test_no_database_no_backup(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TDKT_DATABASE", str(tmp_path / "missing.sqlite3"))
    assert main(["backup", str(tmp_path / "copy.sqlite3")]) == 1
    # Said by the CLI before the backup starts (issue 14: no command creates it silently).
    assert "Không tìm thấy cơ sở dữ liệu" in capsys.readouterr().err
    # The backup did not create an empty database where the real one was expected.
    assert not (tmp_path / "missing.sqlite3").exists()
    assert not (tmp_path / "copy.sqlite3").exists()


def test_the_database_itself_is_not_a_backup_target(
    live: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["backup", str(live)]) == 1
    assert _digest(live)[0] == 300
