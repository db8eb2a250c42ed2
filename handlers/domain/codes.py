"""Dossier codes (mã hồ sơ) `<agency>-<YYMMDD>-<NNNN>`: parsing, normalising, deep links."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date

AGENCY_RE = re.compile(r"[0-9A-Z]{1,6}(?:\.[0-9A-Z]{1,6}){0,5}")
CODE_RE = re.compile(rf"(?P<agency>{AGENCY_RE.pattern})-(?P<day>\d{{6}})-(?P<seq>\d{{4}})")
_DASHES = str.maketrans({"–": "-", "—": "-", "‐": "-", "‑": "-", "−": "-"})
_PROVINCE_RE = re.compile(r"(?<=\.)(H\d{2})$")
EXAMPLE_CODE = "000.00.21.H01-250704-0001"


def normalize_code(text: str) -> str | None:
    """The canonical code for user input, or None when it is not a dossier code.

    Any case, spaces around the code or its dashes, and typographic dashes are accepted.
    """
    # Codes of an export are already canonical: one match, no rewriting (a million per import).
    candidate, match = text, CODE_RE.fullmatch(text)
    if match is None:
        candidate = re.sub(r"\s*-\s*", "-", text.strip().translate(_DASHES)).upper()
        match = CODE_RE.fullmatch(candidate)
    if not match or _day_of(match) is None:
        return None
    return candidate


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


def code_variants(code: str, legacy_provinces: Mapping[str, str]) -> list[str]:
    """The code itself, then the same code under a merged province's old or new identifier."""
    agency, _, rest = code.partition("-")
    variants = [code]
    match = _PROVINCE_RE.search(agency)
    if match:
        province = match.group(1)
        for old, new in legacy_provinces.items():
            if province == old:
                variants.append(agency[: match.start()] + new + "-" + rest)
            elif province == new:
                variants.append(agency[: match.start()] + old + "-" + rest)
    return variants


def to_deep_link_payload(code: str) -> str:
    """Telegram's /start payload allows only [A-Za-z0-9_-]; dots never occur with '_' in codes."""
    return code.replace(".", "_")


def from_deep_link_payload(payload: str) -> str | None:
    return normalize_code(payload.replace("_", "."))
