"""The import's columns and the shapes of what it reads: headers, dates, phones, rows, errors."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from config.catalog import NomineeType
from config.settings import Settings
from db.models import DossierInput
from domain.statuses import Status
from domain.text import fold
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
#: Columns read but never exported: who is in charge, and who the nominee is (for the check
#: that the award kind fits them, as the chat checks it).
EXTRA_COLUMNS = ("officer", "nominee_type")
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
    "loai doi tuong": "nominee_type",
}
#: A nominee type cell, folded: our key or the words the chat takes (cá nhân, tập thể, hộ gia
#: đình).
NOMINEE_TYPES = {
    **{kind.value: kind for kind in NomineeType},
    "ca nhan": NomineeType.individual,
    "tap the": NomineeType.collective,
    "gia dinh": NomineeType.family,
    "ho gia dinh": NomineeType.family,
}
LIMITS = {"nominee": 300, "unit": 300, "decision_no": 100, "note": 2000}
MIN_YEAR, MAX_YEAR = 1945, 2100
#: The cells a row is read into, in this order (the checker's arguments).
CELLS = (*COLUMNS, *EXTRA_COLUMNS)
#: Errors listed before the rest are only counted (TDKT_IMPORT_MAX_ERRORS' default, one copy).
MAX_ERRORS: int = Settings.model_fields["import_max_errors"].default
_DMY = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})")
_ISO = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

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
    """A chunk of the file checked: its valid rows, and its errors (the first `max_errors`
    listed with their lines, the rest only counted in `more_errors`)."""

    #: The valid rows, compact (see ImportRow); `rows` gives them as DossierInput.
    records: list[ImportRow] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)
    #: The file line of each row, for errors found after parsing (forbidden status moves).
    lines: list[int] = field(default_factory=list)
    #: Errors found past the listed ones: counted, not kept.
    more_errors: int = 0
    max_errors: int = MAX_ERRORS
    _rows: list[DossierInput] | None = field(default=None, repr=False, compare=False)

    @property
    def ok(self) -> bool:
        return not self.errors and not self.more_errors

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

    def add_errors(self, errors: Iterable[tuple[int, str]]) -> None:
        """List errors up to `max_errors`; count the rest."""
        errors = list(errors)
        room = max(self.max_errors - len(self.errors), 0)
        self.errors += errors[:room]
        self.more_errors += len(errors) - min(room, len(errors))

    def extend(self, other: ParsedImport) -> None:
        self.records += other.records
        self.add_errors(other.errors)
        self.more_errors += other.more_errors
        self.lines += other.lines
        self._rows = None

    def summary(self) -> str:
        """`Có 2 dòng lỗi (4 lỗi) — …`: how many rows are wrong, and how many errors."""
        return error_summary(self.errors, self.more_errors)

    def error_lines(self) -> list[str]:
        return listed_errors(self.errors, self.more_errors)


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


def vietnamese_number(value: int) -> str:
    """`2.999.000`: thousands grouped with dots, as Vietnamese writes them."""
    return f"{value:,}".replace(",", ".")


def listed_errors(errors: list[tuple[int, str]], more: int = 0) -> list[str]:
    """`Dòng N: …` per listed error, then `… và 2.999.000 lỗi nữa.` for the counted rest."""
    lines = [t.LINE_ERROR.format(line=line, message=message) for line, message in errors]
    if more:
        lines.append(t.MORE_ERRORS.format(count=vietnamese_number(more)))
    return lines


def error_summary(errors: list[tuple[int, str]], more: int = 0) -> str:
    """`Có 2 dòng lỗi (4 lỗi) — …`: how many rows are wrong, and how many errors."""
    if more:  # the lines of the unlisted errors are not kept: count errors, not rows
        return t.NOTHING_WRITTEN_MANY.format(errors=vietnamese_number(len(errors) + more))
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
        elif _ISO.fullmatch(value):
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
        snake = key.replace(" ", "_")
        name = snake if snake in CELLS else ALIASES.get(key)
        names.append(name)
        if name is None and raw.strip():
            unknown.append(raw.strip())
    return names, unknown
