"""A big CSV read in a second process: the same chunks as read here, all or nothing kept."""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

import pytest

from db.connection import Database
from handlers.importing import reading_process
from handlers.importing.columns import ParsedImport
from handlers.importing.files import csv_chunks
from handlers.importing.readers import parse_csv
from handlers.importing.reading_process import ImportReaderError
from handlers.importing.writer import import_chunks, imported_history, prepare
from handlers.services import Services
from tests.handlers.importing.test_readers import HEADER
from tests.handlers.importing.test_writer import BIG, row, schema_objects, write


def chunks_of(services: Services, path: Path, *, parallel: bool) -> list[ParsedImport]:
    return list(csv_chunks(path, services.catalog, services.calendar, size=5, parallel=parallel))


def mixed_lines() -> list[str]:
    """Valid rows, every kind of bad row, blank lines, poison and formula cells."""
    lines = [row(n, status="decided" if n % 4 == 0 else "") for n in range(1, 31)]
    lines[3] = row(4, phone="12")  # a bad phone
    lines[7] = ""  # a blank line
    lines[9] = row(10).replace("BKCT", "NOPE")  # an unknown award kind
    lines[12] = row(13).replace("13/02/2026", "31/02/2026")  # no such day
    lines[15] = row(16).replace("Người số 16", "'=HYPERLINK(1)")  # escaped by our export
    lines[18] = row(19).replace("Người số 19", "Người\u202e số\x1b[31m 19")  # poison
    lines[21] = row(22) + ",extra"  # too many columns
    lines[24] = row(25).replace(",13/02/2026,", ",,")  # no date of receipt
    lines.append(row(2))  # a duplicate of line 3, across chunks
    lines.append('000.00.21.H01-260213-0099,BKCT,"' + "x" * (csv.field_size_limit() + 1) + '"')
    lines.append(row(31, status="Yêu cầu bổ sung hồ sơ"))
    return lines


@pytest.mark.parametrize("kind", ["mixed", "not_utf8", "empty", "unknown_column"])
def test_the_second_process_reads_exactly_what_this_one_reads(
    services: Services, tmp_path: Path, kind: str
) -> None:
    path = tmp_path / "export.csv"
    if kind == "mixed":
        path = write(tmp_path, mixed_lines())
    elif kind == "not_utf8":
        path.write_bytes((HEADER + "\r\n" + row(1) + "\r\n").encode() + b"\xff\xfe,\r\n")
    elif kind == "empty":
        path.write_bytes(b"")
    else:
        path.write_text("code,award_kind,nominee,received_on,colour\r\n", encoding="utf-8")
    here = chunks_of(services, path, parallel=False)
    elsewhere = chunks_of(services, path, parallel=True)
    assert [(c.records, c.errors, c.lines) for c in elsewhere] == [
        (c.records, c.errors, c.lines) for c in here
    ]
    assert here[0].errors or here[0].records
    if kind == "mixed":
        errors = [error for chunk in here for error in chunk.errors]
        assert [line for line, _message in errors] == [5, 11, 14, 23, 26, 32, 33]
        rows = [item for chunk in elsewhere for item in chunk.rows]
        assert len(rows) == 30 - 1 - 5 + 1  # the blank line and five bad rows out, line 34 in
        assert {"=HYPERLINK(1)", "Người số 19"} <= {item.nominee for item in rows}


async def run_import(services: Services, path: Path, *, parallel: bool) -> object:
    chunks = csv_chunks(path, services.catalog, services.calendar, size=7, parallel=parallel)
    return await import_chunks(services, chunks, actor="import", estimated_rows=BIG)


async def test_a_bad_row_in_a_late_chunk_read_elsewhere_writes_nothing(
    services: Services, tmp_path: Path
) -> None:
    db = services.db
    before = await schema_objects(db)
    lines = [row(n) for n in range(1, 61)] + [row(61, phone="12")]
    outcome = await run_import(services, write(tmp_path, lines), parallel=True)
    assert not outcome.ok  # type: ignore[attr-defined]
    assert outcome.errors == [(62, outcome.errors[0][1])]  # type: ignore[attr-defined]
    assert (await db.fetch_one("SELECT COUNT(*) FROM dossiers"))[0] == 0
    assert (await db.fetch_one("SELECT COUNT(*) FROM dossier_history"))[0] == 0
    assert await schema_objects(db) == before


