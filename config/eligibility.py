"""Eligibility rules (tiêu chuẩn khen thưởng) from TOML, validated and turned into domain rules.

The file (config/eligibility.toml, or TDKT_ELIGIBILITY_FILE) is replaceable by the board like
the award catalogue; a bad file stops start-up with one line saying where it is wrong.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from domain.eligibility import COUNT_FACTS, YEAR_FACTS, Condition, EligibilityRules, Route

NOMINEE_TYPES = ("individual", "collective", "family")


class EligibilityError(Exception):
    """The rules file is missing, unreadable or invalid."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ConditionModel(_Strict):
    fact: str = ""
    consecutive: int | None = Field(default=None, ge=1, le=50)
    at_least: int | None = Field(default=None, ge=1, le=1000)
    prior_award: str | None = Field(default=None, min_length=1)
    years_since: int = Field(default=0, ge=0, le=100)
    recent: bool = True

    @model_validator(mode="after")
    def _one_kind(self) -> ConditionModel:
        kinds = [self.consecutive, self.at_least, self.prior_award]
        if sum(item is not None for item in kinds) != 1:
            raise ValueError("a condition sets exactly one of consecutive, at_least, prior_award")
        if self.consecutive is not None and self.fact not in YEAR_FACTS:
            raise ValueError(f"consecutive needs fact in {', '.join(YEAR_FACTS)}")
        if self.at_least is not None and self.fact not in COUNT_FACTS:
            raise ValueError(f"at_least needs fact in {', '.join(COUNT_FACTS)}")
        return self


class RouteModel(_Strict):
    id: str = Field(min_length=1)
    title: str = Field(min_length=1)
    article: str = Field(pattern=r"^Điều \d+")
    law: str = Field(min_length=1)
    conditions: list[ConditionModel] = Field(default_factory=list)
    judgement: str | None = None

    @model_validator(mode="after")
    def _something(self) -> RouteModel:
        if not self.conditions and not self.judgement:
            raise ValueError("a route needs conditions or a judgement (never an empty yes)")
        return self


class RuleModel(_Strict):
    award: str = Field(min_length=1)
    nominee_type: str
    routes: list[RouteModel] = Field(min_length=1)

    @model_validator(mode="after")
    def _type(self) -> RuleModel:
        if self.nominee_type not in NOMINEE_TYPES:
            raise ValueError(f"nominee_type must be one of {', '.join(NOMINEE_TYPES)}")
        return self


class FileModel(_Strict):
    laws: dict[str, str] = Field(min_length=1)
    discipline: dict[str, str]
    rule: list[RuleModel] = Field(min_length=1)


def load_eligibility(path: Path) -> EligibilityRules:
    """Read and validate the rules file; every route's law must be one of `[laws]`."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        parsed = FileModel.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(map(str, error['loc']))}: {error['msg']}" for error in exc.errors()
        )
        raise EligibilityError(f"{path}: {problems}") from None
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise EligibilityError(f"{path}: {exc}") from exc
    routes: dict[tuple[str, str], tuple[Route, ...]] = {}
    for index, rule in enumerate(parsed.rule, start=1):
        key = (rule.award.upper(), rule.nominee_type)
        if key in routes:
            raise EligibilityError(f"{path}: rule #{index}: {key[0]}/{key[1]} given twice")
        built = []
        for route in rule.routes:
            if route.law not in parsed.laws:
                raise EligibilityError(f"{path}: rule #{index}: route {route.id}: unknown law")
            conditions = tuple(Condition(**item.model_dump()) for item in route.conditions)
            built.append(
                Route(
                    id=route.id,
                    title=route.title,
                    article=route.article,
                    law=parsed.laws[route.law],
                    conditions=conditions,
                    judgement=route.judgement,
                )
            )
        routes[key] = tuple(built)
    law = parsed.discipline.get("law", "")
    if law not in parsed.laws:
        raise EligibilityError(f"{path}: [discipline] law must be one of [laws]")
    return EligibilityRules(
        routes=routes,
        discipline_article=parsed.discipline.get("article", ""),
        discipline_law=parsed.laws[law],
        awards=frozenset(code for code, _ in routes),
    )


@cache
def eligibility_from(path: Path) -> EligibilityRules:
    """The rules of `path`, read once per process (the file changes only with a restart)."""
    return load_eligibility(path)
