"""The unit's nomination list as the board's Excel template: written blank, read back, checked.

`write_template` gives the .xlsx a unit fills (`/maudenghi`, `python -m bot nominations
template`); `check_workbook` reads a filled one and gives every row its verdict against
config/eligibility.toml, or the format problems of the row with its line number as Excel shows it.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl

from config.catalog import AwardCatalog, NomineeType
from domain.eligibility import (
    YEAR_FACTS,
    EligibilityRules,
    Facts,
    Verdict,
    VerdictKind,
    check,
)
from domain.text import fold
from handlers.nomination.fields import normalize_phone
from handlers.nomination.verdicts import verdict_text
from handlers.spreadsheet import Cell, xlsx_book
from handlers.texts import nomination as tn
from handlers.texts import unit_list as t

#: A list longer than this is split by the unit; it also bounds the memory of one check.
MAX_ROWS = 5000
_COLUMN_KEYS = (
    "stt",
    "name",
    "type",
    "unit",
    "award",
    "movement",
    "summary",
    "excellent_years",
    "advanced_years",
    "base_emulation_years",
    "initiatives",
    "prior_awards",
    "disciplined",
    "phone",
)
_HEADER_KEYS = {fold(header): key for header, key in zip(t.HEADERS, _COLUMN_KEYS, strict=True)}
_TYPE_WORDS = {fold(label): key for key, label in tn.NOMINEE_TYPES.items()}
_YEAR = re.compile(r"^(\d{4})(?:-(\d{4}))?$")
_PRIOR = re.compile(r"^(.+?)\s*[\s(]\s*(\d{4})\)?$")


class ListUnreadable(Exception):
    """The file is not an .xlsx with the template's headers; the message is for people."""


@dataclass(frozen=True, slots=True)
class ListRow:
    """One data row: its facts and verdict, or the problems that kept it from being checked."""

    row: int
    name: str
    values: dict[str, str]
    problems: tuple[str, ...] = ()
    facts: Facts | None = None
    verdict: Verdict | None = None
    text: str = ""

    @property
    def submittable(self) -> bool:
        """Eligible or for an officer to weigh; never an ineligible row nor a broken one."""
        return self.verdict is not None and self.verdict.kind is not VerdictKind.ineligible


@dataclass(slots=True)
class ListCheck:
    rows: list[ListRow] = field(default_factory=list)

    def count(self, kind: VerdictKind) -> int:
        return sum(1 for row in self.rows if row.verdict is not None and row.verdict.kind is kind)

    @property
    def errors(self) -> int:
        return sum(1 for row in self.rows if row.problems)


def write_template(catalog: AwardCatalog, rules: EligibilityRules) -> bytes:
    """The blank template: the list sheet with its header row, and a guide sheet."""
    widths = [max(12, min(len(header), 40)) for header in t.HEADERS]
    guide: list[list[Cell]] = [list(t.GUIDE_HEADERS)]
    guide += [[header, line] for header, line in zip(t.HEADERS, t.GUIDE, strict=True)]
    guide += [[], [t.GUIDE_AWARDS], list(t.GUIDE_AWARD_HEADERS)]
    for kind in catalog.kinds:
        whom = ", ".join(tn.NOMINEE_TYPES[item.value] for item in kind.for_whom)
        checked = sorted(
            {
                f"{route.article} {route.law}"
                for (code, _), routes in rules.routes.items()
                if code == kind.code.upper()
                for route in routes
            }
        )
        note = "; ".join(checked) if kind.nominable else t.GUIDE_PRIOR_ONLY
        guide.append([kind.code, kind.name, whom, kind.legal_basis, note or t.GUIDE_NO_RULES])
    return xlsx_book(
        [(t.SHEET_LIST, widths, [list(t.HEADERS)]), (t.SHEET_GUIDE, [34, 70, 20, 40, 40], guide)]
    )


def check_workbook(
    source: Path | bytes,
    catalog: AwardCatalog,
    rules: EligibilityRules,
    this_year: int,
) -> ListCheck:
    """Every data row of `source` with its verdict or its problems (ListUnreadable if none can
    be read)."""
    result = ListCheck()
    for row_number, values in _read(source):
        result.rows.append(_check_row(row_number, values, catalog, rules, this_year))
        if len(result.rows) > MAX_ROWS:
            raise ListUnreadable(t.TOO_MANY_ROWS.format(limit=MAX_ROWS))
    return result


def report_lines(result: ListCheck, file_name: str) -> list[str]:
    """One line per row, then the totals."""
    lines = [
        t.LINE_ERROR.format(row=row.row, problems="; ".join(row.problems))
        if row.problems
        else t.LINE.format(
            row=row.row, name=row.name, award=row.values["award_name"], verdict=row.text
        )
        for row in result.rows
    ]
    if not result.rows:
        return [t.EMPTY_FILE.format(file=file_name)]
    lines.append(
        t.SUMMARY.format(
            file=file_name,
            total=len(result.rows),
            eligible=result.count(VerdictKind.eligible),
            review=result.count(VerdictKind.review),
            ineligible=result.count(VerdictKind.ineligible),
            errors=result.errors,
        )
    )
    return lines


