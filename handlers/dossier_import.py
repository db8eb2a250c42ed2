"""Reads and validates the one-stop system's export (CSV) into dossiers, all or nothing.

Usage: `python -m bot import FILE.csv` — every row is checked; one bad row and nothing is
written, each bad row listed with its line number. A big file is read, checked and written
chunk by chunk in one transaction (`import_chunks`), so memory stays bounded; a file of
PARALLEL_BYTES or more is read and checked in a second process (`csv_chunks`) while this one
writes.
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import fcntl
import gc
import io
import logging
import marshal
import os
import pickle
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache
from itertools import islice, repeat
from operator import itemgetter, lt, ne, not_
from pathlib import Path
from typing import IO, Any, TypeVar

from config.catalog import AwardCatalog, AwardKind
from db.bulk import (
    bulk_settings,
    insert_new,
    is_bulk,
    restore_indexes,
    restore_settings,
    suspend_indexes,
)
from db.dossiers import NoticeRenderer
from db.models import Dossier, DossierInput, ImportCounts, instant_to_db
from domain.calendar import WorkCalendar
from domain.codes import CODE_RE, normalize_code
from domain.safe_text import POISON, clean_text, unescape_formula
from domain.statuses import (
    RESOLVED,
    Status,
    parse_portal_state,
    parse_status,
    status_from_portal,
)
from domain.text import fold
from domain.transitions import can_reach, due_on_after_supplement
from handlers.services import Services
from handlers.texts import importing as t

COLUMNS = (
    "code",
    "award_kind",
    "nominee",
    "unit",
    "phone",
    "received_on",
    "due_on",
    "status",
    "resolved_on",
    "decision_no",
    "note",
)
REQUIRED = ("code", "award_kind", "nominee", "received_on")
#: Vietnamese headers of the one-stop export, folded (no accents, lower case).
ALIASES = {
    "ma ho so": "code",
    "ma": "code",
    "hinh thuc khen thuong": "award_kind",
    "hinh thuc": "award_kind",
    "loai khen thuong": "award_kind",
    "doi tuong": "nominee",
    "doi tuong de nghi": "nominee",
    "nguoi duoc de nghi": "nominee",
    "ho ten": "nominee",
    "don vi": "unit",
    "so dien thoai": "phone",
    "dien thoai": "phone",
    "ngay tiep nhan": "received_on",
    "ngay nhan": "received_on",
    "ngay hen tra": "due_on",
    "han xu ly": "due_on",
    "trang thai": "status",
    "ngay giai quyet": "resolved_on",
    "so quyet dinh": "decision_no",
    "ghi chu": "note",
}
LIMITS = {"nominee": 300, "unit": 300, "decision_no": 100, "note": 2000}
MIN_YEAR, MAX_YEAR = 1945, 2100
#: The cells a row is read into, in this order (the checker's arguments).
_CELLS = (*COLUMNS, "officer")
#: Distinct values remembered per cache of the row checker: a real export has a few thousand
#: dates and a handful of kinds and statuses; a hostile file of a million distinct cells must
#: not grow the caches without end.
_CACHED = 65_536
#: Whether a row needs `clean_text` (safe_text.needs_cleaning, without the call per row).
_POISON_SEARCH = POISON.search
#: Rows validated (and written) at a time: big enough for executemany, small enough that a
#: million-row file never sits in memory whole.
CHUNK_ROWS = 20_000
log = logging.getLogger(__name__)
T = TypeVar("T")
#: Phone cells a clean batch may hold: none, the last 4 digits (our own export), a number.
_PHONE_LENGTHS = frozenset({0, 4, 9, 10, 11, 12})
_DMY = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})")
#: Files this big (about 50,000 rows) are read in a second process while this one writes.
PARALLEL_BYTES = 8 << 20
#: The pipe from the reading process: room for about one chunk of CHUNK_ROWS rows.
PIPE_BYTES = 2 << 20
#: Wraps the (line, cells) records, e.g. with a progress bar; gets an estimate of their number.
RowTracker = Callable[
    [Iterator[tuple[int, list[str]]], int | None], Iterator[tuple[int, list[str]]]
]
#: Wraps the chunks of a CSV file (`csv_chunks`), e.g. with a progress bar; gets an estimate of
#: the rows.
ChunkTracker = Callable[[Iterator["ParsedImport"], int | None], Iterator["ParsedImport"]]


#: One valid row as plain values, cheap to build, to send between processes and to write with
#: executemany: the dossiers table's columns in its order (dates as ISO text, the status key),
#: then the officer cell, the phone cell (kept only for ZNS) and whether due_on was computed.
#: An empty resolved_on, decision_no or note is "" here (NULL once stored): sqlite3 binds a
#: None several times slower than a string (it looks for an adapter first), and a million-row
#: import binds a few million of them.
ImportRow = tuple[
    str, str, str, str, str, str, str, str, str, str, str, str | None, str | None, bool,
]  # fmt: skip
#: Positions in an ImportRow past the stored columns (the first STORED ones).
STORED, OFFICER, PHONE, DUE_COMPUTED = 11, 11, 12, 13


@dataclass
class ParsedImport:
    #: The valid rows, compact (see ImportRow); `rows` gives them as DossierInput.
    records: list[ImportRow] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)
    #: The file line of each row, for errors found after parsing (forbidden status moves).
    lines: list[int] = field(default_factory=list)
    _rows: list[DossierInput] | None = field(default=None, repr=False, compare=False)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def rows(self) -> list[DossierInput]:
        """The valid rows as DossierInput, built on first use (a bulk import never needs them)."""
        if self._rows is None:
            self._rows = [as_input(record) for record in self.records]
        return self._rows

    @property
    def due_computed(self) -> list[bool]:
        """Whether each row's due date was computed (its cell was empty): the stored one wins."""
        return [record[DUE_COMPUTED] for record in self.records]

    def extend(self, other: ParsedImport) -> None:
        self.records += other.records
        self.errors += other.errors
        self.lines += other.lines
        self._rows = None

    def summary(self) -> str:
        """`Có 2 dòng lỗi (4 lỗi) — …`: how many rows are wrong, and how many errors."""
        return error_summary(self.errors)

    def error_lines(self) -> list[str]:
        return [t.LINE_ERROR.format(line=line, message=message) for line, message in self.errors]


