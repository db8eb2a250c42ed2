"""The dossier export: dossiers written as .xlsx or .csv in the import's columns (reading a
workbook for the import is handlers/importing/sheet.py).

The export writes exactly the import's columns, so exporting and importing again changes
nothing. Phones are stored as their last 4 digits only, and that is what the export writes.
"""

from __future__ import annotations

import io
from collections.abc import AsyncIterator, Callable, Sequence
from datetime import date
from pathlib import Path
from typing import BinaryIO, Protocol

from db.reports import ExportRow
from handlers.importing.columns import COLUMNS
from handlers.spreadsheet import CsvSheet, XlsxSheet
from handlers.texts import report as t

#: Columns holding dates: written as real dates so Excel sorts and filters them.
_DATE_COLUMNS = frozenset({"received_on", "due_on", "resolved_on"})
_WIDTHS = {"code": 28, "nominee": 30, "unit": 30, "note": 40, "award_kind": 12}


# --- Writing -------------------------------------------------------------------------------


class DossierWriter(Protocol):
    """Where an export goes, a batch of rows at a time; `close` finishes the file."""

    def add(self, rows: Sequence[ExportRow]) -> None: ...

    def close(self) -> None: ...


def export_values(row: ExportRow) -> list[str | None]:
    """A dossier in the import's column order; the phone column holds the stored last 4 digits."""
    values = {
        "code": row.code,
        "award_kind": row.award_kind,
        "nominee": row.nominee,
        "unit": row.unit,
        "phone": row.phone_last4,
        "received_on": row.received_on,
        "due_on": row.due_on,
        "status": row.status,
        "resolved_on": row.resolved_on,
        "decision_no": row.decision_no,
        "note": row.note,
    }
    return [values[column] for column in COLUMNS]


class XlsxDossierWriter:
    """A streaming (write-only) workbook: memory stays flat however many rows are written."""

    def __init__(self, target: BinaryIO | Path) -> None:
        widths = [_WIDTHS.get(column, 14) for column in COLUMNS]
        self.sheet = XlsxSheet(target, t.XLSX_SHEET_TITLE, COLUMNS, widths)

    def add(self, rows: Sequence[ExportRow]) -> None:
        self.sheet.add(
            [
                _typed(column, value)
                for column, value in zip(COLUMNS, export_values(row), strict=True)
            ]
            for row in rows
        )

    def close(self) -> None:
        self.sheet.close()


def _typed(column: str, value: str | None) -> str | date | None:
    """Dates as dates (Excel sorts and filters them); the rest as the shared writer makes it."""
    if value and column in _DATE_COLUMNS:
        return date.fromisoformat(value)
    return value


class CsvDossierWriter:
    """UTF-8 with a BOM, so Excel opens the Vietnamese text correctly; the import reads both."""

    def __init__(self, target: BinaryIO | Path) -> None:
        self.sheet = CsvSheet(target, COLUMNS)

    def add(self, rows: Sequence[ExportRow]) -> None:
        # Names and notes are typed by people: none may run as a formula in a spreadsheet.
        self.sheet.add(export_values(row) for row in rows)

    def close(self) -> None:
        self.sheet.close()


WRITERS: dict[str, Callable[[BinaryIO | Path], DossierWriter]] = {
    ".xlsx": XlsxDossierWriter,
    ".csv": CsvDossierWriter,
}


async def write_dossiers(
    batches: AsyncIterator[list[ExportRow]],
    writer: DossierWriter,
    on_batch: Callable[[int], None] | None = None,
) -> int:
    """Feed every batch to the writer and close it; return how many rows were written."""
    written = 0
    async for batch in batches:
        writer.add(batch)
        written += len(batch)
        if on_batch is not None:
            on_batch(len(batch))
    writer.close()
    return written


def dossiers_xlsx(rows: Sequence[ExportRow]) -> bytes:
    """The rows as the bytes of an .xlsx file (for sending as a document)."""
    buffer = io.BytesIO()
    writer = XlsxDossierWriter(buffer)
    writer.add(rows)
    writer.close()
    return buffer.getvalue()
