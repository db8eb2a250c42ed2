"""Eligibility of a nominee for an award kind (xét điều kiện khen thưởng): routes of conditions.

The rules are data (config/eligibility.toml, loaded by config/eligibility.py): for each award
kind and nominee type, a list of routes, each a set of conditions over the facts the board's
template asks for, each citing its article. `check` gives one of three verdicts:

- eligible: some route is fully met, and it needs no officer's judgement;
- review: the computable conditions of a judgement route are met (an influence
  "province-wide", an "outstanding sudden achievement"): an officer decides, never a guess;
- ineligible: no route can be met; the verdict names the nearest route and what it lacks.

A person under discipline is never eligible (Decree 152/2025/NĐ-CP). Texts are rendered by
handlers/; this module returns the structure only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

#: The year-list facts of the template, in its column order.
YEAR_FACTS = ("excellent_years", "advanced_years", "base_emulation_years")
COUNT_FACTS = ("initiatives",)


class VerdictKind(StrEnum):
    eligible = "eligible"  # Đủ điều kiện
    ineligible = "ineligible"  # Chưa đủ điều kiện
    review = "review"  # Cần cán bộ xem


@dataclass(frozen=True, slots=True)
class Facts:
    """What a row of the template says about one nominee."""

    nominee_type: str
    award: str
    #: Years of "hoàn thành xuất sắc nhiệm vụ", "Lao động tiên tiến", "Chiến sĩ thi đua cơ sở".
    excellent_years: frozenset[int] = frozenset()
    advanced_years: frozenset[int] = frozenset()
    base_emulation_years: frozenset[int] = frozenset()
    #: Recognised initiatives or research projects (sáng kiến, đề tài được công nhận).
    initiatives: int = 0
    #: Awards already received: (award code, year).
    prior_awards: tuple[tuple[str, int], ...] = ()
    disciplined: bool = False


@dataclass(frozen=True, slots=True)
class Condition:
    """One condition of a route; exactly one of `consecutive`, `at_least`, `prior_award` set.

    - `consecutive`: `fact` (a year list) holds for this many consecutive years, the last of
      them this year or the year before (`recent`);
    - `at_least`: `fact` (a count) is at least this;
    - `prior_award`: an award of this code was received, at least `years_since` years ago.
    """

    fact: str = ""
    consecutive: int | None = None
    at_least: int | None = None
    prior_award: str | None = None
    years_since: int = 0
    recent: bool = True


@dataclass(frozen=True, slots=True)
class Route:
    """One way to qualify, with its legal source; `judgement` marks a part only an officer can
    weigh (its text says what)."""

    id: str
    title: str
    article: str
    law: str
    conditions: tuple[Condition, ...] = ()
    judgement: str | None = None


@dataclass(frozen=True, slots=True)
class Shortfall:
    """A condition not met: what it asks and what the row has."""

    condition: Condition
    have: int
    #: For `consecutive`: the row has the years, but not one after the other.
    gap: bool = False
    years: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class Verdict:
    kind: VerdictKind
    route: Route | None = None
    shortfalls: tuple[Shortfall, ...] = ()
    #: Why there was no route to try: "disciplined", "no_rules", "wrong_type".
    reason: str = ""
    #: For "wrong_type": the nominee types the award's rules are written for.
    types: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class EligibilityRules:
    """Routes by (award code, nominee type), and the legal basis of the discipline bar."""

    routes: Mapping[tuple[str, str], tuple[Route, ...]]
    discipline_article: str = ""
    discipline_law: str = ""
    awards: frozenset[str] = field(default_factory=frozenset)

    def for_award(self, award: str) -> dict[str, tuple[Route, ...]]:
        return {kind: routes for (code, kind), routes in self.routes.items() if code == award}


def recent_run(years: Iterable[int], this_year: int) -> int:
    """Consecutive years ending this year or the year before (0 when neither is in)."""
    held = set(years)
    end = this_year if this_year in held else this_year - 1
    run = 0
    while end - run in held:
        run += 1
    return run


def longest_run(years: Iterable[int]) -> int:
    held = set(years)
    return max((_run_from(held, year) for year in held if year - 1 not in held), default=0)


def _run_from(held: set[int], start: int) -> int:
    run = 0
    while start + run in held:
        run += 1
    return run


def _shortfall(condition: Condition, facts: Facts, this_year: int) -> Shortfall | None:
    if condition.consecutive is not None:
        years: frozenset[int] = getattr(facts, condition.fact)
        run = recent_run(years, this_year) if condition.recent else longest_run(years)
        if run >= condition.consecutive:
            return None
        counted = [y for y in years if y <= this_year]
        gap = len(counted) >= condition.consecutive
        return Shortfall(condition, run, gap=gap, years=tuple(sorted(counted)))
    if condition.at_least is not None:
        have = int(getattr(facts, condition.fact))
        return None if have >= condition.at_least else Shortfall(condition, have)
    years_ago = [
        this_year - year
        for code, year in facts.prior_awards
        if code.upper() == (condition.prior_award or "").upper()
    ]
    if any(ago >= condition.years_since for ago in years_ago):
        return None
    return Shortfall(condition, max(years_ago, default=-1))


def _distance(shortfalls: tuple[Shortfall, ...]) -> tuple[int, int]:
    """How far a route is: unmet conditions first, then the sum of what is lacking."""
    missing = 0
    for item in shortfalls:
        need = item.condition.consecutive or item.condition.at_least or 1
        missing += max(need - item.have, 1) if item.condition.prior_award is None else 1
    return len(shortfalls), missing


def check(facts: Facts, rules: EligibilityRules, this_year: int) -> Verdict:
    """The verdict for one nominee; `this_year` is the year the nomination is made."""
    if facts.disciplined:
        return Verdict(VerdictKind.ineligible, reason="disciplined")
    routes = rules.routes.get((facts.award, facts.nominee_type))
    if routes is None:
        other = rules.for_award(facts.award)
        if other:
            first = next(iter(other.values()))[0]
            return Verdict(
                VerdictKind.ineligible, route=first, reason="wrong_type", types=tuple(other)
            )
        return Verdict(VerdictKind.review, reason="no_rules")
    judged: Route | None = None
    nearest: tuple[tuple[int, int], Route, tuple[Shortfall, ...]] | None = None
    for route in routes:
        shortfalls = tuple(
            item
            for item in (_shortfall(c, facts, this_year) for c in route.conditions)
            if item is not None
        )
        if not shortfalls:
            if route.judgement is None:
                return Verdict(VerdictKind.eligible, route=route)
            judged = judged or route
            continue
        distance = _distance(shortfalls)
        if nearest is None or distance < nearest[0]:
            nearest = (distance, route, shortfalls)
    if judged is not None:
        return Verdict(VerdictKind.review, route=judged)
    assert nearest is not None  # every route has a shortfall, and there is at least one route
    return Verdict(VerdictKind.ineligible, route=nearest[1], shortfalls=nearest[2])