@lru_cache(maxsize=8192)
def _day(iso: str) -> date:
    return date.fromisoformat(iso)


def as_input(record: ImportRow) -> DossierInput:
    """An ImportRow as the DossierInput the repositories take."""
    (code, kind, nominee, unit, last4, received, due, status, resolved, decision, note) = record[
        :STORED
    ]
    return DossierInput(
        code=code,
        award_kind=kind,
        nominee=nominee,
        unit=unit,
        phone_last4=last4,
        received_on=_day(received),
        due_on=_day(due),
        status=Status(status),
        resolved_on=_day(resolved) if resolved else None,
        decision_no=decision or None,
        note=note or None,
        officer=record[OFFICER],
        phone=record[PHONE],
    )


def error_summary(errors: list[tuple[int, str]]) -> str:
    """`Có 2 dòng lỗi (4 lỗi) — …`: how many rows are wrong, and how many errors."""
    rows = len({line for line, _message in errors})
    if rows == len(errors):
        return t.NOTHING_WRITTEN.format(count=rows)
    return t.NOTHING_WRITTEN_ERRORS.format(rows=rows, errors=len(errors))


@lru_cache(maxsize=8192)  # a million-row export holds a few thousand distinct dates
def parse_date(value: str) -> date | None:
    """`YYYY-MM-DD` or `DD/MM/YYYY`; None when it is neither or not a real day."""
    value = value.strip()
    try:
        match = _DMY.fullmatch(value)
        if match:
            day = date(int(match[3]), int(match[2]), int(match[1]))
        elif re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
            day = date.fromisoformat(value)
        else:
            return None
    except ValueError:
        return None
    # Exports use 31/12/9999 and the like for "no date"; no dossier lives outside this range.
    return day if MIN_YEAR <= day.year <= MAX_YEAR else None


def phone_last4(value: str) -> str | None:
    """The last 4 digits of a Vietnamese phone number; None when it is not one."""
    digits = value if value.isdecimal() else re.sub(r"[\s.\-()]", "", value)
    if digits.startswith("+"):
        digits = digits[1:]
    # ASCII digits only: str.isdecimal() also takes Arabic-Indic or Devanagari ones, which
    # no citizen types back as the last 4 digits.
    if not (digits.isdecimal() and digits.isascii()):
        return None
    # Only the last 4 digits are stored, so an export writes those; re-importing keeps them.
    if len(digits) == 4:
        return digits
    if not 9 <= len(digits) <= 12:
        return None
    return digits[-4:]


def header_map(header: Iterable[str]) -> tuple[list[str | None], list[str]]:
    """Column names for each position (None for unknown) and the unknown headers."""
    names: list[str | None] = []
    unknown = []
    for raw in header:
        key = fold(raw.strip().lstrip("\ufeff"))
        name = key.replace(" ", "_") if key.replace(" ", "_") in COLUMNS else ALIASES.get(key)
        if name is None and key == "officer":
            name = "officer"
        names.append(name)
        if name is None and raw.strip():
            unknown.append(raw.strip())
    return names, unknown


def parse_rows(
    records: Iterator[tuple[int, list[str]]],
    header: list[str],
    catalog: AwardCatalog,
    calendar: WorkCalendar,
    *,
    keep_phones: bool = False,
) -> ParsedImport:
    """Validate every record (line number, cells) against the header; collect all errors.

    `keep_phones` (ZNS on) keeps each row's phone cell for the import to seal; otherwise only
    its last 4 digits leave this function."""
    result = ParsedImport()
    for chunk in parse_chunks(records, header, catalog, calendar, keep_phones=keep_phones):
        result.extend(chunk)
    return result


def parse_chunks(
    records: Iterator[tuple[int, list[str]]],
    header: list[str],
    catalog: AwardCatalog,
    calendar: WorkCalendar,
    *,
    size: int = CHUNK_ROWS,
    keep_phones: bool = False,
) -> Iterator[ParsedImport]:
    """`parse_rows` a chunk of `size` records at a time, so a big file is validated (and
    written) while it is read, never held whole; duplicates are found across chunks."""
    records = iter(records)  # a list too: islice must go on where it stopped
    batches = (
        ([line for line, _cells in batch], [cells for _line, cells in batch])
        for batch in iter(lambda: list(islice(records, size)), [])
    )
    return _parse_batches(
        batches, header, catalog, calendar, keep_phones=keep_phones, unescape=False
    )


