"""Renamed agency identifiers (merged provinces), loaded from TOML: full old → full new, dated."""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path

from domain.calendar import load_legacy_provinces
from domain.codes import AGENCY_RE, AgencyRename, AgencyRenames


class AgencyCodesError(Exception):
    """The agency codes file is missing, unreadable or invalid; the message says where."""


def load_agency_renames(path: Path) -> AgencyRenames:
    """Read `[[rename]]` entries (old, new, since, note) and check each one."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise AgencyCodesError(f"{path}: {exc}") from exc
    renames = []
    for number, item in enumerate(data.get("rename", []), start=1):
        where = f"{path}: [[rename]] #{number}"
        if not isinstance(item, dict):
            raise AgencyCodesError(f"{where}: expected a table")
        old = str(item.get("old", "")).strip().upper()
        new = str(item.get("new", "")).strip().upper()
        since = item.get("since")
        for name, value in (("old", old), ("new", new)):
            if not AGENCY_RE.fullmatch(value):
                raise AgencyCodesError(
                    f"{where}: {name} must be a full agency identifier such as 000.00.21.H33"
                )
        if old == new:
            raise AgencyCodesError(f"{where}: old and new are the same")
        if not isinstance(since, date):
            raise AgencyCodesError(f"{where}: since must be a date such as 2025-07-01")
        renames.append(AgencyRename(old, new, since, str(item.get("note", ""))))
    return AgencyRenames(tuple(renames))


def agency_renames(agency_codes_file: Path, holidays_file: Path) -> AgencyRenames:
    """The renames of TDKT_AGENCY_CODES_FILE, plus any older `[legacy_provinces]` of the
    holidays file (undated, looked up both ways; each key and value a full agency identifier)."""
    renames = load_agency_renames(agency_codes_file)
    known = dict(renames)
    extra = tuple(
        AgencyRename(old, new, date.max)
        for old, new in load_legacy_provinces(holidays_file).items()
        if known.get(old) != new
    )
    return AgencyRenames(renames.renames + extra) if extra else renames
