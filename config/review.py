"""The board's step limits and the council's vote thresholds, from config/review.toml."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from domain.review import StepLimits, VoteThreshold

REVIEW_FILE = Path(__file__).resolve().parent / "review.toml"


class ReviewConfigError(Exception):
    """The review file is missing, unreadable or invalid."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Limits(_Strict):
    return_working_days: int = Field(ge=1, le=60)
    return_source: str = Field(min_length=1)
    council_to_decision_working_days: int = Field(ge=1, le=120)
    council_to_decision_source: str = Field(min_length=1)
    remind_before_resubmit: int = Field(ge=0, le=20)


class _Threshold(_Strict):
    percent: int = Field(ge=1, le=100)
    strict: bool = False
    source: str = Field(min_length=1)


class _File(_Strict):
    limits: _Limits
    thresholds: dict[str, _Threshold]


@dataclass(frozen=True, slots=True)
class ReviewRules:
    limits: StepLimits
    return_source: str
    decision_source: str
    thresholds: dict[str, VoteThreshold]

    def threshold(self, award_kind: str) -> VoteThreshold:
        """The award kind's own threshold, else the default one."""
        return self.thresholds.get(award_kind) or self.thresholds["default"]


@cache
def review_rules(path: Path = REVIEW_FILE) -> ReviewRules:
    try:
        parsed = _File.model_validate(tomllib.loads(path.read_text(encoding="utf-8")))
    except (OSError, tomllib.TOMLDecodeError, ValidationError) as exc:
        raise ReviewConfigError(f"{path}: {exc}") from exc
    if "default" not in parsed.thresholds:
        raise ReviewConfigError(f"{path}: thresholds.default is required")
    limits = parsed.limits
    return ReviewRules(
        limits=StepLimits(
            return_days=limits.return_working_days,
            council_to_decision_days=limits.council_to_decision_working_days,
            remind_before_resubmit=limits.remind_before_resubmit,
        ),
        return_source=limits.return_source,
        decision_source=limits.council_to_decision_source,
        thresholds={
            code: VoteThreshold(item.percent, item.strict, item.source)
            for code, item in parsed.thresholds.items()
        },
    )
