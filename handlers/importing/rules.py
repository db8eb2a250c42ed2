"""The row rules of the import: ONE checker that words every problem of a row, with its line.

What the chat refuses the import refuses too: a received day after today or other than the
code's day, a decision number not of the decision pattern, an award kind not for the nominee's
type, an officer's name that matches no officer (or several).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from itertools import islice
from operator import itemgetter
from typing import Any, TypeVar

from config.catalog import AwardCatalog, AwardKind
from domain.calendar import WorkCalendar
from domain.codes import CODE_RE, normalize_code
from domain.decisions import DEFAULT_PATTERN, normalize_decision_no
from domain.safe_text import POISON, clean_text, unescape_formula
from domain.statuses import RESOLVED, Status, parse_portal_state, parse_status, status_from_portal
from domain.text import fold
from handlers.importing.columns import (
    CELLS,
    LIMITS,
    MAX_ERRORS,
    NOMINEE_TYPES,
    REQUIRED,
    ImportRow,
    ParsedImport,
    header_map,
    parse_date,
    phone_last4,
)
from handlers.texts import importing as t
from handlers.texts import reminders as treminders

#: Distinct values remembered per cache of the row checker: a real export has a few thousand
#: dates and a handful of kinds and statuses; a hostile file of a million distinct cells must
#: not grow the caches without end.
_CACHED = 65_536
#: Rows validated (and written) at a time: big enough for executemany, small enough that a
#: million-row file never sits in memory whole.
CHUNK_ROWS = 20_000
_RESOLVED = frozenset(status.value for status in RESOLVED)
_LIMITS = LIMITS["nominee"], LIMITS["unit"], LIMITS["decision_no"], LIMITS["note"]
_UNSEEN: Any = object()
T = TypeVar("T")


@dataclass(frozen=True)
class RowRules:
    """What a row is checked against; plain data, so the reading process gets it pickled.

    `today` (None: not checked) refuses received and resolved days after it; `officers` (None:
    left to the write) maps each active officer's folded name, and staff id, to how many
    officers answer to it; `max_errors` errors are listed, the rest counted."""

    catalog: AwardCatalog
    calendar: WorkCalendar
    keep_phones: bool = False
    today: date | None = None
    decision_pattern: str = DEFAULT_PATTERN
    officers: dict[str, int] | None = None
    max_errors: int = MAX_ERRORS


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


class RowChecker:
    """`check(cells)` of one row's stripped cells (in CELLS' order): its ImportRow, or every
    problem it has. A million-row export repeats its kinds, dates, statuses and decision
    numbers: what depends on one such cell alone is worked out once, then looked up."""

    def __init__(self, rules: RowRules) -> None:
        self.rules = rules
        self.keep_phones = rules.keep_phones
        self.today = rules.today.isoformat() if rules.today is not None else None
        self.kinds: dict[str, AwardKind | None] = {}
        self.dates: dict[str, str | None] = {}
        self.days: dict[str, bool] = {}  # the YYMMDD of a code: a real day?
        #: A status cell's (status, problem), without and with a decision number (they differ
        #: only for the portal's state 9).
        self.statuses: tuple[dict[str, tuple[str | None, str | None]], ...] = ({}, {})
        self.decisions: dict[str, str | None] = {}
        self.due_dates: dict[tuple[str, int], str] = {}
        self.interned: dict[str, str] = {}

    def check(self, *cells: str) -> ImportRow | list[str]:
        (code_cell, kind_cell, nominee, unit, phone, received_cell, due_cell, status_cell,
         resolved_cell, decision_cell, note, officer, type_cell) = cells  # fmt: skip
        if not (code_cell and kind_cell and nominee and received_cell):
            return [
                t.EMPTY_FIELD.format(field=t.FIELD_NAMES[name])
                for name, value in zip(REQUIRED, (*cells[:3], received_cell), strict=True)
                if not value
            ]
        problems: list[str] = []
        # Each cell's rule is worked out once per distinct value (the helpers), then looked up.
        if (
            len(nominee) > _LIMITS[0]
            or len(unit) > _LIMITS[1]
            or len(decision_cell) > _LIMITS[2]
            or len(note) > _LIMITS[3]
        ):
            problems += self._lengths(nominee, unit, decision_cell, note)
        code = (
            code_cell if self.days.get(code_cell[-11:-5]) and CODE_RE.fullmatch(code_cell) else None
        )
        if code is None:
            code = self._code(code_cell, problems)
        kind = self.kinds.get(kind_cell)
        if kind is None or type_cell:
            kind = self._kind(kind_cell, type_cell, problems)
        dates = self.dates
        received_on = dates.get(received_cell) or self._date(received_cell, "received_on", problems)
        due_on = (
            (dates.get(due_cell) or self._date(due_cell, "due_on", problems)) if due_cell else None
        )
        resolved_on = ""
        if resolved_cell:
            resolved_on = dates.get(resolved_cell) or self._date(
                resolved_cell, "resolved_on", problems
            )
        decision_no = ""
        if decision_cell:
            decision_no = self.decisions.get(decision_cell) or self._decision(
                decision_cell, problems
            )
        status = self._status(status_cell, decision_no, problems)
        if phone.isdecimal() and phone.isascii() and 9 <= len(phone) <= 12:
            last4 = phone[-4:]
        else:
            last4 = self._phone(phone, problems)
        if received_on:
            self._dates_agree(code, received_on, due_on, resolved_on, problems)
        if status is not None:
            if status in _RESOLVED:
                if not resolved_cell:
                    problems.append(t.RESOLVED_MISSING.format(label=Status(status).label))
            elif resolved_on:
                problems.append(t.RESOLVED_NOT_ALLOWED.format(label=Status(status).label))
        if officer:
            self._officer(officer, code or code_cell, problems)
        if problems or code is None or kind is None or received_on is None or status is None:
            return problems
        if due_on is None:
            due_on = self._due_for(received_on, kind)
        interned = self.interned
        return (
            code,
            kind.code,
            nominee,
            interned.get(unit) or self._shared(unit),  # one object per value: handed over faster
            interned.get(last4) or self._shared(last4),
            received_on,
            due_on,
            status,
            resolved_on or "",
            decision_no or "",
            note,
            officer or None,
            (phone or None) if self.keep_phones else None,
            not due_cell,
        )

    def _shared(self, value: str) -> str:
        shared = self.interned.get(value)
        return _remember(self.interned, value, value) if shared is None else shared

    def _lengths(self, nominee: str, unit: str, decision_no: str, note: str) -> list[str]:
        problems = []
        for name, value in (
            ("nominee", nominee),
            ("unit", unit),
            ("decision_no", decision_no),
            ("note", note),
        ):
            if len(value) > LIMITS[name]:
                problems.append(t.TOO_LONG.format(field=t.FIELD_NAMES[name], limit=LIMITS[name]))
        return problems

    def _code(self, cell: str, problems: list[str]) -> str | None:
        # An export's codes are canonical already: one match and the day's check, remembered.
        code: str | None = cell
        if CODE_RE.fullmatch(cell) is not None:
            day = cell[-11:-5]
            valid = self.days.get(day)
            if valid is None:
                valid = _remember(self.days, day, normalize_code(cell) is not None)
            if not valid:
                code = None
        else:
            code = normalize_code(cell)
        if code is None:
            problems.append(t.BAD_CODE.format(value=cell[:60]))
        return code

    def _kind(self, cell: str, type_cell: str, problems: list[str]) -> AwardKind | None:
        kind = self.kinds.get(cell, _UNSEEN)
        if kind is _UNSEEN:
            kind = _remember(self.kinds, cell, self.rules.catalog.find(cell))
        if kind is None:
            problems.append(t.UNKNOWN_AWARD.format(value=cell[:80]))
        if type_cell:
            nominee_type = NOMINEE_TYPES.get(fold(type_cell))
            if nominee_type is None:
                problems.append(t.BAD_NOMINEE_TYPE.format(value=type_cell[:40]))
            elif kind is not None and nominee_type not in kind.for_whom:
                problems.append(
                    t.KIND_NOT_FOR_TYPE.format(
                        kind=kind.code,
                        type=t.NOMINEE_TYPE_NAMES[nominee_type],
                        allowed=", ".join(t.NOMINEE_TYPE_NAMES[w] for w in kind.for_whom),
                    )
                )
        return kind

    def _date(self, cell: str, name: str, problems: list[str]) -> str | None:
        iso = self.dates.get(cell, "")
        if iso == "":
            day = parse_date(cell)
            iso = _remember(self.dates, cell, day.isoformat() if day is not None else None)
        if iso is None:
            problems.append(t.BAD_DATE.format(field=t.FIELD_NAMES[name], value=cell[:40]))
        return iso

    def _decision(self, cell: str, problems: list[str]) -> str | None:
        found = self.decisions.get(cell, "")
        if found == "":
            found = _remember(
                self.decisions, cell, normalize_decision_no(cell, self.rules.decision_pattern)
            )
        if found is None and len(cell) <= LIMITS["decision_no"]:
            problems.append(t.BAD_DECISION_NO.format(value=cell[:40]))
        return found

    def _status(self, cell: str, decision_no: str | None, problems: list[str]) -> str | None:
        if not cell:
            return Status.received.value
        known = self.statuses[1 if decision_no else 0]
        found = known.get(cell)
        if found is None:
            found = _remember(known, cell, _status_of(cell, decision_no or ""))
        status, problem = found
        if problem is not None:
            problems.append(problem)
        return status

    def _phone(self, phone: str, problems: list[str]) -> str:
        if not phone:
            return ""
        last4 = phone_last4(phone)
        if last4 is None:
            problems.append(t.BAD_PHONE.format(value=phone[:30]))
            return ""
        return last4

    def _dates_agree(
        self,
        code: str | None,
        received_on: str | None,
        due_on: str | None,
        resolved_on: str | None,
        problems: list[str],
    ) -> None:
        """The row's days against each other, the code's day and today (ISO text of years
        1945–2100, parse_date's range, compares as the days it names)."""
        if due_on and due_on < received_on:
            problems.append(t.DUE_BEFORE_RECEIVED)
        if resolved_on and resolved_on < received_on:
            problems.append(t.RESOLVED_BEFORE_RECEIVED)
        # A dossier is received the day its code says (the code is the receipt's).
        if (
            code is not None
            and code[-11:-5] != received_on[2:4] + received_on[5:7] + received_on[8:]
        ):
            problems.append(t.RECEIVED_NOT_CODE_DAY.format(day=_dmy(code[-11:-5])))
        today = self.today
        if today is not None:
            if received_on > today:
                problems.append(t.AFTER_TODAY.format(field=t.FIELD_NAMES["received_on"]))
            if resolved_on and resolved_on > today:
                problems.append(t.AFTER_TODAY.format(field=t.FIELD_NAMES["resolved_on"]))

    def _officer(self, cell: str, code: str, problems: list[str]) -> None:
        officers = self.rules.officers
        if officers is None:
            return
        key = cell if cell.isdecimal() else fold(cell)
        count = officers.get(key, 0)
        if count == 1:
            return
        # Worded as the write's own check words it (handlers.assignment.import_error_lines).
        template = (
            treminders.IMPORT_OFFICER_AMBIGUOUS if count > 1 else treminders.IMPORT_OFFICER_UNKNOWN
        )
        problems.append(template.format(code=code[:60], officer=cell[:60], count=count))

    def _due_for(self, received_on: str, kind: AwardKind) -> str:
        """The due date of a dossier received that day, by its kind's working days."""
        key = (received_on, kind.working_days)
        due_on = self.due_dates.get(key)
        if due_on is None:
            # A receipt on a day off counts from the next working day (receipt_day).
            due = self.rules.calendar.due_date(date.fromisoformat(received_on), kind.working_days)
            due_on = _remember(self.due_dates, key, due.isoformat())
        return due_on


@lru_cache(maxsize=8192)
def _yymmdd(iso: str) -> str:
    """`2026-02-13` as a code writes it: `260213`."""
    return iso[2:4] + iso[5:7] + iso[8:]


def _dmy(yymmdd: str) -> str:
    return f"{yymmdd[4:]}/{yymmdd[2:4]}/20{yymmdd[:2]}"


def officer_names(officers: Iterable[tuple[int, str]]) -> dict[str, int]:
    """RowRules.officers of the active officers' (staff id, name): how many answer to each
    folded name, and each staff id."""
    names: dict[str, int] = {}
    for staff_id, name in officers:
        names[fold(name)] = names.get(fold(name), 0) + 1
        names[str(staff_id)] = 1
    return names


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
        self.pick = itemgetter(*(positions.get(name, self.width) for name in CELLS))
        self.check = RowChecker(self.rules).check

    def batch(self, lines: list[int], rows: list[list[str]]) -> ParsedImport:
        """The rows (cells as read, lines where they start) checked, as one chunk."""
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
        parsed = checker.batch(lines, list(map(unescaped, rows)) if unescape else rows)
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
