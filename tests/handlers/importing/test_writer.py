"""A big import: chunk by chunk in one transaction, bulk mode (indexes rebuilt), all or nothing."""

from __future__ import annotations

from pathlib import Path

from db.connection import Database
from domain.statuses import Status
from handlers.importing.files import csv_chunks
from handlers.importing.writer import ImportOutcome, import_chunks
from handlers.services import Services
from tests.handlers.importing.test_readers import HEADER

BIG = 10**7  # an estimate that puts any table into bulk mode


def row(number: int, *, status: str = "", phone: str = "0912 345 678") -> str:
    resolved = "02/03/2026" if status == "decided" else ""
    decision = "12/QĐ-UBND" if status == "decided" else ""
    return (
        f"000.00.21.H01-260213-{number:04d},BKCT,Người số {number},Sở Y tế,{phone},"
        f"13/02/2026,,{status},{resolved},{decision},"
    )


def write(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "export.csv"
    path.write_text("\r\n".join([HEADER, *lines]) + "\r\n", encoding="utf-8")
    return path


async def schema_objects(db: Database) -> list[tuple[str, str, str]]:
    rows = await db.fetch_all(
        "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY type, name"
    )
    return [(r[0], r[1], r[2]) for r in rows]


async def run_import(
    services: Services, path: Path, *, estimated: int = BIG, size: int = 7
) -> ImportOutcome:
    chunks = csv_chunks(path, services.catalog, services.calendar, size=size)
    return await import_chunks(services, chunks, actor="import", estimated_rows=estimated)


async def test_bulk_import_writes_every_row_and_rebuilds_the_indexes(
    services: Services, tmp_path: Path
) -> None:
    db = services.db
    before = await schema_objects(db)
    assert any(name == "dossiers_remind_insert" for _t, name, _s in before)
    lines = [row(n, status="decided" if n % 3 == 0 else "") for n in range(1, 51)]
    outcome = await run_import(services, write(tmp_path, lines))
    assert outcome.ok and outcome.bulk and outcome.rows == 50
    assert outcome.counts.inserted == 50
    # The same indexes and trigger as before, with the same definitions.
    assert await schema_objects(db) == before
    assert (await db.fetch_one("PRAGMA integrity_check"))[0] == "ok"
    assert (await db.fetch_one("PRAGMA temp_store"))[0] == 0  # back to the default
    stored = await db.fetch_all(
        "SELECT d.code, d.status, d.remind_on, h.to_status FROM dossiers d"
        " JOIN dossier_history h ON h.dossier_id = d.id ORDER BY d.id"
    )
    assert len(stored) == 50
    for number, item in enumerate(stored, start=1):
        assert item["code"].endswith(f"-{number:04d}")
        expected = Status.decided if number % 3 == 0 else Status.received
        assert item["status"] == expected.value == item["to_status"]
        # The reminders' wake-up date as the trigger would have left it.
        assert item["remind_on"] == (None if number % 3 == 0 else "")
    # The rebuilt indexes are used: the sweep's partial index answers the reminder query.
    plan = await db.fetch_all(
        "EXPLAIN QUERY PLAN SELECT id FROM dossiers WHERE remind_on <= '2026-03-01'"
    )
    assert any("dossiers_remind_on" in p[3] for p in plan)


async def test_a_bad_row_in_a_late_chunk_writes_nothing_and_keeps_the_indexes(
    services: Services, tmp_path: Path
) -> None:
    db = services.db
    before = await schema_objects(db)
    lines = [row(n) for n in range(1, 41)]
    lines[35] = row(36, phone="12")  # line 37 of the file: chunks 1–5 were already written
    lines.append(row(3))  # and a duplicate of line 4, found across chunks
    outcome = await run_import(services, write(tmp_path, lines))
    assert not outcome.ok
    assert [line for line, _ in outcome.errors] == [37, 42]
    assert "4" in outcome.errors[1][1]  # names the line of the first occurrence
    assert (await db.fetch_one("SELECT COUNT(*) FROM dossiers"))[0] == 0
    assert (await db.fetch_one("SELECT COUNT(*) FROM dossier_history"))[0] == 0
    assert await schema_objects(db) == before


async def test_bulk_import_over_stored_dossiers_updates_and_keeps_the_rules(
    services: Services, tmp_path: Path
) -> None:
    db = services.db
    first = await run_import(services, write(tmp_path, [row(n) for n in range(1, 11)]))
    assert first.ok and first.counts.inserted == 10
    # Again, bigger: five move on, five are unchanged but lose their phone cell, twenty new.
    lines = [row(n, status="in_review" if n <= 5 else "", phone="") for n in range(1, 11)]
    lines += [row(n) for n in range(11, 31)]
    outcome = await run_import(services, write(tmp_path, lines))
    assert outcome.ok and outcome.bulk
    assert (outcome.counts.inserted, outcome.counts.updated) == (20, 5)
    kept = await db.fetch_all("SELECT phone_last4 FROM dossiers ORDER BY id LIMIT 10")
    assert {item[0] for item in kept} == {"5678"}  # an empty cell keeps the stored digits
    moves = await db.fetch_one(
        "SELECT COUNT(*) FROM dossier_history WHERE from_status = 'received'"
        " AND to_status = 'in_review'"
    )
    assert moves[0] == 5


async def test_a_forbidden_move_in_bulk_mode_rolls_everything_back(
    services: Services, tmp_path: Path
) -> None:
    db = services.db
    await run_import(services, write(tmp_path, [row(1, status="decided")]))
    before = await schema_objects(db)
    lines = [row(n) for n in range(2, 30)] + [row(1, status="received")]
    outcome = await run_import(services, write(tmp_path, lines))
    assert not outcome.ok and outcome.errors[0][0] == 30
    assert (await db.fetch_one("SELECT COUNT(*) FROM dossiers"))[0] == 1
    assert await schema_objects(db) == before


async def test_a_small_file_into_a_big_table_is_no_bulk_import(
    services: Services, tmp_path: Path
) -> None:
    outcome = await run_import(services, write(tmp_path, [row(1)]), estimated=1)
    assert outcome.ok and not outcome.bulk and outcome.counts.inserted == 1


# --- history dated when its event happened (issue 22 item 5) ------------------------------------


async def test_an_imported_dossiers_history_is_dated_when_its_event_happened(
    services: Services, tmp_path: Path
) -> None:
    lines = [
        "000.00.21.H01-261120-0001,BKCT,Người 1,Sở Y tế,,20/11/2026,,,,,",
        "000.00.21.H01-261120-0002,BKCT,Người 2,Sở Y tế,,20/11/2026,,decided,24/11/2026,7/QĐ-UBND,",
        "000.00.21.H01-261120-0003,BKCT,Người 3,Sở Y tế,,20/11/2026,,in_review,,,",
    ]
    outcome = await run_import(services, write(tmp_path, lines), estimated=3)
    assert outcome.ok, outcome.errors
    db = services.db

    async def history() -> list[tuple[str, str, str | None]]:
        rows = await db.fetch_all(
            "SELECT d.code, h.changed_at, h.note FROM dossier_history h"
            " JOIN dossiers d ON d.id = h.dossier_id ORDER BY h.id"
        )
        return [(row[0][-4:], row[1], row[2]) for row in rows]

    now = "2026-11-25T02:00:00.000000+00:00"  # the test's clock: the import's time
    assert await history() == [
        ("0001", "2026-11-19T17:00:00.000000+00:00", None),  # received 20/11, local midnight
        ("0002", "2026-11-23T17:00:00.000000+00:00", None),  # decided on 24/11
        ("0003", now, "nhập từ hệ thống một cửa"),  # when it went in review is not known
    ]
    card = await services.dossiers.get_by_code("000.00.21.H01-261120-0001")
    assert card is not None and card.received_on.isoformat() == "2026-11-20"
    # A later import that moves a stored dossier: its own row, at its time, saying so.
    services.clock.advance(hours=1)  # type: ignore[attr-defined]
    lines[0] = lines[0].replace(",,,,,", ",,in_review,,,")
    path = write(tmp_path, lines)
    again = await import_chunks(
        services,
        csv_chunks(path, services.catalog, services.calendar),
        actor="import",
        estimated_rows=3,
    )
    assert again.ok and again.counts.updated == 1
    assert (await history())[-1] == (
        "0001",
        "2026-11-25T03:00:00.000000+00:00",
        "nhập từ hệ thống một cửa",
    )
