"""The one way the bot writes a spreadsheet cell (CSV or XLSX): formulas off, numbers kept.

Every export (the import's round-trip file, the staff sheet, `/xuat`, the nominations) turns
its values into cells here, so no writer can forget the escaping (issue 23 item 1, OWASP "CSV
injection"):

- text starting with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'` in a
  CSV (the import strips exactly that `'` again), and is typed as text in an XLSX, where a
  text cell never runs;
- numbers stay numbers (a day count of -3 is not text), dates are dates in an XLSX and
  written by the export's own format in a CSV;
- XLSX cells lose the control characters XML 1.0 cannot hold (openpyxl refuses the file).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import BinaryIO

import openpyxl
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.cell.cell import Cell as SheetCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from domain.safe_text import FORMULA_STARTS, escape_formula

Cell = str | int | float | date | None
DateFormat = Callable[[date], str]


def csv_cell(value: Cell, date_format: DateFormat = date.isoformat) -> str | int | float:
    """A value as a CSV cell: text escaped, numbers left alone, dates by `date_format`."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        return value
    if isinstance(value, date):
        return date_format(value)
    return escape_formula(str(value))


def xlsx_cell(sheet: object, value: Cell) -> object:
    """A value as a write-only XLSX cell: text that looks like a formula stays text."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        return value
    text = ILLEGAL_CHARACTERS_RE.sub("", value)
    if text[:1] in FORMULA_STARTS:
        # openpyxl would store "=…" as a live formula; a text cell is shown, never run.
        cell = WriteOnlyCell(sheet, value=text)
        cell.data_type = "s"
        return cell
    return text or None


class CsvSheet:
    """A CSV with a header row, UTF-8 with a BOM so Excel shows the Vietnamese."""

    def __init__(
        self,
        target: BinaryIO | Path,
        headers: Sequence[str],
        date_format: DateFormat = date.isoformat,
    ) -> None:
        if isinstance(target, Path):
            self.stream = target.open("w", encoding="utf-8-sig", newline="")
            self._owned = True
        else:
            self.stream = io.TextIOWrapper(target, encoding="utf-8-sig", newline="")
            self._owned = False
        self.date_format = date_format
        self.writer = csv.writer(self.stream)
        self.writer.writerow([csv_cell(name) for name in headers])

    def add(self, rows: Iterable[Sequence[Cell]]) -> None:
        fmt = self.date_format
        self.writer.writerows([csv_cell(value, fmt) for value in row] for row in rows)

    def close(self) -> None:
        if self._owned:
            self.stream.close()
        else:
            self.stream.flush()
            self.stream.detach()


class XlsxSheet:
    """A streaming (write-only) workbook of one sheet: memory stays flat however many rows.

    The header row is frozen; `auto_filter` puts Excel's filter buttons on every column.
    """

    def __init__(
        self,
        target: BinaryIO | Path,
        title: str,
        headers: Sequence[str],
        widths: Sequence[int],
        *,
        auto_filter: bool = False,
    ) -> None:
        self.target = target
        self.workbook = openpyxl.Workbook(write_only=True)
        self.sheet = self.workbook.create_sheet(title)
        for number, width in enumerate(widths, start=1):
            self.sheet.column_dimensions[get_column_letter(number)].width = width
        self.sheet.freeze_panes = "A2"
        self.sheet.append([xlsx_cell(self.sheet, name) for name in headers])
        self.columns = len(headers)
        self.auto_filter = auto_filter
        self.rows = 1

    def add(self, rows: Iterable[Sequence[Cell]]) -> None:
        sheet = self.sheet
        for row in rows:
            sheet.append([xlsx_cell(sheet, value) for value in row])
            self.rows += 1

    def close(self) -> None:
        if self.auto_filter:
            last = get_column_letter(self.columns)
            self.sheet.auto_filter.ref = f"A1:{last}{self.rows}"
        self.workbook.save(self.target)


def xlsx_book(sheets: Sequence[tuple[str, Sequence[int], Sequence[Sequence[Cell]]]]) -> bytes:
    """A small workbook of several sheets (a blank template and its guide), each as (title,
    column widths, rows): the first row bold and frozen, long text wrapped."""
    workbook = openpyxl.Workbook(write_only=True)
    for title, widths, rows in sheets:
        sheet = workbook.create_sheet(title)
        for number, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(number)].width = width
        sheet.freeze_panes = "A2"
        for index, row in enumerate(rows):
            sheet.append([_styled(sheet, value, bold=index == 0) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _styled(sheet: object, value: Cell, *, bold: bool) -> SheetCell:
    cell = xlsx_cell(sheet, value)
    if not isinstance(cell, SheetCell):
        cell = WriteOnlyCell(sheet, value=cell)
    cell.font = Font(bold=bold)
    cell.alignment = Alignment(wrap_text=True, vertical="top")
    return cell