def _parse_batches(
    batches: Iterable[tuple[list[int], list[list[str]]]],
    header: list[str],
    catalog: AwardCatalog,
    calendar: WorkCalendar,
    *,
    keep_phones: bool,
    unescape: bool,
) -> Iterator[ParsedImport]:
    """One ParsedImport per batch of (lines, rows of cells); at least one."""
    names, unknown = header_map(header)
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        yield ParsedImport(errors=[(1, t.MISSING_COLUMNS.format(columns=", ".join(missing)))])
        return
    if unknown:
        yield ParsedImport(errors=[(1, t.UNKNOWN_COLUMNS.format(columns=", ".join(unknown)))])
        return
    checker = _BatchChecker(names, catalog, calendar, keep_phones=keep_phones, unescape=unescape)
    parsed = None
    for lines, rows in batches:
        parsed = checker.batch(lines, rows)
        yield parsed
    if parsed is None:
        yield ParsedImport()


class _BatchChecker:
    """Checks a file's rows a batch at a time, remembering the codes seen.

    A batch of well-formed rows (the whole of a real export) is checked column by column:
    each distinct kind, date and status once, the rest by C loops over the columns
    (`check_columns`), about twice as fast as row by row. A batch with anything
    unusual (a wrong row, a blank line, a short row, a control character, a duplicate code)
    goes row by row through `row_checker`, which words every problem; so the fast way never
    decides what is wrong, only that nothing is.
    """

    def __init__(
        self,
        names: list[str | None],
        catalog: AwardCatalog,
        calendar: WorkCalendar,
        *,
        keep_phones: bool,
        unescape: bool,
    ) -> None:
        #: Whether the cells are as read from a CSV file, before `_unescaped`.
        self.unescape = unescape
        positions = {name: index for index, name in enumerate(names) if name is not None}
        self.width = len(names)
        #: Where each of _CELLS is in a row; a missing column reads the "" put after the row.
        self.positions = [positions.get(name, self.width) for name in _CELLS]
        self.pick = itemgetter(*self.positions)
        self.check, self.check_columns = _checkers(catalog, calendar, keep_phones=keep_phones)
        self.seen: dict[str, int] = {}

    def batch(self, lines: list[int], rows: list[list[str]]) -> ParsedImport:
        """The rows (cells as read, lines where they start) checked, as one chunk."""
        if rows and len(set(map(len, rows))) == 1 and len(rows[0]) == self.width:
            columns = list(zip(*rows, strict=True))
            if self.unescape and any("'" in "".join(column) for column in columns):
                rows = list(map(_unescaped, rows))
                columns = list(zip(*rows, strict=True))
            columns.append(("",) * len(rows))  # what a missing column reads
            records = self.check_columns(*(columns[position] for position in self.positions))
            if records is not None:
                codes = [record[0] for record in records]
                seen = self.seen
                if len(set(codes)) == len(codes) and seen.keys().isdisjoint(codes):
                    seen.update(zip(codes, lines, strict=True))
                    return ParsedImport(records=records, lines=list(lines))
        elif self.unescape:
            rows = list(map(_unescaped, rows))
        result = ParsedImport()
        self.rows(zip(lines, rows, strict=True), result)
        return result

    def rows(self, records: Iterable[tuple[int, list[str]]], result: ParsedImport) -> None:
        """Row by row: each row's ImportRow, or its problems with its line."""
        width, pick, check, seen = self.width, self.pick, self.check, self.seen
        poisoned = _POISON_SEARCH
        records_out, lines_out, errors_out = result.records, result.lines, result.errors
        for line, cells in records:
            joined = "".join(cells)
            if not joined or joined.isspace():
                continue
            count = len(cells)
            if count > width:
                errors_out.append((line, t.TOO_MANY_COLUMNS))
                continue
            cells = [*cells, *("",) * (width + 1 - count)]
            if poisoned(joined) is None:
                checked = check(*map(str.strip, pick(cells)))
            else:
                # Control characters and bidi overrides never reach a name or a note.
                checked = check(
                    *(
                        clean_text(value.strip(), multiline=name == "note").strip()
                        for name, value in zip(_CELLS, pick(cells), strict=True)
                    )
                )
            if type(checked) is list:
                errors_out.extend((line, problem) for problem in checked)
                continue
            code = checked[0]
            first = seen.setdefault(code, line)
            if first != line:
                errors_out.append((line, t.DUPLICATE_CODE.format(code=code, line=first)))
            else:
                records_out.append(checked)
                lines_out.append(line)


def prepare(
    parsed: ParsedImport,
    stored: dict[str, Dossier],
    today: date,
    calendar: WorkCalendar,
) -> None:
    """Merge an export snapshot with what the board already knows about each dossier.

    - a row may show a later status, never an impossible one: the officers' transition table
      must allow a path from the stored status (nothing leaves returned, rejected, withdrawn
      or stopped), else the row is an error;
    - an empty phone or due-date cell keeps the stored value (a column missing from one export
      must not erase every second factor, nor an extension granted for supplements);
    - a move into needs_supplement pauses the clock from today; a move out of it pushes the
      stored due date by the working days waited, as a change made in chat does.
    """
    due_computed = parsed.due_computed
    for index, (line, row) in enumerate(zip(parsed.lines, parsed.rows, strict=True)):
        before = stored.get(row.code)
        since = today if row.status is Status.needs_supplement else None
        if before is None:
            if since != row.supplement_since:  # a million-row import: copy only what changes
                parsed.rows[index] = replace(row, supplement_since=since)
            continue
        if not can_reach(before.status, row.status):
            message = t.FORBIDDEN_MOVE.format(
                code=row.code, current=before.status.label, target=row.status.label
            )
            parsed.errors.append((line, message))
            continue
        due_on = before.due_on if due_computed[index] else row.due_on
        if before.status is Status.needs_supplement:
            if row.status is Status.needs_supplement:
                since = before.supplement_since
            elif due_computed[index]:
                due_on = due_on_after_supplement(due_on, before.supplement_since, today, calendar)
        parsed.rows[index] = replace(
            row,
            phone_last4=row.phone_last4 or before.phone_last4,
            due_on=due_on,
            supplement_since=since,
        )


