"""The import's CSV reading: a file as batches of records, its unreadable lines as errors.

Imported by the reading process, which reads only CSV: nothing here loads openpyxl.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from itertools import islice
from pathlib import Path
from typing import Any

from handlers.importing.batches import CHUNK_ROWS, parse_batches, unescaped
from handlers.importing.columns import ParsedImport, vietnamese_number
from handlers.importing.rules import RowRules
from handlers.texts import importing as t


def not_utf8(data: bytes) -> ParsedImport:
    """The error of bytes that are not UTF-8, with the line and byte of the bad text; an
    empty result when they are."""
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = exc.object[: exc.start].count(b"\n") + 1
        return ParsedImport(errors=[(line, t.NOT_UTF8.format(position=exc.start))])
    return ParsedImport()


class HeaderError(Exception):
    """The CSV file has no header line to read; the message is for the user."""


def csv_header(reader: Any) -> list[str]:
    try:
        return next(reader)
    except StopIteration:
        raise HeaderError(t.EMPTY_FILE) from None
    except csv.Error as exc:
        raise HeaderError(t.UNREADABLE_LINE.format(detail=_csv_problem(exc))) from None


def csv_records(reader: Any, unreadable: ParsedImport) -> Iterator[tuple[int, list[str]]]:
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


def read_csv(path: Path, rules: RowRules, *, size: int = CHUNK_ROWS) -> Iterator[ParsedImport]:
    """A CSV file read as a stream and checked chunk by chunk; at least one chunk. Its
    unreadable lines come as a last chunk."""
    with path.open("rb") as raw:
        reader = csv.reader(io.TextIOWrapper(raw, encoding="utf-8-sig", newline=""))
        try:
            try:
                header = csv_header(reader)
            except HeaderError as exc:
                yield ParsedImport(errors=[(1, str(exc))])
                return
            unreadable = ParsedImport(max_errors=rules.max_errors)
            batches = _csv_batches(reader, unreadable, size)
            yield from parse_batches(batches, header, rules, unescape=True)
            if not unreadable.ok:
                yield unreadable
        except UnicodeDecodeError:
            # Rare: the whole file once more, for the line and byte of the bad text.
            yield not_utf8(path.read_bytes())
