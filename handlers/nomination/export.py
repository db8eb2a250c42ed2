"""Nominations to .xlsx or .csv: every answer of the guided chat, the dossier code and status.

Used by `python -m bot export --what nominations`. Rows come in batches from
NominationRepository.export_rows, so memory stays flat however many there are.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import astuple, fields
from datetime import date
from pathlib import Path

from db.nominations import NominationExportRow
from handlers.spreadsheet import Cell, CsvSheet, XlsxSheet

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
    widths = [_WIDTHS.get(column, 16) for column in COLUMNS]
    sheet = XlsxSheet(target, SHEET_TITLE, COLUMNS, widths)
    written = 0
    async for batch in batches:
        # Typed by people: a leading "=" or "+84…" stays text (handlers/spreadsheet.py).
        sheet.add(
            [_typed(column, value) for column, value in zip(COLUMNS, astuple(row), strict=True)]
            for row in batch
        )
        written += len(batch)
        if on_batch is not None:
            on_batch(len(batch))
    sheet.close()
    return written


def _typed(column: str, value: object) -> Cell:
    if value is None or value == "":
        return None
    if column in _DATE_COLUMNS:
        return date.fromisoformat(str(value))
    return str(value)


async def _write_csv(
    batches: AsyncIterator[list[NominationExportRow]],
    target: Path,
    on_batch: Callable[[int], None] | None,
) -> int:
    written = 0
    sheet = CsvSheet(target, COLUMNS)
    try:
        async for batch in batches:
            # Typed by people: a leading "=" or "+84…" must never run as a formula.
            sheet.add(astuple(row) for row in batch)
            written += len(batch)
            if on_batch is not None:
                on_batch(len(batch))
    finally:
        sheet.close()
    return written
