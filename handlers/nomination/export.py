"""Nominations to .xlsx or .csv: every answer of the guided chat, the dossier code and status.

Used by `python -m bot export --what nominations`. Rows come in batches from
NominationRepository.export_rows, so memory stays flat however many there are.
"""

from __future__ import annotations

import csv
from collections.abc import AsyncIterator, Callable
from dataclasses import astuple, fields
from datetime import date
from pathlib import Path

import openpyxl
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter

from db.nominations import NominationExportRow
from domain.safe_text import escape_formula

#: The columns, in file order: the dossier first, then the answers, then who registered it.
COLUMNS = tuple(item.name for item in fields(NominationExportRow))
_DATE_COLUMNS = frozenset({"received_on", "due_on"})
_WIDTHS = {"code": 28, "nominee_name": 30, "unit": 34, "achievements": 60, "attachments": 40}
SHEET_TITLE = "De nghi khen thuong"


async def write_nominations(
    batches: AsyncIterator[list[NominationExportRow]],
    target: Path,
    *,
    suffix: str,
    on_batch: Callable[[int], None] | None = None,
) -> int:
    """Write every batch to `target` as .xlsx or .csv (`suffix`); return the row count."""
    if suffix.lower() == ".xlsx":
        return await _write_xlsx(batches, target, on_batch)
    return await _write_csv(batches, target, on_batch)


async def _write_xlsx(
    batches: AsyncIterator[list[NominationExportRow]],
    target: Path,
    on_batch: Callable[[int], None] | None,
) -> int:
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET_TITLE)
    for index, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = _WIDTHS.get(column, 16)
    sheet.freeze_panes = "A2"
    sheet.append(list(COLUMNS))
    written = 0
    async for batch in batches:
        for row in batch:
            values = zip(COLUMNS, astuple(row), strict=True)
            sheet.append([_cell(sheet, column, value) for column, value in values])
        written += len(batch)
        if on_batch is not None:
            on_batch(len(batch))
    workbook.save(target)
    return written


def _cell(sheet: object, column: str, value: object) -> object:
    if value is None or value == "":
        return None
    if column in _DATE_COLUMNS:
        return date.fromisoformat(str(value))
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    if text[:1] in ("=", "+", "-", "@"):
        # Typed by people: a leading "=" or "+84…" must stay text, never become a formula.
        cell = WriteOnlyCell(sheet, value=text)
        cell.data_type = "s"
        return cell
    return text


def _csv_cell(value: object) -> object:
    if value is None:
        return ""
    return escape_formula(value) if isinstance(value, str) else value


async def _write_csv(
    batches: AsyncIterator[list[NominationExportRow]],
    target: Path,
    on_batch: Callable[[int], None] | None,
) -> int:
    written = 0
    # A BOM so that Excel opens the Vietnamese text as UTF-8.
    with target.open("w", encoding="utf-8-sig", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(COLUMNS)
        async for batch in batches:
            # Typed by people: a leading "=" or "+84…" must never run as a formula.
            writer.writerows([_csv_cell(value) for value in astuple(row)] for row in batch)
            written += len(batch)
            if on_batch is not None:
                on_batch(len(batch))
    return written
