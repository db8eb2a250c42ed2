"""The rules file: shipped rules name catalogue kinds and cite articles; bad files are refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from config.catalog import load_catalog
from config.eligibility import EligibilityError, load_eligibility
from config.settings import Settings

GOOD_HEAD = """
[laws]
L = "Luật Thi đua, khen thưởng 2022"
[discipline]
article = "nguyên tắc"
law = "L"
"""


def test_shipped_rules_match_the_catalogue(settings: Settings) -> None:
    rules = load_eligibility(settings.eligibility_file)
    catalog = load_catalog(settings.award_catalog)
    for (code, nominee_type), routes in rules.routes.items():
        kind = catalog.get(code)
        assert kind is not None and kind.nominable, code
        assert nominee_type in kind.for_whom, (code, nominee_type)
        for route in routes:
            assert route.article.startswith("Điều "), route
            assert route.law == "Luật Thi đua, khen thưởng 2022"
    assert rules.discipline_law == "Nghị định 152/2025/NĐ-CP"


def test_every_shipped_kind_carries_its_legal_basis(settings: Settings) -> None:
    catalog = load_catalog(settings.award_catalog)
    for kind in catalog.kinds:
        assert kind.legal_basis and kind.time_source, kind.code
    for code in ("CSTDCS", "LDTT", "KTDX", "KTCD", "HCDL"):
        assert catalog.get(code) is not None, code
    assert catalog.get("LDTT").nominable is False  # type: ignore[union-attr]
    assert all(kind.nominable for kind in catalog.for_nominee(catalog.kinds[0].for_whom[0]))


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (
            '[[rule]]\naward="X"\nnominee_type="robot"\n[[rule.routes]]\nid="1"\ntitle="t"\n'
            'article="Điều 1"\nlaw="L"\njudgement="j"\n',
            "nominee_type",
        ),
        (
            '[[rule]]\naward="X"\nnominee_type="individual"\n[[rule.routes]]\nid="1"\ntitle="t"\n'
            'article="Điều 1"\nlaw="L"\n',
            "never an empty yes",
        ),
        (
            '[[rule]]\naward="X"\nnominee_type="individual"\n[[rule.routes]]\nid="1"\ntitle="t"\n'
            'article="khoản 1"\nlaw="L"\njudgement="j"\n',
            "article",
        ),
        (
            '[[rule]]\naward="X"\nnominee_type="individual"\n[[rule.routes]]\nid="1"\ntitle="t"\n'
            'article="Điều 1"\nlaw="Z"\njudgement="j"\n',
            "unknown law",
        ),
        (
            '[[rule]]\naward="X"\nnominee_type="individual"\n[[rule.routes]]\nid="1"\ntitle="t"\n'
            'article="Điều 1"\nlaw="L"\nconditions=[{fact="initiatives", consecutive=2}]\n',
            "consecutive needs fact",
        ),
    ],
)
def test_bad_rules_are_refused_with_where(tmp_path: Path, body: str, problem: str) -> None:
    path = tmp_path / "rules.toml"
    path.write_text(GOOD_HEAD + body, encoding="utf-8")
    with pytest.raises(EligibilityError, match=problem):
        load_eligibility(path)


def test_settings_refuse_a_bad_rules_file(tmp_path: Path) -> None:
    path = tmp_path / "rules.toml"
    path.write_text("not toml [", encoding="utf-8")
    with pytest.raises(ValueError, match=r"rules\.toml"):
        Settings(_env_file=None, eligibility_file=path)  # type: ignore[call-arg]
