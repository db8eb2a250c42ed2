"""The import's readers: a CSV or an .xlsx file (or its bytes) as records (line, cells),
checked by the one row checker, chunk by chunk or whole."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from itertools import islice
from pathlib import Path
from typing import Any

from config.catalog import AwardCatalog
from domain.calendar import WorkCalendar
from handlers.importing.batches import CHUNK_ROWS, parse_batches, parse_rows, unescaped
from handlers.importing.columns import ParsedImport, vietnamese_number
from handlers.importing.rules import RowRules
from handlers.importing.sheet import SheetError, read_sheet
from handlers.texts import importing as t

#: Wraps the (line, cells) records, e.g. with a progress bar; gets an estimate of their number.
RowTracker = Callable[
    [Iterator[tuple[int, list[str]]], int | None], Iterator[tuple[int, list[str]]]
]
#: Wraps the chunks of a file (`read_chunks`), e.g. with a progress bar; gets an estimate of
#: the rows.
ChunkTracker = Callable[[Iterator[ParsedImport], int | None], Iterator[ParsedImport]]
XLSX = ".xlsx"


def parse_csv(
    data: bytes,
    catalog: AwardCatalog,
    calendar: WorkCalendar,
    *,
    track: RowTracker | None = None,
    keep_phones: bool = False,
    rules: RowRules | None = None,
) -> ParsedImport:
    """Parse the bytes of a CSV export (UTF-8, with or without BOM, comma-separated)."""
    rules = rules or RowRules(catalog, calendar, keep_phones=keep_phones)
    return parse_bytes(data, ".csv", rules, track=track)


def parse_xlsx(
    data: bytes,
    catalog: AwardCatalog,
    calendar: WorkCalendar,
    *,
    track: RowTracker | None = None,
    keep_phones: bool = False,
    rules: RowRules | None = None,
) -> ParsedImport:
    """Parse the first sheet of an .xlsx file: the same columns and checks as the CSV."""
    rules = rules or RowRules(catalog, calendar, keep_phones=keep_phones)
    return parse_bytes(data, XLSX, rules, track=track)


def parse_bytes(
    data: bytes,
    suffix: str,
    rules: RowRules,
    *,
    track: RowTracker | None = None,
) -> ParsedImport:
    """A whole file's bytes, CSV or .xlsx by `suffix`, checked as one ParsedImport."""
    unreadable = ParsedImport(max_errors=rules.max_errors)
    try:
        if suffix.lower() == XLSX:
            sheet = read_sheet(data)
            header, records, estimate = sheet.header, sheet.records, sheet.estimated_rows
        else:
            text = data.decode("utf-8-sig")
            reader = csv.reader(io.StringIO(text, newline=""))
            header = _csv_header(reader)
            records, estimate = _csv_records(reader, unreadable), text.count("\n")
        rows = track(records, estimate) if track else records
        parsed = parse_rows(rows, header, rules.catalog, rules.calendar, rules=rules)
    except UnicodeDecodeError as exc:
        line = exc.object[: exc.start].count(b"\n") + 1
        return ParsedImport(errors=[(line, t.NOT_UTF8.format(position=exc.start))])
    except SheetError as exc:
        return ParsedImport(errors=[(exc.line, str(exc))])
    if not unreadable.ok:
        errors = sorted([*parsed.errors, *unreadable.errors], key=lambda error: error[0])
        parsed.errors = []
        parsed.add_errors(errors)
        parsed.more_errors += unreadable.more_errors
    return parsed


class _HeaderError(SheetError):
    """The CSV file has no header line to read."""


def _csv_header(reader: Any) -> list[str]:
    try:
        return next(reader)
    except StopIteration:
        raise _HeaderError(t.EMPTY_FILE) from None
    except csv.Error as exc:
        raise _HeaderError(t.UNREADABLE_LINE.format(detail=_csv_problem(exc))) from None


def _csv_records(reader: Any, unreadable: ParsedImport) -> Iterator[tuple[int, list[str]]]:
    """(line, cells) of a `csv.reader`; a line it cannot read goes to `unreadable`.

    A field over the size limit makes its line an error while the next lines are still
    checked; nothing is written while any line is bad.
    """
    start = reader.line_num + 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            unreadable.add_errors([(start, t.UNREADABLE_LINE.format(detail=_csv_problem(exc)))])
        else:
            yield start, unescaped(cells)
        start = reader.line_num + 1


def _csv_batches(
    reader: Any, unreadable: ParsedImport, size: int
) -> Iterator[tuple[list[int], list[list[str]]]]:
    """The records of a `csv.reader` `size` at a time, as (the lines they start on, their
    cells as read); a line it cannot read goes to `unreadable` (see `_csv_records`)."""
    end = reader.line_num  # the line the last record ended on
    while True:
        rows: list[list[str]] = []
        ends: list[int] = []
        keep, ended = rows.append, ends.append
        try:
            for cells in islice(reader, size):
                keep(cells)
                ended(reader.line_num)
        except csv.Error as exc:
            line = ends[-1] + 1 if ends else end + 1
            unreadable.add_errors([(line, t.UNREADABLE_LINE.format(detail=_csv_problem(exc)))])
        if rows:
            if ends[-1] - end == len(rows):  # one line each: the usual case
                lines = list(range(end + 1, ends[-1] + 1))
            else:
                lines = [end + 1, *(line + 1 for line in ends[:-1])]
            yield lines, rows
        new_end = reader.line_num
        if not rows and new_end == end:
            return
        end = new_end


def _csv_problem(exc: csv.Error) -> str:
    if "field larger than field limit" in str(exc):
        return t.FIELD_TOO_LARGE.format(limit=vietnamese_number(csv.field_size_limit()))
    return t.MALFORMED_CSV


def _sheet_batches(
    records: Iterator[tuple[int, list[str]]], size: int
) -> Iterator[tuple[list[int], list[list[str]]]]:
    for batch in iter(lambda: list(islice(records, size)), []):
        yield [line for line, _cells in batch], [cells for _line, cells in batch]


def read_here(path: Path, rules: RowRules, *, size: int = CHUNK_ROWS) -> Iterator[ParsedImport]:
    """A CSV or .xlsx file (by its suffix) read as a stream and checked chunk by chunk, in
    this process; at least one chunk. A CSV's unreadable lines come as a last chunk."""
    if path.suffix.lower() == XLSX:
        try:
            sheet = read_sheet(path)
            yield from parse_batches(
                _sheet_batches(sheet.records, size), sheet.header, rules, unescape=False
            )
        except SheetError as exc:
            yield ParsedImport(errors=[(exc.line, str(exc))])
        return
    with path.open("rb") as raw:
        reader = csv.reader(io.TextIOWrapper(raw, encoding="utf-8-sig", newline=""))
        try:
            try:
                header = _csv_header(reader)
            except SheetError as exc:
                yield ParsedImport(errors=[(exc.line, str(exc))])
                return
            unreadable = ParsedImport(max_errors=rules.max_errors)
            batches = _csv_batches(reader, unreadable, size)
            yield from parse_batches(batches, header, rules, unescape=True)
            if not unreadable.ok:
                yield unreadable
        except UnicodeDecodeError:
            # Rare: the whole file once more, for parse_csv's line and byte of the bad text.
            data = path.read_bytes()
            yield parse_bytes(data, ".csv", rules)
