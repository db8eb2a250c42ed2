"""Reads the first sheet of an .xlsx workbook for the import, row by row, as the CSV reads."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import openpyxl
from openpyxl.utils import get_column_letter

from handlers.texts import importing as timport
from handlers.texts import report as t

#: Compound-file (OLE2) signature: password-protected .xlsx files and old .xls files carry it.
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_MERGE_RE = re.compile(rb"<(?:\w+:)?mergeCell\s+ref=\"([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?\"")
_SCAN_CHUNK = 1 << 20

Records = Iterator[tuple[int, list[str]]]


class SheetError(Exception):
    """The workbook cannot be read as the import expects; the message is for the user."""

    def __init__(self, message: str, line: int = 1) -> None:
        super().__init__(message)
        self.line = line


@dataclass
class Sheet:
    """The first sheet of a workbook: its header and its rows, read lazily."""

    header: list[str]
    records: Records
    #: From the sheet's stored dimension; only for a progress bar, it may be missing or wrong.
    estimated_rows: int | None


def read_sheet(source: bytes | Path) -> Sheet:
    """Open the first sheet of an .xlsx file (its bytes, or its path: then it is read as it
    goes, never whole) for the import, or raise SheetError."""
    if isinstance(source, Path):
        with source.open("rb") as raw:
            magic = raw.read(len(_OLE_MAGIC))
        opened: Path | io.BytesIO = source
    else:
        magic, opened = source[: len(_OLE_MAGIC)], io.BytesIO(source)
    if magic == _OLE_MAGIC:
        raise SheetError(t.XLSX_PROTECTED)
    try:
        workbook = openpyxl.load_workbook(opened, read_only=True, data_only=True)
        if not workbook.worksheets:
            raise SheetError(t.XLSX_NO_SHEET)
        sheet = workbook.worksheets[0]
        merged = _merged_ranges(sheet)
        estimated = sheet.max_row - 1 if sheet.max_row else None
        # Some writers store a wrong dimension (e.g. "A1"); read every cell that is there.
        sheet.reset_dimensions()
        rows = sheet.iter_rows(values_only=True)
        first = next(rows, None)
    except SheetError:
        raise
    except Exception as exc:
        # openpyxl reports a damaged file through many exception types (zip, XML, KeyError…).
        raise SheetError(t.XLSX_UNREADABLE) from exc
    if merged:
        in_header = [text for text, top in merged if top == 1]
        template = t.XLSX_MERGED_HEADER if in_header else t.XLSX_MERGED_CELLS
        shown = in_header or [text for text, _ in merged]
        workbook.close()
        raise SheetError(template.format(ranges=", ".join(shown[:5])))
    header = _trimmed([_cell_text(value) for value in first or ()])
    if not header:
        workbook.close()
        raise SheetError(timport.EMPTY_FILE)
    blank = [get_column_letter(i + 1) for i, name in enumerate(header) if not name.strip()]
    if blank:
        workbook.close()
        raise SheetError(t.XLSX_BLANK_HEADER.format(columns=", ".join(blank)))

    def records() -> Records:
        line = 1
        try:
            for line, values in enumerate(rows, start=2):
                yield line, _trimmed([_cell_text(value) for value in values])
        except Exception as exc:
            raise SheetError(t.XLSX_UNREADABLE_AT.format(line=line + 1), line + 1) from exc
        finally:
            workbook.close()

    return Sheet(header=header, records=records(), estimated_rows=estimated)


def _merged_ranges(sheet: object) -> list[tuple[str, int]]:
    """Merged ranges of a read-only sheet as (text, top row).

    Read-only mode does not parse merges, and loading the whole sheet would cost gigabytes on
    a large file; the merges are listed at the end of the sheet's XML, so scan its bytes.
    """
    # A dict keeps the sheet's order and drops the repeats the overlapping windows produce.
    found: dict[str, int] = {}
    tail = b""
    # `_get_source` is how openpyxl's read-only sheet opens its own XML part in the archive.
    with sheet._get_source() as source:  # type: ignore[attr-defined]
        while chunk := source.read(_SCAN_CHUNK):
            window = tail + chunk
            for match in _MERGE_RE.finditer(window):
                first_col, first_row, last_col, last_row = match.groups()
                text = f"{first_col.decode()}{first_row.decode()}"
                if last_col:
                    text += f":{last_col.decode()}{last_row.decode()}"
                found[text] = int(first_row)
            # Keep a tail so a tag cut between two chunks is still seen whole.
            tail = window[-200:]
    return list(found.items())


def _cell_text(value: object) -> str:
    """A cell as the CSV would have it: dates in ISO form, whole numbers without `.0`."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        if value.time() == datetime.min.time():
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _trimmed(cells: list[str]) -> list[str]:
    """Drop empty cells at the end of a row: formatting often widens a sheet's used range."""
    end = len(cells)
    while end and not cells[end - 1].strip():
        end -= 1
    return cells[:end]
