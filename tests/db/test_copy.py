"""`migrate-db`: a board's SQLite file copied into PostgreSQL, every table, counts checked."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from config.settings import ROOT, Settings
from db.connection import open_database
from db.copy import CopyError, copy_sqlite_to_postgresql
from db.dossiers import DossierRepository
from db.follows import FollowRepository
from db.models import DossierInput
from db.outbox import OutboxRepository
from domain.statuses import Status
from tests.cli import run_cli
from tests.postgres import Cluster

NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)


@pytest.fixture
def empty_url(postgresql_cluster: Cluster) -> Iterator[str]:
    url = postgresql_cluster.create_database()
    yield url
    postgresql_cluster.drop_database(url)


def dossier(n: int) -> DossierInput:
    return DossierInput(
        code=f"000.00.21.H01-261110-{n:04d}",
        award_kind="BKCT",
        nominee=f"Nguyễn Văn {n}",
        unit="Trường THCS Lê Quý Đôn",
        phone_last4="1234",
        received_on=date(2026, 11, 10),
        due_on=date(2026, 12, 2),
        status=Status.in_review,
    )


async def board_file(path: Path) -> None:
    db = await open_database(path)
    try:
        await DossierRepository(db).upsert_many(
            [dossier(n) for n in range(1, 121)], actor="import", now=NOW
        )
        first = await DossierRepository(db).get_by_code(dossier(1).code)
        assert first is not None
        await FollowRepository(db).follow(
            channel="zalo", chat_id="c", dossier_id=first.id, now=NOW, limit=10
        )
        await OutboxRepository(db).enqueue(
            key="k1", channel="zalo", chat_id="c", payload={"text": "Xin chào"}, at=NOW
        )
    finally:
        await db.close()


async def table_counts(url: str) -> dict[str, int]:
    db = await open_database(url)
    try:
        return {
            table: int((await db.fetch_one(f"SELECT COUNT(*) FROM {table}"))[0])  # type: ignore[index]
            for table in ("dossiers", "dossier_history", "follows", "outbox")
        }
    finally:
        await db.close()


async def test_every_table_is_copied_and_ids_continue(tmp_path: Path, empty_url: str) -> None:
    source = tmp_path / "board.sqlite3"
    await board_file(source)
    summary = await copy_sqlite_to_postgresql(source, empty_url)
    assert summary.tables["dossiers"] == 120
    assert summary.tables["dossier_history"] == 120
    assert summary.tables["follows"] == 1 and summary.tables["outbox"] == 1
    # Parents before children: the foreign keys stayed on during the copy.
    order = list(summary.tables)
    assert order.index("dossiers") < order.index("dossier_history")
    db = await open_database(empty_url)
    try:
        repo = DossierRepository(db)
        copied = await repo.get_by_code(dossier(7).code)
        assert copied is not None and copied.nominee == "Nguyễn Văn 7"
        # The identity sequence was moved past the copied ids: a new dossier gets id 121.
        await repo.upsert_many([dossier(500)], actor="import", now=NOW)
        added = await repo.get_by_code(dossier(500).code)
        assert added is not None and added.id == 121
        outbox = await OutboxRepository(db).all_for_chat("zalo", "c")
        assert [m.payload["text"] for m in outbox] == ["Xin chào"]
    finally:
        await db.close()


async def test_a_target_with_data_is_refused_and_left_as_it_was(
    tmp_path: Path, empty_url: str
) -> None:
    source = tmp_path / "board.sqlite3"
    await board_file(source)
    await copy_sqlite_to_postgresql(source, empty_url)
    before = await table_counts(empty_url)
    with pytest.raises(CopyError) as refused:
        await copy_sqlite_to_postgresql(source, empty_url)
    assert refused.value.reason == "not_empty"
    assert await table_counts(empty_url) == before


async def test_the_command_copies_and_backup_points_to_pg_dump(
    tmp_path: Path, empty_url: str
) -> None:
    source = tmp_path / "board.sqlite3"
    await board_file(source)
    on_file = Settings(_env_file=None, database=source)  # type: ignore[call-arg]
    done = run_cli(on_file, "migrate-db", "--to", empty_url)
    assert done.returncode == 0, done.stderr
    assert "dossiers: 120" in done.stdout and f"TDKT_DATABASE={empty_url}" in done.stdout
    again = run_cli(on_file, "migrate-db", "--to", empty_url)
    assert again.returncode == 1 and "đã có dữ liệu" in again.stderr
    assert "Traceback" not in again.stderr
    on_server = Settings(_env_file=None, database=empty_url)  # type: ignore[call-arg]
    backup = run_cli(on_server, "backup", str(tmp_path / "copy.sqlite3"))
    assert backup.returncode == 1 and "pg_dump" in backup.stderr
    assert not (tmp_path / "copy.sqlite3").exists()


def test_an_unreachable_server_is_one_line_and_no_folder(tmp_path: Path) -> None:
    url = "postgresql://postgres:secret@127.0.0.1:1/tdkt?connect_timeout=2"
    env = {key: value for key, value in os.environ.items() if not key.startswith("TDKT_")}
    # Run in an empty folder (where a `postgresql:` folder would appear), on this tree's code.
    env |= {"TDKT_DATABASE": url, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "outbox"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and "secret" not in result.stderr
    assert "127.0.0.1:1/tdkt" in result.stderr
    assert os.listdir(tmp_path) == []
