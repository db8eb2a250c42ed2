"""The import's readers: a CSV or an .xlsx file (or its bytes) as records (line, cells),
checked by the one row checker, chunk by chunk or whole."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from itertools import islice
from pathlib import Path

from config.catalog import AwardCatalog
from domain.calendar import WorkCalendar
from handlers.importing.batches import CHUNK_ROWS, parse_batches, parse_rows
from handlers.importing.columns import ParsedImport
from handlers.importing.csv_reading import HeaderError, csv_header, csv_records, not_utf8, read_csv
from handlers.importing.rules import RowRules
from handlers.importing.sheet import SheetError, read_sheet

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
            header = csv_header(reader)
            records, estimate = csv_records(reader, unreadable), text.count("\n")
        rows = track(records, estimate) if track else records
        parsed = parse_rows(rows, header, rules.catalog, rules.calendar, rules=rules)
    except UnicodeDecodeError:
        return not_utf8(data)
    except HeaderError as exc:
        return ParsedImport(errors=[(1, str(exc))])
    except SheetError as exc:
        return ParsedImport(errors=[(exc.line, str(exc))])
    if not unreadable.ok:
        errors = sorted([*parsed.errors, *unreadable.errors], key=lambda error: error[0])
        parsed.errors = []
        parsed.add_errors(errors)
        parsed.more_errors += unreadable.more_errors
    return parsed


def _sheet_batches(
    records: Iterator[tuple[int, list[str]]], size: int
) -> Iterator[tuple[list[int], list[list[str]]]]:
    for batch in iter(lambda: list(islice(records, size)), []):
        yield [line for line, _cells in batch], [cells for _line, cells in batch]


def read_here(path: Path, rules: RowRules, *, size: int = CHUNK_ROWS) -> Iterator[ParsedImport]:
    """A CSV or .xlsx file (by its suffix) read as a stream and checked chunk by chunk, in
    this process; at least one chunk."""
    if path.suffix.lower() == XLSX:
        try:
            sheet = read_sheet(path)
            yield from parse_batches(
                _sheet_batches(sheet.records, size), sheet.header, rules, unescape=False
            )
        except SheetError as exc:
            yield ParsedImport(errors=[(exc.line, str(exc))])
        return
    yield from read_csv(path, rules, size=size)