async def test_a_reader_that_dies_fails_the_import_and_writes_nothing(
    services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = services.db
    before = await schema_objects(db)
    path = write(tmp_path, [row(n) for n in range(1, 30)])
    monkeypatch.setattr(sys, "executable", "/bin/false")  # the child exits at once, saying nothing
    with pytest.raises(ImportReaderError):
        await run_import(services, path, parallel=True)
    assert (await db.fetch_one("SELECT COUNT(*) FROM dossiers"))[0] == 0
    assert await schema_objects(db) == before
    # The bulk settings are undone.
    assert (await db.fetch_one("PRAGMA temp_store"))[0] == 0
    assert (await db.fetch_one("PRAGMA threads"))[0] == 0


async def test_a_reader_that_stops_inside_a_chunk_fails_the_import_and_writes_nothing(
    services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = services.db
    path = write(tmp_path, [row(n) for n in range(1, 30)])
    chunk = ([(f"000.00.21.H01-260213-{n:04d}", "BKCT") for n in range(50)], [], [], 0)
    framed = io.BytesIO()
    reading_process.send(framed, chunk)  # as the reading process writes it
    cut = tmp_path / "cut.bin"
    cut.write_bytes(framed.getvalue()[: len(framed.getvalue()) // 2])
    script = tmp_path / "reader.sh"
    script.write_text(f"#!/bin/sh\ncat '{cut}'\n", encoding="utf-8")
    script.chmod(0o755)
    monkeypatch.setattr(sys, "executable", str(script))  # half a chunk, then the end
    with pytest.raises(ImportReaderError):
        await run_import(services, path, parallel=True)
    assert (await db.fetch_one("SELECT COUNT(*) FROM dossiers"))[0] == 0


async def test_a_reader_stopped_early_is_ended(services: Services, tmp_path: Path) -> None:
    path = write(tmp_path, [row(n) for n in range(1, 200)])
    chunks = csv_chunks(path, services.catalog, services.calendar, size=5, parallel=True)
    first = next(chunks)
    assert len(first.records) == 5
    chunks.close()  # type: ignore[attr-defined]  # the rest is not wanted: the child is gone


async def stored(db: Database) -> list[tuple[object, ...]]:
    dossiers = await db.fetch_all(
        "SELECT code, award_kind, nominee, unit, phone_last4, received_on, due_on, status,"
        " resolved_on, decision_no, note, supplement_since, remind_on, created_at, updated_at,"
        " officer_id FROM dossiers ORDER BY code"
    )
    history = await db.fetch_all(
        "SELECT d.code, h.changed_at, h.actor, h.from_status, h.to_status, h.note"
        " FROM dossier_history h JOIN dossiers d ON d.id = h.dossier_id ORDER BY d.code"
    )
    return [tuple(item) for item in dossiers] + [tuple(item) for item in history]


async def test_new_dossiers_are_stored_as_the_repository_stores_them(
    services: Services, tmp_path: Path
) -> None:
    """The compact insert of an import into an empty table writes the same rows, history and
    reminder dates as `upsert_many`, the path of every other import."""
    db = services.db
    statuses = ["", "in_review", "decided", "Yêu cầu bổ sung hồ sơ", "returned", "withdrawn"]
    lines = [row(n, status=statuses[n % len(statuses)]) for n in range(1, 40)]
    lines = [
        line.replace(",12/QĐ-UBND,", ",12/QĐ-UBND,Ghi chú") if "decided" in line else line
        for line in lines
    ]
    lines = [line.replace(",returned,,", ",returned,02/03/2026,") for line in lines]
    lines = [line.replace("0912 345 678", "") if line.endswith("5,") else line for line in lines]
    path = write(tmp_path, lines)
    outcome = await run_import(services, path, parallel=False)
    assert outcome.ok, outcome.errors  # type: ignore[attr-defined]
    compact = await stored(db)
    async with db.transaction() as conn:
        await conn.execute("DELETE FROM dossier_history")
        await conn.execute("DELETE FROM dossiers")
    parsed = parse_csv(path.read_bytes(), services.catalog, services.calendar)
    prepare(parsed, {}, services.today(), services.calendar)
    await services.dossiers.upsert_many(
        parsed.rows, actor="import", now=services.now(), imported=imported_history(services)
    )
    assert await stored(db) == compact
    assert {item[7] for item in compact[:39]} >= {"needs_supplement", "returned", "received"}