def parse_csv(
    data: bytes,
    catalog: AwardCatalog,
    calendar: WorkCalendar,
    *,
    track: RowTracker | None = None,
    keep_phones: bool = False,
) -> ParsedImport:
    """Parse the bytes of a CSV export (UTF-8, with or without BOM, comma-separated)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = exc.object[: exc.start].count(b"\n") + 1
        return ParsedImport(errors=[(line, t.NOT_UTF8.format(position=exc.start))])
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        return ParsedImport(errors=[(1, t.EMPTY_FILE)])
    except csv.Error as exc:
        return ParsedImport(errors=[(1, t.UNREADABLE_LINE.format(detail=_csv_problem(exc)))])

    unreadable: list[tuple[int, str]] = []
    records = _csv_records(reader, unreadable)
    rows = track(records, text.count("\n")) if track else records
    parsed = parse_rows(rows, header, catalog, calendar, keep_phones=keep_phones)
    if unreadable:
        parsed.errors = sorted([*parsed.errors, *unreadable], key=lambda error: error[0])
    return parsed


def _csv_records(reader: Any, unreadable: list[tuple[int, str]]) -> Iterator[tuple[int, list[str]]]:
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
            unreadable.append((start, t.UNREADABLE_LINE.format(detail=_csv_problem(exc))))
        else:
            yield start, _unescaped(cells)
        start = reader.line_num + 1


def _unescaped(cells: list[str]) -> list[str]:
    if "'" in "".join(cells) and any(cell[:1] == "'" for cell in cells):
        # Our export put a "'" before cells a spreadsheet would run as formulas.
        return [unescape_formula(cell) for cell in cells]
    return cells


def _csv_batches(
    reader: Any, unreadable: list[tuple[int, str]], size: int
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
            unreadable.append((line, t.UNREADABLE_LINE.format(detail=_csv_problem(exc))))
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
        return t.FIELD_TOO_LARGE.format(limit=f"{csv.field_size_limit():,}".replace(",", "."))
    return t.MALFORMED_CSV


def csv_chunks(
    path: Path,
    catalog: AwardCatalog,
    calendar: WorkCalendar,
    *,
    progress: ChunkTracker | None = None,
    size: int = CHUNK_ROWS,
    keep_phones: bool = False,
    parallel: bool | None = None,
) -> Iterator[ParsedImport]:
    """`parse_csv` of a file read as a stream, chunk by chunk (see `parse_chunks`).

    `parallel` (by default: a file of PARALLEL_BYTES or more) reads and checks the file in a
    second process, so that it runs on another core while this one writes; the chunks and
    errors are those of the same reading here, in the same order (see `_read_elsewhere`).
    `progress` wraps the chunks, e.g. with a progress bar; it gets an estimate of the rows.
    """
    if parallel is None:
        try:
            parallel = path.stat().st_size >= PARALLEL_BYTES
        except OSError:
            parallel = False  # the reading below says what is wrong with the file
    estimate = _estimated_rows(path)
    if parallel:
        chunks = _read_elsewhere(path, catalog, calendar, size=size, keep_phones=keep_phones)
    else:
        chunks = _read_here(path, catalog, calendar, size=size, keep_phones=keep_phones)
    return progress(chunks, estimate) if progress else chunks


def _estimated_rows(path: Path) -> int:
    """The file's size over the length of its first lines: for a progress bar."""
    try:
        with path.open("rb") as raw:
            sample = raw.read(1 << 16)
        return path.stat().st_size * sample.count(b"\n") // len(sample) if sample else 0
    except OSError:
        return 0


def _read_here(
    path: Path, catalog: AwardCatalog, calendar: WorkCalendar, *, size: int, keep_phones: bool
) -> Iterator[ParsedImport]:
    with path.open("rb") as raw:
        reader = csv.reader(io.TextIOWrapper(raw, encoding="utf-8-sig", newline=""))
        try:
            try:
                header = next(reader)
            except StopIteration:
                yield ParsedImport(errors=[(1, t.EMPTY_FILE)])
                return
            except csv.Error as exc:
                detail = _csv_problem(exc)
                yield ParsedImport(errors=[(1, t.UNREADABLE_LINE.format(detail=detail))])
                return
            unreadable: list[tuple[int, str]] = []
            batches = _csv_batches(reader, unreadable, size)
            yield from _parse_batches(
                batches, header, catalog, calendar, keep_phones=keep_phones, unescape=True
            )
            if unreadable:
                yield ParsedImport(errors=unreadable)
        except UnicodeDecodeError:
            # Rare: the whole file once more, for parse_csv's line and byte of the bad text.
            yield parse_csv(path.read_bytes(), catalog, calendar, keep_phones=keep_phones)


