"""Dossier codes (mã hồ sơ) `<agency>-<YYMMDD>-<NNNN>`: parsing, normalising, deep links."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

AGENCY_RE = re.compile(r"[0-9A-Z]{1,6}(?:\.[0-9A-Z]{1,6}){0,5}")
CODE_RE = re.compile(rf"(?P<agency>{AGENCY_RE.pattern})-(?P<day>[0-9]{{6}})-(?P<seq>[0-9]{{4}})")
# NFKC already folds full-width forms (０-９, Ａ-Ｚ, －, ．, ／); these are left over.
_DASHES = str.maketrans({"–": "-", "—": "-", "‐": "-", "‑": "-", "−": "-", "。": ".", "｡": "."})
_PART = r"[0-9A-Z]{1,6}"
# A code as people type or paste it: the agency's parts joined by dots, spaces or slashes, then
# the date and the sequence after a dash, a slash or a space. Not glued to letters or digits
# on either side, and not followed by another part (`…-0001-0002` is no code).
_LOOSE_RE = re.compile(
    rf"(?<![\w.\-/])(?P<agency>{_PART}(?:(?:\s*[./]\s*|\s+){_PART}){{0,5}})"
    r"\s*[-/\s]\s*(?P<day>[0-9]{6})\s*[-/\s]\s*(?P<seq>[0-9]{4})"
    r"(?![\w]|[.\-/]\w)"
)
_AGENCY_SEPARATORS = re.compile(r"\s*[./]\s*|\s+")
EXAMPLE_CODE = "000.00.21.H01-250704-0001"


def normalize_code(text: str) -> str | None:
    """The canonical code in user input, or None when it holds no code or several.

    Any case, full-width forms, spaces or slashes between the parts, typographic dashes, and
    a code inside a sentence ("Mã hồ sơ: 000.00.21.H33-170626-0001.") are accepted.
    """
    # Codes of an export are already canonical: one match, no rewriting (a million per import).
    match = CODE_RE.fullmatch(text)
    if match is not None:
        return text if _day_of(match) is not None else None
    return find_code(text)


def find_code(text: str) -> str | None:
    """The one dossier code written somewhere in `text`; None for none or two different ones."""
    if len(text) > 2000:
        return None
    cleaned = unicodedata.normalize("NFKC", text).translate(_DASHES).upper()
    found = set()
    for match in _LOOSE_RE.finditer(cleaned):
        agency = _agency_of(match["agency"])
        candidate = f"{agency}-{match['day']}-{match['seq']}"
        strict = CODE_RE.fullmatch(candidate)
        if strict is not None and _day_of(strict) is not None:
            found.add(candidate)
    return found.pop() if len(found) == 1 else None


def _agency_of(typed: str) -> str:
    """The agency's parts joined by dots, without words of the sentence before it.

    With spaces as separators "MA HO SO 000 00 21 H01" would read as a six-part agency; a
    leading part of letters only, followed by a space, is a word, not part of the code.
    """
    pieces = re.split(rf"({_AGENCY_SEPARATORS.pattern})", typed)
    parts, separators = pieces[::2], pieces[1::2]
    while len(parts) > 1 and parts[0].isalpha() and not separators[0].strip():
        parts, separators = parts[1:], separators[1:]
    return ".".join(parts)


def received_on_from_code(code: str) -> date | None:
    """The date of receipt encoded in the code (YYMMDD), or None when it is not a date."""
    match = CODE_RE.fullmatch(code)
    return _day_of(match) if match else None


def _day_of(match: re.Match[str]) -> date | None:
    day = match["day"]
    try:
        return date(2000 + int(day[:2]), int(day[2:4]), int(day[4:6]))
    except ValueError:
        return None


def make_code(agency: str, received_on: date, sequence: int) -> str:
    return f"{agency}-{received_on:%y%m%d}-{sequence:04d}"


@dataclass(frozen=True, slots=True)
class AgencyRename:
    """A full agency identifier replaced by another (a merged province): old → new from `since`."""

    old: str
    new: str
    since: date
    note: str = ""


class AgencyRenames(dict[str, str]):
    """Old → new identifiers (what older callers read) that also keep each rename's date."""

    def __init__(self, renames: tuple[AgencyRename, ...] = ()) -> None:
        super().__init__((rename.old, rename.new) for rename in renames)
        self.renames = renames


def code_variants(code: str, legacy_provinces: Mapping[str, str]) -> list[str]:
    """The code itself, then the same code under its agency's old or new full identifier.

    Only a whole agency identifier named in the table is swapped (`000.00.21.H33` ↔
    `000.00.21.H01`), never one part of it: the parts before the province part were assigned
    by each province, so `000.00.21.H33` and `000.00.21.H01` are two different agencies unless
    the board's table says one became the other (issue 23 item 9). Both directions are tried
    at any date: receipts printed before the merger are still in citizens' hands, and one-stop
    systems kept issuing old identifiers for a while after it. The rename's date only orders
    the guesses: for a code dated before it the old spelling comes first.
    """
    renames: tuple[AgencyRename, ...] = getattr(legacy_provinces, "renames", None) or tuple(
        AgencyRename(old, new, date.max) for old, new in legacy_provinces.items()
    )
    if not renames:
        return [code]
    agency, _, rest = code.partition("-")
    received_on = received_on_from_code(code)
    guesses: list[tuple[bool, str]] = []
    for rename in renames:
        if agency == rename.old:
            replacement = rename.new
        elif agency == rename.new:
            replacement = rename.old
        else:
            continue
        # False sorts first: the spelling that was in use on the code's date.
        in_use = replacement == rename.old and received_on is not None
        in_use = in_use and received_on < rename.since
        guesses.append((not in_use, f"{replacement}-{rest}"))
    variants = [code]
    for _later, swapped in sorted(guesses, key=lambda guess: guess[0]):
        if swapped not in variants:
            variants.append(swapped)
    return variants


def to_deep_link_payload(code: str) -> str:
    """Telegram's /start payload allows only [A-Za-z0-9_-]; dots never occur with '_' in codes."""
    return code.replace(".", "_")


def from_deep_link_payload(payload: str) -> str | None:
    return normalize_code(payload.replace("_", "."))
