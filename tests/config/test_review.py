"""The board's limits and the council's thresholds as shipped, each with its source."""

from __future__ import annotations

from pathlib import Path

import pytest

from config.review import ReviewConfigError, review_rules
from domain.review import StepLimits


def test_shipped_limits_are_these() -> None:
    rules = review_rules()
    assert rules.limits == StepLimits(
        return_days=5, council_to_decision_days=10, remind_before_resubmit=2
    )
    assert "638/QĐ-BNV" in rules.return_source


def test_shipped_thresholds_and_their_source() -> None:
    rules = review_rules()
    assert rules.threshold("CSTDT").percent == 90
    assert rules.threshold("COTD").percent == 80
    assert "Điều 30 khoản 7" in rules.threshold("CSTDT").source
    assert rules.threshold("BKCT") == rules.thresholds["default"]
    assert rules.threshold("BKCT").strict


def test_a_bad_file_says_where(tmp_path: Path) -> None:
    path = tmp_path / "review.toml"
    path.write_text("[limits]\nreturn_working_days = 0\n", encoding="utf-8")
    with pytest.raises(ReviewConfigError, match=r"review\.toml"):
        review_rules(path)