def _read_elsewhere(
    path: Path, catalog: AwardCatalog, calendar: WorkCalendar, *, size: int, keep_phones: bool
) -> Iterator[ParsedImport]:
    """`_read_here` run in a second Python process (handlers/import_reader.py), its chunks
    handed over through a pipe as they are ready.

    The child starts at once, so that its start-up overlaps the caller's. A full pipe stops it,
    so at most about two chunks wait when the writer is slower. A plain subprocess rather than
    multiprocessing: "spawn" would run the caller's main script again in the child and "fork"
    would copy the locks of this process's threads. When the child fails, or dies, the import
    fails as a whole: nothing is written.
    """
    root = str(Path(__file__).resolve().parent.parent)
    paths = [root, *filter(None, [os.environ.get("PYTHONPATH")])]
    errors = tempfile.TemporaryFile()  # a pipe could fill up and stop the child
    child = subprocess.Popen(
        [sys.executable, "-m", "handlers.import_reader"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=errors,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(paths)},
    )
    assert child.stdin is not None and child.stdout is not None
    with contextlib.suppress(OSError, AttributeError):  # Linux: room for about a chunk
        fcntl.fcntl(child.stdout.fileno(), fcntl.F_SETPIPE_SZ, PIPE_BYTES)
    job = (path, catalog, calendar, size, keep_phones, csv.field_size_limit())
    try:
        pickle.dump(job, child.stdin, protocol=pickle.HIGHEST_PROTOCOL)
    except BrokenPipeError:
        pass  # it died already: reading its output says so
    finally:
        with contextlib.suppress(BrokenPipeError):
            child.stdin.close()
    return _handed_over(child, errors)


def _handed_over(child: subprocess.Popen[bytes], errors: IO[bytes]) -> Iterator[ParsedImport]:
    assert child.stdout is not None
    try:
        while True:
            try:
                item = _receive(child.stdout)  # our own child's output, nobody else's
            except (EOFError, ValueError, TypeError):  # it stopped, maybe inside a chunk
                child.wait()
                errors.seek(0)
                # Its last line only (the exception), never the rows a traceback might show.
                last = errors.read().decode(errors="replace").strip().splitlines()[-1:]
                log.warning("import reader failed: %s", last[0][:300] if last else "")
                detail = f"exit code {child.returncode}"
                raise ImportReaderError(t.READER_FAILED.format(detail=detail)) from None
            if item is None:
                return
            if isinstance(item, str):
                raise ImportReaderError(t.READER_FAILED.format(detail=item))
            records, found, lines = item
            yield ParsedImport(records=records, errors=found, lines=lines)
    finally:
        if child.poll() is None:
            child.kill()  # the consumer stopped early: the rest is not wanted
        child.wait()
        child.stdout.close()
        errors.close()


def read_in_child(stdin: IO[bytes], stdout: IO[bytes]) -> None:
    """The second process of `_read_elsewhere`: every chunk as (records, errors, lines), then
    None (or what went wrong, as text), one after the other.

    In marshal's format rather than pickle's: a chunk is plain tuples, lists, text and
    numbers, which marshal writes and reads about a third faster (the same interpreter runs
    both ends)."""
    path, catalog, calendar, size, keep_phones, field_limit = pickle.load(stdin)
    csv.field_size_limit(field_limit)  # the parent's limit on a cell, not the default
    try:
        for chunk in _read_here(path, catalog, calendar, size=size, keep_phones=keep_phones):
            _send(stdout, (chunk.records, chunk.errors, chunk.lines))
    except Exception as exc:  # handed over, so the parent fails the import with it
        _send(stdout, f"{type(exc).__name__}: {exc}")
    else:
        _send(stdout, None)
    stdout.flush()


_LENGTH = 8  # bytes of the length before each item


def _send(stream: IO[bytes], item: object) -> None:
    # Its length first: marshal.load from a stream would call the stream once per value.
    data = marshal.dumps(item)
    stream.write(len(data).to_bytes(_LENGTH, "little"))
    stream.write(data)


def _receive(stream: IO[bytes]) -> Any:
    head = stream.read(_LENGTH)
    size = int.from_bytes(head, "little") if len(head) == _LENGTH else 0
    data = stream.read(size) if size else b""
    if not data or len(data) != size:
        raise EOFError
    return marshal.loads(data)


class ImportReaderError(Exception):
    """The process reading the file failed: the import is rolled back."""


def parse_xlsx(
    data: bytes,
    catalog: AwardCatalog,
    calendar: WorkCalendar,
    *,
    track: RowTracker | None = None,
    keep_phones: bool = False,
) -> ParsedImport:
    """Parse the first sheet of an .xlsx file: the same columns and checks as the CSV."""
    from handlers.excel import SheetError, read_sheet

    try:
        sheet = read_sheet(data)
        rows = track(sheet.records, sheet.estimated_rows) if track else sheet.records
        return parse_rows(rows, sheet.header, catalog, calendar, keep_phones=keep_phones)
    except SheetError as exc:
        return ParsedImport(errors=[(exc.line, str(exc))])


#: A row's ImportRow, or the list of its problems.
RowCheck = Callable[..., "ImportRow | list[str]"]


def row_checker(catalog: AwardCatalog, calendar: WorkCalendar, *, keep_phones: bool) -> RowCheck:
    """`check(code, award_kind, nominee, unit, phone, received_on, due_on, status, resolved_on,
    decision_no, note, officer)` of one row's stripped cells: its ImportRow, or its problems."""
    return _checkers(catalog, calendar, keep_phones=keep_phones)[0]


#: The ImportRows of a batch's columns, or None (see `_checkers`).
ColumnCheck = Callable[..., "list[ImportRow] | None"]


