"""The pure checker: runs of years, the nearest route, judgement, discipline, wrong type."""

from __future__ import annotations

from domain.eligibility import (
    Condition,
    EligibilityRules,
    Facts,
    Route,
    VerdictKind,
    check,
    longest_run,
    recent_run,
)

RUN2 = Condition(fact="excellent_years", consecutive=2)
TWO = Condition(fact="initiatives", at_least=2)
BKTTG5 = Condition(prior_award="BKTTG", years_since=5)
RULES = EligibilityRules(
    routes={
        ("BK", "individual"): (
            Route("a", "A", "Điều 74", "Luật", (RUN2, TWO)),
            Route(
                "b",
                "B",
                "Điều 74",
                "Luật",
                (Condition(fact="base_emulation_years", consecutive=2),),
            ),
        ),
        ("HC", "individual"): (Route("c", "C", "Điều 44", "Luật", (BKTTG5,)),),
        ("CS", "individual"): (Route("d", "D", "Điều 22", "Luật", (TWO,), judgement="ảnh hưởng"),),
    },
    discipline_article="nguyên tắc",
    discipline_law="Nghị định 152/2025/NĐ-CP",
)


def facts(**kw: object) -> Facts:
    base: dict[str, object] = {"nominee_type": "individual", "award": "BK"}
    base.update(kw)
    return Facts(**base)  # type: ignore[arg-type]


def test_runs_end_this_year_or_the_year_before() -> None:
    assert recent_run({2023, 2024}, 2025) == 2
    assert recent_run({2023, 2024, 2025}, 2025) == 3
    assert recent_run({2021, 2022}, 2025) == 0
    assert recent_run({2022, 2024, 2025}, 2025) == 2
    assert longest_run({2010, 2011, 2012, 2020}) == 3
    assert longest_run(set()) == 0


def test_eligible_by_the_first_route_fully_met() -> None:
    verdict = check(facts(excellent_years=frozenset({2024, 2025}), initiatives=2), RULES, 2025)
    assert verdict.kind is VerdictKind.eligible and verdict.route and verdict.route.id == "a"


def test_nearest_route_is_the_one_missing_least() -> None:
    verdict = check(facts(excellent_years=frozenset({2025}), initiatives=2), RULES, 2025)
    assert verdict.kind is VerdictKind.ineligible
    assert verdict.route and verdict.route.id == "a"
    (short,) = verdict.shortfalls
    assert short.condition is RUN2 and short.have == 1 and not short.gap
    gapped = check(facts(excellent_years=frozenset({2021, 2023, 2025}), initiatives=2), RULES, 2025)
    assert gapped.shortfalls[0].gap and gapped.shortfalls[0].years == (2021, 2023, 2025)


def test_discipline_beats_every_route() -> None:
    verdict = check(
        facts(excellent_years=frozenset({2024, 2025}), initiatives=9, disciplined=True), RULES, 2025
    )
    assert verdict.kind is VerdictKind.ineligible and verdict.reason == "disciplined"


def test_judgement_route_is_review_never_yes() -> None:
    verdict = check(facts(award="CS", initiatives=2), RULES, 2025)
    assert verdict.kind is VerdictKind.review and verdict.route and verdict.route.id == "d"
    missing = check(facts(award="CS", initiatives=1), RULES, 2025)
    assert missing.kind is VerdictKind.ineligible


def test_prior_award_and_years_since() -> None:
    assert check(facts(award="HC", prior_awards=(("BKTTG", 2019),)), RULES, 2025).kind is (
        VerdictKind.eligible
    )
    too_soon = check(facts(award="HC", prior_awards=(("BKTTG", 2022),)), RULES, 2025)
    assert too_soon.kind is VerdictKind.ineligible and too_soon.shortfalls[0].have == 3


def test_wrong_type_and_unknown_award() -> None:
    wrong = check(facts(nominee_type="collective"), RULES, 2025)
    assert wrong.kind is VerdictKind.ineligible and wrong.reason == "wrong_type"
    assert wrong.types == ("individual",) and wrong.route and wrong.route.article == "Điều 74"
    unknown = check(facts(award="ZZ"), RULES, 2025)
    assert unknown.kind is VerdictKind.review and unknown.reason == "no_rules"
