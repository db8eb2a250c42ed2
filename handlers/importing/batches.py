"""A file's rows checked a batch at a time: by columns when the batch is well formed, else
row by row, both through the one RowChecker; codes seen and errors listed are remembered
across batches."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from operator import itemgetter

from config.catalog import AwardCatalog
from domain.calendar import WorkCalendar
from domain.safe_text import POISON, clean_text, unescape_formula
from handlers.importing.columns import CELLS, REQUIRED, ParsedImport, header_map
from handlers.importing.rules import RowChecker, RowRules
from handlers.texts import importing as t

#: Rows validated (and written) at a time: big enough for executemany, small enough that a
#: million-row file never sits in memory whole.
CHUNK_ROWS = 20_000


def unescaped(cells: list[str]) -> list[str]:
    if "'" in "".join(cells) and any(cell[:1] == "'" for cell in cells):
        # Our export put a "'" before cells a spreadsheet would run as formulas.
        return [unescape_formula(cell) for cell in cells]
    return cells


@dataclass
class BatchChecker:
    """Checks a file's rows a batch at a time, remembering the codes seen (duplicates are
    found across batches) and how many errors were listed (past `max_errors`, only counted)."""

    names: list[str | None]
    rules: RowRules
    seen: dict[str, int] = field(default_factory=dict)
    listed: int = 0

    def __post_init__(self) -> None:
        positions = {name: index for index, name in enumerate(self.names) if name is not None}
        self.width = len(self.names)
        #: Where each of CELLS is in a row; a missing column reads the "" put after the row.
        self.positions = [positions.get(name, self.width) for name in CELLS]
        self.pick = itemgetter(*self.positions)
        checker = RowChecker(self.rules)
        self.check, self.check_columns = checker.check, checker.check_columns

    def batch(self, lines: list[int], rows: list[list[str]]) -> ParsedImport:
        """The rows (cells as read, lines where they start) checked, as one chunk: a batch of
        well-formed rows (a real export) by columns, anything else row by row."""
        width = self.width
        if rows and len(set(map(len, rows))) == 1 and len(rows[0]) == width:
            if POISON.search("".join(map("".join, rows))) is None:
                columns = [list(map(str.strip, column)) for column in zip(*rows, strict=True)]
                columns.append([""] * len(rows))  # what a missing column reads
                records = self.check_columns([columns[i] for i in self.positions])
                if records is not None:
                    codes = [record[0] for record in records]
                    if len(set(codes)) == len(codes) and self.seen.keys().isdisjoint(codes):
                        self.seen.update(zip(codes, lines, strict=True))
                        result = ParsedImport(max_errors=self.rules.max_errors)
                        result.records, result.lines = records, list(lines)
                        return result
        return self.row_by_row(lines, rows)

    def row_by_row(self, lines: list[int], rows: list[list[str]]) -> ParsedImport:
        """The rows checked one at a time: each row's ImportRow, or its problems with its line."""
        result = ParsedImport(max_errors=self.rules.max_errors)
        width, pick, check, seen = self.width, self.pick, self.check, self.seen
        records, kept_lines, errors = result.records, result.lines, []
        for line, cells in zip(lines, rows, strict=True):
            joined = "".join(cells)
            if not joined or joined.isspace():
                continue
            if len(cells) > width:
                errors.append((line, t.TOO_MANY_COLUMNS))
                continue
            picked = pick([*cells, *("",) * (width + 1 - len(cells))])
            if POISON.search(joined) is None:
                checked = check(*map(str.strip, picked))
            else:
                # Control characters and bidi overrides never reach a name or a note.
                checked = check(
                    *(
                        clean_text(value.strip(), multiline=name == "note").strip()
                        for name, value in zip(CELLS, picked, strict=True)
                    )
                )
            if type(checked) is list:
                errors.extend((line, problem) for problem in checked)
                continue
            code = checked[0]
            first = seen.setdefault(code, line)
            if first != line:
                errors.append((line, t.DUPLICATE_CODE.format(code=code, line=first)))
            else:
                records.append(checked)
                kept_lines.append(line)
        room = max(self.rules.max_errors - self.listed, 0)
        result.errors = errors[:room]
        result.more_errors = len(errors) - len(result.errors)
        self.listed += len(result.errors)
        return result


def parse_batches(
    batches: Iterable[tuple[list[int], list[list[str]]]],
    header: list[str],
    rules: RowRules,
    *,
    unescape: bool,
) -> Iterator[ParsedImport]:
    """One ParsedImport per batch of (lines, rows of cells); at least one. `unescape`: the
    cells are as read from a CSV file, formula escapes and all."""
    names, unknown = header_map(header)
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        yield ParsedImport(errors=[(1, t.MISSING_COLUMNS.format(columns=", ".join(missing)))])
        return
    if unknown:
        yield ParsedImport(errors=[(1, t.UNKNOWN_COLUMNS.format(columns=", ".join(unknown)))])
        return
    checker = BatchChecker(names, rules)
    parsed = None
    for lines, rows in batches:
        if unescape and "'" in "".join(map("".join, rows)):
            rows = list(map(unescaped, rows))
        parsed = checker.batch(lines, rows)
        yield parsed
    if parsed is None:
        yield ParsedImport()


def parse_chunks(
    records: Iterable[tuple[int, list[str]]],
    header: list[str],
    catalog: AwardCatalog,
    calendar: WorkCalendar,
    *,
    size: int = CHUNK_ROWS,
    keep_phones: bool = False,
    rules: RowRules | None = None,
) -> Iterator[ParsedImport]:
    """The records (line, cells) checked a chunk of `size` at a time, so a big file is
    validated (and written) while it is read, never held whole."""
    rules = rules or RowRules(catalog, calendar, keep_phones=keep_phones)
    records = iter(records)  # a list too: islice must go on where it stopped
    batches = (
        ([line for line, _cells in batch], [cells for _line, cells in batch])
        for batch in iter(lambda: list(islice(records, size)), [])
    )
    return parse_batches(batches, header, rules, unescape=False)


def parse_rows(
    records: Iterable[tuple[int, list[str]]],
    header: list[str],
    catalog: AwardCatalog,
    calendar: WorkCalendar,
    *,
    keep_phones: bool = False,
    rules: RowRules | None = None,
) -> ParsedImport:
    """Every record checked, as one ParsedImport (`keep_phones`, ZNS on: each row's phone
    cell is kept for the import to seal; otherwise only its last 4 digits)."""
    rules = rules or RowRules(catalog, calendar, keep_phones=keep_phones)
    result = ParsedImport(max_errors=rules.max_errors)
    for chunk in parse_chunks(records, header, catalog, calendar, rules=rules):
        result.extend(chunk)
    return result