def _checkers(
    catalog: AwardCatalog, calendar: WorkCalendar, *, keep_phones: bool
) -> tuple[RowCheck, ColumnCheck]:
    """`row_checker`'s check, and `check_columns` of a batch of well-formed rows.

    A million-row export repeats its award kinds, dates and statuses: what depends on one such
    cell alone is worked out once per distinct value, then looked up (a closure over plain
    dicts: this runs a million times per import).
    """
    kinds: dict[str, AwardKind | None] = {}
    dates: dict[str, str | None] = {}
    days: dict[str, bool] = {}  # the YYMMDD of a code: a real day?
    statuses: dict[str, tuple[str | None, str | None]] = {}
    statuses_decided: dict[str, tuple[str | None, str | None]] = {}
    due_dates: dict[tuple[str, int], str] = {}
    interned: dict[str, str] = {}
    limits = LIMITS["nominee"], LIMITS["unit"], LIMITS["decision_no"], LIMITS["note"]
    resolved_values = frozenset(status.value for status in RESOLVED)
    received_value = Status.received.value
    code_match = CODE_RE.fullmatch

    def date_of(value: str, name: str, problems: list[str]) -> str | None:
        iso = dates.get(value, "")
        if iso == "":
            day = parse_date(value)
            iso = _remember(dates, value, day.isoformat() if day is not None else None)
        if iso is None:
            problems.append(t.BAD_DATE.format(field=t.FIELD_NAMES[name], value=value[:40]))
        return iso

    def due_for(received_on: str, kind: AwardKind) -> str:
        """The due date of a dossier received that day, by its kind's working days."""
        due_on = due_dates.get((received_on, kind.working_days))
        if due_on is None:
            # A receipt on a day off counts from the next working day (receipt_day).
            due = calendar.due_date(date.fromisoformat(received_on), kind.working_days)
            due_on = _remember(due_dates, (received_on, kind.working_days), due.isoformat())
        return due_on

    def check(
        code_cell: str,
        kind_cell: str,
        nominee: str,
        unit: str,
        phone: str,
        received_cell: str,
        due_cell: str,
        status_cell: str,
        resolved_cell: str,
        decision_no: str,
        note: str,
        officer: str,
    ) -> ImportRow | list[str]:
        problems: list[str] = []
        if not (code_cell and kind_cell and nominee and received_cell):
            for name, value in zip(
                REQUIRED, (code_cell, kind_cell, nominee, received_cell), strict=True
            ):
                if not value:
                    problems.append(t.EMPTY_FIELD.format(field=t.FIELD_NAMES[name]))
            return problems
        if (
            len(nominee) > limits[0]
            or len(unit) > limits[1]
            or len(decision_no) > limits[2]
            or len(note) > limits[3]
        ):
            for name, value in (
                ("nominee", nominee),
                ("unit", unit),
                ("decision_no", decision_no),
                ("note", note),
            ):
                if len(value) > LIMITS[name]:
                    problems.append(
                        t.TOO_LONG.format(field=t.FIELD_NAMES[name], limit=LIMITS[name])
                    )
        # An export's codes are canonical already: one match and the day's check, remembered.
        code: str | None = code_cell
        if code_match(code_cell) is not None:
            day = code_cell[-11:-5]
            valid = days.get(day)
            if valid is None:
                valid = _remember(days, day, normalize_code(code_cell) is not None)
            if not valid:
                code = None
        else:
            code = normalize_code(code_cell)
        if code is None:
            problems.append(t.BAD_CODE.format(value=code_cell[:60]))
        kind = kinds.get(kind_cell, _UNSEEN)
        if kind is _UNSEEN:
            kind = _remember(kinds, kind_cell, catalog.find(kind_cell))
        if kind is None:
            problems.append(t.UNKNOWN_AWARD.format(value=kind_cell[:80]))
        received_on = dates.get(received_cell) or date_of(received_cell, "received_on", problems)
        due_on = (
            (dates.get(due_cell) or date_of(due_cell, "due_on", problems)) if due_cell else None
        )
        resolved_on = None
        if resolved_cell:
            resolved_on = dates.get(resolved_cell) or date_of(
                resolved_cell, "resolved_on", problems
            )
        status: str | None = received_value
        if status_cell:
            known = statuses_decided if decision_no else statuses
            found = known.get(status_cell)
            if found is None:
                found = _remember(known, status_cell, _status_of(status_cell, decision_no))
            status, problem = found
            if problem is not None:
                problems.append(problem)
        last4 = ""
        if phone:
            if phone.isdecimal() and phone.isascii() and 9 <= len(phone) <= 12:
                last4 = phone[-4:]
            else:
                found_digits = phone_last4(phone)
                if found_digits is None:
                    problems.append(t.BAD_PHONE.format(value=phone[:30]))
                else:
                    last4 = found_digits
        # ISO dates of years 1945–2100 (parse_date's range) compare as the days they name.
        if received_on and due_on and due_on < received_on:
            problems.append(t.DUE_BEFORE_RECEIVED)
        if received_on and resolved_on and resolved_on < received_on:
            problems.append(t.RESOLVED_BEFORE_RECEIVED)
        if status is not None:
            if status in resolved_values:
                if not resolved_cell:
                    problems.append(t.RESOLVED_MISSING.format(label=Status(status).label))
            elif resolved_on:
                problems.append(t.RESOLVED_NOT_ALLOWED.format(label=Status(status).label))
        if problems or code is None or kind is None or received_on is None or status is None:
            return problems
        if due_on is None:
            due_on = due_for(received_on, kind)
        # Repeated values as one object each: a chunk is then handed over faster.
        shared = interned.get(unit)
        if shared is None:
            shared = _remember(interned, unit, unit)
        last4_shared = interned.get(last4)
        if last4_shared is None:
            last4_shared = _remember(interned, last4, last4)
        return (
            code,
            kind.code,
            nominee,
            shared,
            last4_shared,
            received_on,
            due_on,
            status,
            resolved_on or "",
            decision_no,
            note,
            officer or None,
            (phone or None) if keep_phones else None,
            not due_cell,
        )

    def check_columns(
        codes: tuple[str, ...],
        kind_cells: tuple[str, ...],
        nominee_cells: tuple[str, ...],
        unit_cells: tuple[str, ...],
        phones: tuple[str, ...],
        received_cells: tuple[str, ...],
        due_cells: tuple[str, ...],
        status_cells: tuple[str, ...],
        resolved_cells: tuple[str, ...],
        decision_cells: tuple[str, ...],
        note_cells: tuple[str, ...],
        officer_cells: tuple[str, ...],
    ) -> list[ImportRow] | None:
        """The ImportRows `check` gives for a batch of rows, given as columns of cells (as
        read, not stripped), when every row is well formed; None when any row might not be
        (then `check` goes through them one by one, wording each problem). A Python loop per
        distinct kind, date, status and unit; per row only C loops over the columns."""
        if "" in codes or "" in kind_cells or "" in received_cells:
            return None
        # Control characters: in the free text here, in the repeated cells once per value
        # below; a code or a phone number that matches has none.
        if _POISON_SEARCH("".join([*nominee_cells, *decision_cells, *note_cells, *officer_cells])):
            return None
        nominees = list(map(str.strip, nominee_cells))
        decisions = list(map(str.strip, decision_cells))
        notes = list(map(str.strip, note_cells))
        unit_of = {unit: unit.strip() for unit in set(unit_cells)}  # one object per unit, too
        digits = "".join(phones)
        if (
            "" in nominees
            or max(map(len, nominees)) > limits[0]
            or max(map(len, unit_of.values())) > limits[1]
            or max(map(len, decisions)) > limits[2]
            or max(map(len, notes)) > limits[3]
            or any(map(_POISON_SEARCH, unit_of))
            or not set(map(len, phones)) <= _PHONE_LENGTHS
            or not ((digits.isdecimal() and digits.isascii()) or not digits)
            or not all(map(code_match, codes))
        ):
            return None
        for day, code in {code[-11:-5]: code for code in codes}.items():
            valid = days.get(day)
            if valid is None:
                valid = _remember(days, day, normalize_code(code) is not None)
            if not valid:
                return None
        kind_of: dict[str, AwardKind] = {}
        for cell in set(kind_cells):
            value = cell.strip()
            kind = kinds.get(value, _UNSEEN)
            if kind is _UNSEEN:
                kind = _remember(kinds, value, catalog.find(value) if value else None)
            if kind is None or _POISON_SEARCH(cell):
                return None
            kind_of[cell] = kind
        iso_of: dict[str, str] = {}
        for cell in set(received_cells).union(due_cells, resolved_cells):
            value = cell.strip()
            if not value:
                if cell:  # blanks only: `check` reads it as empty
                    return None
                continue
            iso = dates.get(value, "")
            if iso == "":
                day = parse_date(value)
                iso = _remember(dates, value, day.isoformat() if day is not None else None)
            if iso is None or _POISON_SEARCH(cell):
                return None
            iso_of[cell] = iso
        received = list(map(iso_of.__getitem__, received_cells))
        # An empty due or resolved cell reads as the day received: never before it.
        if any(map(lt, map(iso_of.get, due_cells, received), received)) or any(
            map(lt, map(iso_of.get, resolved_cells, received), received)
        ):
            return None
        # A status cell reads the same with or without a decision number but for the
        # portal's state 9: pairs with the decision are looked at only then.
        status_of: dict[str, str] = {}
        for cell in set(status_cells):
            value = cell.strip()
            if not value:
                status_of[cell] = received_value
                continue
            if _POISON_SEARCH(cell):
                return None
            found = [known.get(value) for known in (statuses, statuses_decided)]
            for index, known in enumerate((statuses, statuses_decided)):
                if found[index] is None:
                    decision = "+" if known is statuses_decided else ""
                    found[index] = _remember(known, value, _status_of(value, decision))
            (status, problem), decided = found
            if decided != (status, problem) or status is None or problem is not None:
                return None
            status_of[cell] = status
        keys = list(map(status_of.__getitem__, status_cells))
        if any(map(ne, map(resolved_values.__contains__, keys), map(bool, resolved_cells))):
            return None
        due: Iterable[str] = map(iso_of.get, due_cells)
        if "" in due_cells:
            due = [
                given or due_for(received_on, kind_of[kind_cell])
                for given, received_on, kind_cell in zip(due, received, kind_cells, strict=True)
            ]
        last4 = [phone[-4:] for phone in phones]
        # One object per value: a chunk is handed over smaller.
        shared = dict(zip(last4, last4, strict=True))
        return list(
            zip(
                codes,
                map({cell: kind.code for cell, kind in kind_of.items()}.__getitem__, kind_cells),
                nominees,
                map(unit_of.__getitem__, unit_cells),
                map(shared.__getitem__, last4),
                received,
                due,
                keys,
                map(iso_of.get, resolved_cells, repeat("")),
                decisions,
                notes,
                [value.strip() or None for value in officer_cells],
                [value or None for value in phones] if keep_phones else repeat(None),
                map(not_, due_cells),
                strict=False,
            )
        )

    return check, check_columns


