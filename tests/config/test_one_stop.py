"""The one-stop settings and rules on dates (issue 26.3, 26.4): defaults, limits, sources."""

from __future__ import annotations

from pathlib import Path

import pytest

from config.one_stop import RULES_FILE, apology_rules
from config.settings import SettingsError, load_settings


@pytest.fixture(autouse=True)
def _clean(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("TDKT_SUPPLEMENT_DAYS", "TDKT_SUPPLEMENT_CLOCK", "TDKT_BOARD_PLACE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


def test_defaults() -> None:
    settings = load_settings()
    assert settings.supplement_days == 15
    assert settings.supplement_clock == "continue"
    assert settings.board_place == ""


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("TDKT_SUPPLEMENT_DAYS", "0"),
        ("TDKT_SUPPLEMENT_DAYS", "61"),
        ("TDKT_SUPPLEMENT_CLOCK", "pause"),
    ],
)
def test_bad_values_name_the_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError) as caught:
        load_settings()
    assert str(caught.value).startswith(f"{variable}: ")


def test_limits_accepted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TDKT_SUPPLEMENT_DAYS", "60")
    monkeypatch.setenv("TDKT_SUPPLEMENT_CLOCK", "restart")
    settings = load_settings()
    assert (settings.supplement_days, settings.supplement_clock) == (60, "restart")


def test_the_apology_rules_and_their_sources() -> None:
    rules = apology_rules()
    assert (rules.predict_days_before, rules.extra_days) == (1, 5)
    assert "Thông tư 03/2025/TT-VPCP" in rules.form
    assert "Nghị định 118/2025/NĐ-CP" in rules.legal_base
    text = RULES_FILE.read_text(encoding="utf-8")
    assert "Decision 638/QĐ-BNV/2025" in text and "board" in text
