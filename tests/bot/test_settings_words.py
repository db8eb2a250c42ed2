"""Settings errors in Vietnamese and misspelled `TDKT_*` variables warned about (issue 22.9)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.settings_words import problem_line, settings_error_text, unknown_variable_warnings
from config.settings import ROOT, SettingsError, load_settings
from domain.decisions import DEFAULT_PATTERN
from handlers.texts import newuser as t


@pytest.mark.parametrize(
    ("variable", "value", "said"),
    [
        ("TDKT_SEND_RATE", "31", "TDKT_SEND_RATE: phải nhỏ hơn hoặc bằng 30 (đang là “31”)"),
        ("TDKT_SEND_RATE", "nhanh", "TDKT_SEND_RATE: phải là một số nguyên (đang là “nhanh”)"),
        ("TDKT_RETENTION_DAYS", "0", "TDKT_RETENTION_DAYS: phải lớn hơn hoặc bằng 1"),
        ("TDKT_DIGEST_TIME", "25:00", "TDKT_DIGEST_TIME: phải là giờ dạng HH:MM"),
        ("TDKT_TIMEZONE", "Mars/Olympus", "TDKT_TIMEZONE: không có múi giờ này"),
        ("TDKT_REMINDER_DAYS_BEFORE", "x", "cần các số ngày làm việc từ 1 đến 60"),
        ("TDKT_DRAFT_TTL", "mai", "TDKT_DRAFT_TTL: phải là khoảng thời gian như 24h"),
        ("TDKT_CULTURE_DAY", "maybe", "TDKT_CULTURE_DAY: phải là on hoặc off"),
    ],
)
def test_settings_errors_are_worded_in_vietnamese(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, said: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError) as caught:
        load_settings(_env_file=None)
    text = settings_error_text(caught.value)
    assert said in text
    assert "Input should" not in text and "expected" not in text


def test_a_secret_value_is_never_echoed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TDKT_PHONE_KEY", "khong-phai-khoa")
    with pytest.raises(SettingsError) as caught:
        load_settings(_env_file=None)
    (problem,) = caught.value.problems
    assert "khong-phai-khoa" not in problem_line(problem)
    assert "base64" in problem_line(problem)


def test_the_cli_says_it_in_vietnamese_and_warns_of_a_misspelled_variable(tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith("TDKT_")}
    env |= {"TDKT_SEND_RATE": "31", "TDKT_TELEGRAM_TOKKEN": "123:abc"}
    done = subprocess.run(
        [sys.executable, "-m", "bot", "calendar", "2026"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2
    assert "TDKT_SEND_RATE: phải nhỏ hơn hoặc bằng 30" in done.stderr
    warning = t.SETTING_UNKNOWN.format(
        name="TDKT_TELEGRAM_TOKKEN",
        hint=t.SETTING_UNKNOWN_HINT.format(near="TDKT_TELEGRAM_TOKEN"),
    )
    assert warning in done.stderr


def test_unknown_variables_from_the_env_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in [name for name in os.environ if name.startswith("TDKT_")]:
        monkeypatch.delenv(name)
    env_file = tmp_path / ".env"
    env_file.write_text("TDKT_DATABASE=x.sqlite3\nTDKT_ZALO_TOKN=abc\nTDKT_WHATEVER=1\n")
    assert unknown_variable_warnings(env_file) == [
        t.SETTING_UNKNOWN.format(name="TDKT_WHATEVER", hint=""),
        t.SETTING_UNKNOWN.format(
            name="TDKT_ZALO_TOKN", hint=t.SETTING_UNKNOWN_HINT.format(near="TDKT_ZALO_TOKEN")
        ),
    ]


def test_the_default_decision_pattern_has_one_copy() -> None:
    """Settings take the domain's pattern, not a second spelling of it."""
    from config.settings import Settings

    assert Settings.model_fields["decision_no_pattern"].default is DEFAULT_PATTERN
    assert DEFAULT_PATTERN == r"\d{1,6}(/\d{4})?/QĐ-[A-ZĐ0-9]+(-[A-ZĐ0-9]+)*"