_UNSEEN: Any = object()


def _remember(cache: dict[Any, Any], key: Any, value: T) -> T:
    """`value`, kept in `cache` under `key` while the cache is below its bound."""
    if len(cache) < _CACHED:
        cache[key] = value
    return value


def _status_of(cell: str, decision_no: str) -> tuple[str | None, str | None]:
    """A status cell's status key (ours, from our key or label or the portal's state), or its
    problem."""
    parsed = parse_status(cell)
    if parsed is not None:
        return parsed.value, None
    portal = parse_portal_state(cell)
    if portal is None:
        return None, t.BAD_STATUS.format(value=cell[:60])
    # An export of the one-stop system speaks the portal's states (codes 1–10).
    parsed = status_from_portal(portal, decision_no or None)
    if parsed is None:
        return None, t.PORTAL_STATE_REFUSED[portal]
    return parsed.value, None


@dataclass
class ImportOutcome:
    """What an import did: the rows read, every error found (then nothing was written), and
    the counts written."""

    rows: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)
    counts: ImportCounts = field(default_factory=lambda: ImportCounts(0, 0, 0))
    bulk: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def error_lines(self) -> list[str]:
        return [t.LINE_ERROR.format(line=line, message=message) for line, message in self.errors]

    def summary(self) -> str:
        return error_summary(self.errors)


