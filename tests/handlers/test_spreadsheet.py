"""Every CSV and XLSX the bot writes escapes formulas (issue 23 item 1): one writer, each path."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import fields
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from bot.commands.export import export_dossiers, export_nominations, export_staff
from db.models import DossierInput
from db.nominations import NominationExportRow
from domain.safe_text import FORMULA_STARTS
from domain.statuses import Status
from handlers.excel import dossiers_xlsx
from handlers.nomination.export import write_nominations
from handlers.router import BotCore
from handlers.services import Services
from handlers.spreadsheet import CsvSheet, XlsxSheet, csv_cell
from tests.conftest import ChatDriver
from tests.handlers.test_status_update import make_staff

ROOT = Path(__file__).resolve().parents[2]
#: What an attacker types as a name, a unit, a note (OWASP's examples and the issue's).
HOSTILE = {
    "nominee": '=HYPERLINK("http://x","a")',
    "unit": "@SUM(1)",
    "decision_no": "+1+cmd|' /C calc'!A0",
    "note": "-2+3",
    "officer": "=cmd|' /C calc'!A0",
}


async def seed(services: Services) -> None:
    await make_staff(services, "evil", name=HOSTILE["officer"])
    await services.dossiers.upsert_many(
        [
            DossierInput(
                code="000.00.21.H01-261120-0001",
                award_kind="BKCT",
                nominee=HOSTILE["nominee"],
                unit=HOSTILE["unit"],
                phone_last4="5678",
                received_on=date(2026, 11, 2),
                due_on=date(2026, 11, 30),
                status=Status.in_review,
                decision_no=HOSTILE["decision_no"],
                note=HOSTILE["note"],
                officer=HOSTILE["officer"],
            )
        ],
        actor="import",
        now=services.now(),
    )


def assert_csv_inert(data: bytes, expected: list[str]) -> None:
    cells = [cell for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))) for cell in row]
    live = [cell for cell in cells if cell[:1] in FORMULA_STARTS]
    assert live == []
    for value in expected:
        assert "'" + value in cells, value


def assert_xlsx_inert(data: bytes, expected: list[str]) -> None:
    sheet = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert [cell.coordinate for cell in cells if cell.data_type == "f"] == []
    texts = {cell.value for cell in cells if cell.data_type == "s"}
    for value in expected:
        assert value in texts, value


def assert_inert(data: bytes, suffix: str, expected: list[str]) -> None:
    (assert_xlsx_inert if suffix == ".xlsx" else assert_csv_inert)(data, expected)


DOSSIER_FIELDS = ["nominee", "unit", "decision_no", "note"]
Exporter = Callable[[Services, date | None, date | None, Path], Awaitable[int]]
CLI_PATHS: list[tuple[str, Exporter, list[str]]] = [
    ("export", export_dossiers, DOSSIER_FIELDS),
    ("export --for-staff", export_staff, [*DOSSIER_FIELDS, "officer"]),
]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
@pytest.mark.parametrize(("name", "exporter", "hostile"), CLI_PATHS, ids=[p[0] for p in CLI_PATHS])
async def test_cli_exports_escape_formulas(
    services: Services,
    tmp_path: Path,
    suffix: str,
    name: str,
    exporter: Exporter,
    hostile: list[str],
) -> None:
    await seed(services)
    target = tmp_path / f"out{suffix}"
    assert await exporter(services, None, None, target) == 0, name
    assert_inert(target.read_bytes(), suffix, [HOSTILE[key] for key in hostile])


async def test_staff_sheet_in_chat_escapes_formulas(services: Services, core: BotCore) -> None:
    await seed(services)
    await make_staff(services, "hoa", name="Trần Thị Hoa")
    (reply,) = await ChatDriver(core, "console", "hoa").send("/xuat 01/11/2026 25/11/2026")
    assert reply.document is not None
    assert_xlsx_inert(reply.document, [HOSTILE[key] for key in DOSSIER_FIELDS])


async def test_dossiers_xlsx_document_escapes_formulas(services: Services) -> None:
    await seed(services)
    rows = [row async for batch in services.reports.export_rows(None, None) for row in batch]
    assert_xlsx_inert(dossiers_xlsx(rows), [HOSTILE[key] for key in DOSSIER_FIELDS])


async def _one_nomination() -> AsyncIterator[list[NominationExportRow]]:
    names = [item.name for item in fields(NominationExportRow)]
    values = {name: f"x{index}" for index, name in enumerate(names)}
    values |= {"received_on": "2026-11-02", "due_on": "2026-11-30"}
    values |= {"nominee_name": "=1+1", "achievements": "@A1", "contact_phone": "+84912345678"}
    values |= {"position": "-1", "attachments": "\rX"}
    yield [NominationExportRow(**values)]  # type: ignore[arg-type]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
async def test_nomination_export_escapes_formulas(tmp_path: Path, suffix: str) -> None:
    target = tmp_path / f"n{suffix}"
    assert await write_nominations(_one_nomination(), target, suffix=suffix) == 1
    expected = ["=1+1", "@A1", "+84912345678", "-1"]
    assert_inert(target.read_bytes(), suffix, expected)


async def test_nomination_cli_export_escapes_formulas(services: Services, tmp_path: Path) -> None:
    # Without nominations the CLI refuses to write: the path exists and is tested above.
    assert await export_nominations(services, None, None, tmp_path / "n.csv") == 1


def test_numbers_stay_numbers_and_text_is_escaped() -> None:
    assert csv_cell(-3) == -3 and csv_cell(2.5) == 2.5
    assert csv_cell("-3") == "'-3"
    assert csv_cell(date(2026, 1, 2)) == "2026-01-02"
    buffer = io.BytesIO()
    sheet = XlsxSheet(buffer, "s", ["a", "b"], [10, 10])
    sheet.add([[-3, "=1"]])
    sheet.close()
    cells = next(openpyxl.load_workbook(buffer).worksheets[0].iter_rows(min_row=2))
    assert (cells[0].value, cells[0].data_type) == (-3, "n")
    assert (cells[1].value, cells[1].data_type) == ("=1", "s")
    out = io.BytesIO()
    csv_sheet = CsvSheet(out, ["=h"])
    csv_sheet.add([[-3, "=1", None]])
    csv_sheet.close()
    assert out.getvalue().decode("utf-8-sig").splitlines() == ["'=h", "-3,'=1,"]


_WRITER = re.compile(r"csv\.writer\(|csv\.DictWriter\(|Workbook\(")


def test_every_writer_is_the_shared_one() -> None:
    """Grep the code: only handlers/spreadsheet.py makes a CSV writer or a workbook."""
    makers = sorted(
        str(path.relative_to(ROOT))
        for folder in ("bot", "handlers", "db", "config", "domain")
        for path in (ROOT / folder).rglob("*.py")
        if _WRITER.search(path.read_text(encoding="utf-8"))
    )
    assert makers == ["handlers/spreadsheet.py"]