def _read(source: Path | bytes) -> Any:
    """(row number, {column key: text}) for every non-empty row under the header."""
    try:
        stream = io.BytesIO(source) if isinstance(source, bytes) else source
        workbook = openpyxl.load_workbook(stream, read_only=True, data_only=True)
    except Exception as exc:  # a zip error, a missing file, an .xls renamed: all unreadable
        raise ListUnreadable(t.NOT_XLSX) from exc
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None) or ()
        columns = {
            index: _HEADER_KEYS[fold(str(cell))]
            for index, cell in enumerate(header)
            if cell is not None and fold(str(cell)) in _HEADER_KEYS
        }
        missing = [
            h
            for h, key in zip(t.HEADERS, _COLUMN_KEYS, strict=True)
            if key not in columns.values() and key != "stt"
        ]
        if missing:
            raise ListUnreadable(t.MISSING_HEADERS.format(columns=", ".join(missing)))
        for number, row in enumerate(rows, start=2):
            values = {key: _text(row[index]) for index, key in columns.items() if index < len(row)}
            if any(value for key, value in values.items() if key != "stt"):
                yield number, values
    finally:
        workbook.close()


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def _check_row(
    row: int, values: dict[str, str], catalog: AwardCatalog, rules: EligibilityRules, year: int
) -> ListRow:
    problems: list[str] = []
    name = values.get("name", "")
    if not name:
        problems.append(t.ERR_NAME)
    nominee_type = _TYPE_WORDS.get(fold(values.get("type", "")))
    if nominee_type is None:
        problems.append(t.ERR_TYPE.format(value=values.get("type", "") or "—"))
    award_value = values.get("award", "")
    kind = catalog.nominable(award_value) if award_value else None
    if not award_value:
        problems.append(t.ERR_AWARD_MISSING)
    elif kind is None:
        problems.append(t.ERR_AWARD.format(value=award_value))
    values["award_name"] = kind.name if kind else award_value
    facts = facts_from_values(
        values, nominee_type or "", kind.code.upper() if kind else "", catalog, year, problems
    )
    phone = values.get("phone", "")
    if phone and normalize_phone(phone) is None:
        problems.append(t.ERR_PHONE.format(value=phone))
    if problems or kind is None or nominee_type is None:
        return ListRow(row, name, values, problems=tuple(problems))
    verdict = check(facts, rules, year)
    text = verdict_text(verdict, rules, catalog, facts.award)
    return ListRow(row, name, values, facts=facts, verdict=verdict, text=text)


def facts_from_values(
    values: dict[str, str],
    nominee_type: str,
    award: str,
    catalog: AwardCatalog,
    year: int,
    problems: list[str],
) -> Facts:
    """The achievement facts of a row (or of the chat's answer), problems appended in place."""
    years = {key: _years(values, key, year, problems) for key in YEAR_FACTS}
    return Facts(
        nominee_type=nominee_type,
        award=award,
        excellent_years=years["excellent_years"],
        advanced_years=years["advanced_years"],
        base_emulation_years=years["base_emulation_years"],
        initiatives=_count(values, "initiatives", problems),
        prior_awards=_prior_awards(values, catalog, problems),
        disciplined=_discipline(values, problems),
    )


def _column(key: str) -> str:
    return t.HEADERS[_COLUMN_KEYS.index(key)]


def _years(values: dict[str, str], key: str, this_year: int, problems: list[str]) -> frozenset[int]:
    """`2024, 2025`, `2023-2025` or `2023; 2024` → the set of years."""
    raw = values.get(key, "")
    found: set[int] = set()
    for part in re.split(r"[,;/\s]+", re.sub(r"\s*[-–]\s*", "-", raw)):
        if not part:
            continue
        match = _YEAR.match(part)
        if match is None:
            problems.append(t.ERR_YEARS.format(column=_column(key), value=raw))
            return frozenset()
        first = int(match.group(1))
        last = int(match.group(2) or first)
        if not 1945 <= first <= last or last - first > 60:
            problems.append(t.ERR_YEARS.format(column=_column(key), value=raw))
            return frozenset()
        found.update(range(first, last + 1))
    future = [y for y in found if y > this_year]
    if future:
        problems.append(t.ERR_FUTURE.format(column=_column(key), year=min(future)))
    return frozenset(found)


def _count(values: dict[str, str], key: str, problems: list[str]) -> int:
    raw = values.get(key, "")
    if not raw:
        return 0
    if not raw.isdecimal() or int(raw) > 1000:
        problems.append(t.ERR_COUNT.format(column=_column(key), value=raw))
        return 0
    return int(raw)


def _prior_awards(
    values: dict[str, str], catalog: AwardCatalog, problems: list[str]
) -> tuple[tuple[str, int], ...]:
    raw = values.get("prior_awards", "")
    found: list[tuple[str, int]] = []
    for part in (item.strip() for item in raw.split(";")):
        if not part:
            continue
        match = _PRIOR.match(part)
        if match is None:
            problems.append(t.ERR_PRIOR.format(column=_column("prior_awards"), value=part))
            continue
        kind = catalog.find(match.group(1).strip())
        found.append(
            (kind.code.upper() if kind else match.group(1).strip().upper(), int(match.group(2)))
        )
    return tuple(found)


def _discipline(values: dict[str, str], problems: list[str]) -> bool:
    raw = fold(values.get("disciplined", ""))
    if raw in t.YES_WORDS:
        return True
    if raw not in t.NO_WORDS:
        problems.append(
            t.ERR_DISCIPLINE.format(column=_column("disciplined"), value=values["disciplined"])
        )
    return False


def nominee_type_of(row: ListRow) -> NomineeType:
    assert row.facts is not None
    return NomineeType(row.facts.nominee_type)