class _Rejected(Exception):
    """Some row is wrong: roll the whole import back."""


async def import_chunks(
    services: Services,
    chunks: Iterator[ParsedImport],
    *,
    actor: str,
    estimated_rows: int,
    notice: NoticeRenderer | None = None,
    allowed_move: Callable[[Status, Status], bool] | None = None,
    seal_phone: Callable[[str, str], bytes | None] | None = None,
) -> ImportOutcome:
    """Validate and write an export chunk by chunk in ONE transaction: all or nothing.

    While SQLite's thread writes one chunk, the next is read and validated (here, or in the
    reading process of `csv_chunks`). New dossiers only (an empty table, no officer column,
    ZNS off) go to executemany as the parser's compact rows (`db.bulk.insert_new`); any
    other chunk goes through `prepare` and `upsert_many`. A file large relative to the table
    (`is_bulk`) is written in bulk mode: the dossier tables' secondary indexes and the
    redundant insert trigger are dropped first and built again at the end, inside the same
    transaction. After the first bad row nothing more is written,
    but the file is read to its end so that every error is listed; then everything is rolled
    back. ForbiddenMove and UnknownOfficerError roll it back too and reach the caller.
    `seal_phone` (ZNS on): the rows' full numbers are kept, encrypted, in the same transaction.
    """
    db = services.db
    outcome = ImportOutcome(bulk=is_bulk(estimated_rows, await services.dossiers.count()))
    today, now = services.today(), services.now()
    stamp = instant_to_db(now)
    previous = await bulk_settings(db) if outcome.bulk else []
    # A million rows are millions of young objects (handed over or read here): the cyclic
    # collector would walk them again and again, while an import makes no cycles worth
    # collecting before it ends.
    collecting = gc.isenabled()
    gc.disable()
    try:
        async with db.transaction():
            # Counted again inside the transaction: nobody can add a dossier from here on.
            empty = await db.on_worker(services.dossiers.count) == 0
            rebuild = await db.on_worker(lambda: suspend_indexes(db)) if outcome.bulk else []
            writing: asyncio.Future[ImportCounts | int] | None = None
            for chunk in chunks:  # reading the next chunk here overlaps the write in flight
                outcome.rows += len(chunk.records)
                outcome.errors += chunk.errors
                if outcome.errors:
                    continue
                if writing is not None:
                    _add_counts(outcome, await writing)
                    writing = None
                if empty and seal_phone is None and not any(map(_officer_of, chunk.records)):
                    # New dossiers only: the compact rows go to executemany as they are.
                    writing = asyncio.ensure_future(
                        db.on_worker(
                            lambda records=chunk.records: insert_new(
                                db, records, actor=actor, stamp=stamp, today=today
                            )
                        )
                    )
                    continue
                stored: dict[str, Dossier] = {}
                if not empty:
                    codes = [row.code for row in chunk.rows]
                    stored = await db.on_worker(
                        lambda codes=codes: services.dossiers.get_many(codes)
                    )
                prepare(chunk, stored, today, services.calendar)
                if chunk.errors:
                    outcome.errors += chunk.errors
                    continue
                writing = asyncio.ensure_future(
                    db.on_worker(
                        lambda rows=chunk.rows: services.dossiers.upsert_many(
                            rows,
                            actor=actor,
                            now=now,
                            notice=notice,
                            allowed_move=allowed_move,
                            seal_phone=seal_phone,
                            all_new=empty,
                        )
                    )
                )
            if writing is not None:
                _add_counts(outcome, await writing)
            if outcome.errors:
                raise _Rejected
            if rebuild:
                await db.on_worker(lambda: restore_indexes(db, rebuild))
    except _Rejected:
        outcome.counts = ImportCounts(0, 0, 0)
    finally:
        if collecting:
            gc.enable()
        await restore_settings(db, previous)
    return outcome


_officer_of = itemgetter(OFFICER)


def _add_counts(outcome: ImportOutcome, counts: ImportCounts | int) -> None:
    if isinstance(counts, int):  # new dossiers inserted
        counts = ImportCounts(inserted=counts, updated=0, unchanged=0)
    total = outcome.counts
    outcome.counts = ImportCounts(
        inserted=total.inserted + counts.inserted,
        updated=total.updated + counts.updated,
        unchanged=total.unchanged + counts.unchanged,
    )
