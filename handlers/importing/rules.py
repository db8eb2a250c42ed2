"""The row rules of the import: ONE checker that words every problem of a row, with its line.

What the chat refuses the import refuses too: a received day after today or other than the
code's day, a decision number not of the decision pattern, an award kind not for the nominee's
type, an officer's name that matches no officer (or several).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from itertools import repeat
from operator import not_
from typing import Any, TypeVar

from config.catalog import AwardCatalog, AwardKind
from domain.calendar import WorkCalendar
from domain.codes import CODE_RE, normalize_code
from domain.decisions import DEFAULT_PATTERN, normalize_decision_no
from domain.statuses import RESOLVED, Status, parse_portal_state, parse_status, status_from_portal
from domain.text import fold
from handlers.importing.columns import (
    LIMITS,
    MAX_ERRORS,
    NOMINEE_TYPES,
    REQUIRED,
    ImportRow,
    parse_date,
    phone_last4,
)
from handlers.texts import importing as t
from handlers.texts import reminders as treminders

#: Distinct values remembered per cache of the row checker: a real export has a few thousand
#: dates and a handful of kinds and statuses; a hostile file of a million distinct cells must
#: not grow the caches without end.
_CACHED = 65_536
_RESOLVED = frozenset(status.value for status in RESOLVED)
#: Phone cells `_plain_phone` takes as they are: the last 4 digits (our own export), a number.
_PHONE_LENGTHS = frozenset({4, 9, 10, 11, 12})
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
        last4 = phone[-4:] if _plain_phone(phone) else self._phone(phone, problems)
        code_day = code[-11:-5] if code is not None else None
        problems += self._cross(code_day, received_on, due_on, resolved_on, status, resolved_cell)
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

    def check_columns(self, columns: list[list[str]]) -> list[ImportRow] | None:
        """The ImportRows `check` gives for a batch of rows given as columns of stripped cells
        (in CELLS' order), when not one row has a problem; None when any might (then `check`
        goes through them row by row, wording each problem).

        The same rules, called once per distinct value, or per distinct combination of the
        values a rule between cells reads, instead of once per row: a real export repeats its
        kinds, dates and statuses. This way never words a problem, so it cannot word one
        differently; it only finds that there is none."""
        if not _plainly_formed(columns):
            return None
        values = self._column_values(columns)
        return None if values is None else self._column_records(columns, *values)

    def _column_values(self, columns: list[list[str]]) -> tuple[Any, ...] | None:
        """The batch's cells through the rules, once per distinct value: (kind per kind and
        type cells, ISO day per date cell, decisions, statuses), or None on any problem."""
        (codes, kind_cells, _nominees, _units, _phones, received_cells, due_cells, status_cells,
         resolved_cells, decision_cells, _notes, officers, type_cells) = columns  # fmt: skip
        problems: list[str] = []
        code_days = [code[-11:-5] for code in codes]
        for code in dict(zip(code_days, codes, strict=True)).values():
            self._code(code, problems)  # one code of each day: is its day a real one?
        kind_of = {pair: self._kind(*pair, problems) for pair in
                   set(zip(kind_cells, type_cells, strict=True))}  # fmt: skip
        iso_of = {"": ""}
        for name, cells in (
            ("received_on", received_cells),
            ("due_on", due_cells),
            ("resolved_on", resolved_cells),
        ):
            for cell in set(cells).difference(iso_of):
                iso_of[cell] = self._date(cell, name, problems) or ""
        decision_of = {cell: self._decision(cell, problems) or "" for cell in set(decision_cells)
                       if cell}  # fmt: skip
        decision_of[""] = ""
        decisions = list(map(decision_of.__getitem__, decision_cells))
        status_of = {
            (cell, bool(decision)): self._status(cell, decision, problems)
            for cell, decision in set(zip(status_cells, decisions, strict=True))
        }
        statuses = [status_of[key] for key in zip(status_cells, map(bool, decisions), strict=True)]
        for cell in set(officers).difference([""]):
            self._officer(cell, "", problems)
        for combination in set(
            zip(code_days, map(iso_of.__getitem__, received_cells),
                map(iso_of.__getitem__, due_cells), map(iso_of.__getitem__, resolved_cells),
                statuses, resolved_cells, strict=True)
        ):  # fmt: skip
            problems += self._cross(*combination)
        return None if problems else (kind_of, iso_of, decisions, statuses)

    def _column_records(
        self,
        columns: list[list[str]],
        kind_of: dict[tuple[str, str], AwardKind],
        iso_of: dict[str, str],
        decisions: list[str],
        statuses: list[str],
    ) -> list[ImportRow]:
        (codes, kind_cells, nominees, units, phones, received_cells, due_cells, _status_cells,
         resolved_cells, _decision_cells, notes, officers, type_cells) = columns  # fmt: skip
        received = list(map(iso_of.__getitem__, received_cells))
        kinds = [kind_of[pair] for pair in zip(kind_cells, type_cells, strict=True)]
        due = list(map(iso_of.__getitem__, due_cells))
        if "" in due_cells:  # computed as `check` computes it
            due = [
                day or self._due_for(received_on, kind)
                for day, received_on, kind in zip(due, received, kinds, strict=True)
            ]
        interned, shared = self.interned, self._shared
        return list(
            zip(
                codes,
                [kind.code for kind in kinds],
                nominees,
                [interned.get(unit) or shared(unit) for unit in units],
                [interned.get(phone[-4:]) or shared(phone[-4:]) for phone in phones],
                received,
                due,
                statuses,
                list(map(iso_of.__getitem__, resolved_cells)),
                decisions,
                notes,
                [officer or None for officer in officers],
                [phone or None for phone in phones] if self.keep_phones else repeat(None),
                map(not_, due_cells),
                strict=False,
            )
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

    def _cross(
        self,
        code_day: str | None,
        received_on: str | None,
        due_on: str | None,
        resolved_on: str | None,
        status: str | None,
        resolved_cell: str,
    ) -> list[str]:
        """The rules between a row's cells: its days against each other, the code's day and
        today (ISO text of years 1945–2100, parse_date's range, compares as the days it
        names), and a resolved day exactly for a resolved status."""
        problems = []
        if received_on:
            if due_on and due_on < received_on:
                problems.append(t.DUE_BEFORE_RECEIVED)
            if resolved_on and resolved_on < received_on:
                problems.append(t.RESOLVED_BEFORE_RECEIVED)
            # A dossier is received the day its code says (the code is the receipt's).
            if code_day is not None and code_day != _yymmdd(received_on):
                problems.append(t.RECEIVED_NOT_CODE_DAY.format(day=_dmy(code_day)))
            today = self.today
            if today is not None and received_on > today:
                problems.append(t.AFTER_TODAY.format(field=t.FIELD_NAMES["received_on"]))
            if today is not None and resolved_on and resolved_on > today:
                problems.append(t.AFTER_TODAY.format(field=t.FIELD_NAMES["resolved_on"]))
        if status is not None:
            if status in _RESOLVED:
                if not resolved_cell:
                    problems.append(t.RESOLVED_MISSING.format(label=Status(status).label))
            elif resolved_on:
                problems.append(t.RESOLVED_NOT_ALLOWED.format(label=Status(status).label))
        return problems

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


def _plainly_formed(columns: list[list[str]]) -> bool:
    """Whether a batch's columns hold no empty required cell, no cell over its length and only
    canonical codes and plain phone numbers: else it is checked row by row."""
    (codes, kind_cells, nominees, units, phones, received_cells, _due, _status, _resolved,
     decision_cells, notes, _officers, _types) = columns  # fmt: skip
    return not (
        "" in codes
        or "" in kind_cells
        or "" in nominees
        or "" in received_cells
        or max(map(len, nominees)) > _LIMITS[0]
        or max(map(len, units)) > _LIMITS[1]
        or max(map(len, decision_cells)) > _LIMITS[2]
        or max(map(len, notes)) > _LIMITS[3]
        or not all(map(_plain_phone, phones))
        or not all(map(CODE_RE.fullmatch, codes))
    )


def _plain_phone(phone: str) -> bool:
    """An empty phone cell, or plain ASCII digits of a number (or the last 4 an export keeps)."""
    return not phone or (phone.isdecimal() and phone.isascii() and len(phone) in _PHONE_LENGTHS)


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
