"""An eligibility verdict (domain/eligibility.py) in the board's words, with its article."""

from __future__ import annotations

from config.catalog import AwardCatalog
from domain.eligibility import EligibilityRules, Shortfall, Verdict, VerdictKind
from handlers.texts import nomination as tn
from handlers.texts import unit_list as t


def verdict_text(
    verdict: Verdict, rules: EligibilityRules, catalog: AwardCatalog, award: str
) -> str:
    """`Đủ điều kiện: …`, `Chưa đủ điều kiện: … (Điều N …)` or `Cần cán bộ xem: …`."""
    if verdict.reason == "disciplined":
        return t.DISCIPLINED.format(article=rules.discipline_article, law=rules.discipline_law)
    if verdict.reason == "no_rules" or verdict.route is None:
        return t.NO_RULES
    route = verdict.route
    if verdict.reason == "wrong_type":
        types = t.OR.join(tn.NOMINEE_TYPES_LOWER[item] for item in verdict.types)
        return t.WRONG_TYPE.format(
            award=catalog.name_of(award), types=types, article=route.article, law=route.law
        )
    if verdict.kind is VerdictKind.eligible:
        return t.ELIGIBLE.format(title=route.title, article=route.article, law=route.law)
    if verdict.kind is VerdictKind.review:
        return t.REVIEW.format(judgement=route.judgement, article=route.article, law=route.law)
    missing = t.AND.join(_missing(item, catalog) for item in verdict.shortfalls)
    return t.INELIGIBLE.format(
        title=route.title, missing=missing, article=route.article, law=route.law
    )


def _missing(item: Shortfall, catalog: AwardCatalog) -> str:
    condition = item.condition
    if condition.consecutive is not None:
        label = t.FACT_LABELS[condition.fact]
        need = f"{condition.consecutive:02d}"
        if item.gap:
            years = ", ".join(str(year) for year in item.years)
            return t.MISSING_GAP.format(need=need, label=label, years=years)
        return t.MISSING_RUN.format(need=need, label=label, have=item.have)
    if condition.at_least is not None:
        return t.MISSING_COUNT.format(
            need=f"{condition.at_least:02d}", label=t.FACT_LABELS[condition.fact], have=item.have
        )
    award = catalog.name_of(condition.prior_award or "")
    return t.MISSING_PRIOR.format(award=award, years=condition.years_since)
