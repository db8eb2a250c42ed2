"""The one-stop rules on dates (one_stop_rules.toml): supplement and apology, with sources."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

RULES_FILE = Path(__file__).resolve().parent / "one_stop_rules.toml"


@dataclass(frozen=True)
class ApologyRules:
    """The apology form's name and legal base, and when and how far a predicted miss moves."""

    form: str
    legal_base: str
    predict_days_before: int
    extra_days: int


@cache
def apology_rules(path: Path = RULES_FILE) -> ApologyRules:
    with path.open("rb") as handle:
        section = tomllib.load(handle)["apology"]
    return ApologyRules(
        form=str(section["form"]),
        legal_base=str(section["legal_base"]),
        predict_days_before=int(section["predict_days_before"]),
        extra_days=int(section["extra_days"]),
    )
