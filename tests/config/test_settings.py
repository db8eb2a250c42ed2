"""Settings: the TDKT_ environment prefix, .env, admins parsing and one-line errors."""

from __future__ import annotations

from datetime import time
from pathlib import Path

import pytest

from config.settings import DEFAULT_DATABASE, DEMO_DATABASE, Settings, SettingsError, load_settings


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No TDKT_ variable from the developer's shell and no .env in the working directory."""
    import os

    for name in list(os.environ):
        if name.startswith("TDKT_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


def test_defaults() -> None:
    settings = load_settings()
    assert settings.database is None
    assert settings.database_path() == DEFAULT_DATABASE
    assert settings.database_path(console=True) == DEMO_DATABASE
    assert settings.telegram_token is None
    assert settings.telegram_base_url == "https://api.telegram.org/bot"
    assert settings.timezone == "Asia/Ho_Chi_Minh"
    assert settings.tz.key == "Asia/Ho_Chi_Minh"
    assert settings.award_catalog.is_file()
    assert settings.admins == []


def test_environment_prefix(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TDKT_DATABASE", str(tmp_path / "board.sqlite3"))
    monkeypatch.setenv("TDKT_TELEGRAM_TOKEN", "123:ABC")
    monkeypatch.setenv("TDKT_TELEGRAM_BASE_URL", "http://localhost:8081/bot")
    monkeypatch.setenv("TDKT_AGENCY_CODE", " 000.00.21.h01 ")
    monkeypatch.setenv("TDKT_TIMEZONE", "Asia/Bangkok")
    monkeypatch.setenv("TDKT_DIGEST_TIME", "08:15")
    monkeypatch.setenv("DATABASE", "/not/this/one.sqlite3")  # unprefixed: ignored
    settings = load_settings()
    assert settings.database == tmp_path / "board.sqlite3"
    assert settings.database_path(console=True) == tmp_path / "board.sqlite3"
    assert settings.database_path() == tmp_path / "board.sqlite3"
    assert settings.telegram_token is not None
    assert settings.telegram_token.get_secret_value() == "123:ABC"
    assert "123:ABC" not in repr(settings)
    assert settings.telegram_base_url == "http://localhost:8081/bot"
    assert settings.agency_code == "000.00.21.H01"
    assert settings.timezone == "Asia/Bangkok"
    assert settings.digest_time == time(8, 15)


def test_dotenv_file_is_read(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(
        "TDKT_TIMEZONE=Asia/Ho_Chi_Minh\nTDKT_ADMINS=telegram:42\n", encoding="utf-8"
    )
    assert load_settings().admins == ["telegram:42"]


def test_environment_wins_over_dotenv(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("TDKT_ADMINS=telegram:42\n", encoding="utf-8")
    monkeypatch.setenv("TDKT_ADMINS", "zalo:7")
    assert load_settings().admins == ["zalo:7"]


def test_empty_values_mean_unset(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # `.env` templates often list the variables with nothing after `=`.
    (tmp_path / ".env").write_text("TDKT_DATABASE=\nTDKT_TELEGRAM_TOKEN=\n", encoding="utf-8")
    settings = load_settings()
    assert settings.database is None
    assert settings.database_path(console=True) == DEMO_DATABASE
    assert settings.telegram_token is None
    monkeypatch.setenv("TDKT_DATABASE", "  ")
    monkeypatch.setenv("TDKT_TELEGRAM_TOKEN", "")
    settings = load_settings()
    assert settings.database is None
    assert settings.telegram_token is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("telegram:1,zalo:abc", ["telegram:1", "zalo:abc"]),
        (" telegram:1 , console:local ,", ["telegram:1", "console:local"]),
        ("", []),
    ],
)
def test_admins(monkeypatch: pytest.MonkeyPatch, value: str, expected: list[str]) -> None:
    monkeypatch.setenv("TDKT_ADMINS", value)
    assert load_settings().admins == expected


@pytest.mark.parametrize(
    ("variable", "value", "reason"),
    [
        ("TDKT_ADMINS", "telegram", "channel:id"),
        ("TDKT_ADMINS", "telegram:1,facebook:2", "facebook:2"),
        ("TDKT_ADMINS", "zalo:", "channel:id"),
        ("TDKT_TIMEZONE", "Mars/Olympus", "Mars/Olympus"),
        ("TDKT_TELEGRAM_BASE_URL", "ftp://example.org/bot", "http"),
        ("TDKT_AGENCY_CODE", "H01 tỉnh", "000.00.21.H01"),
        ("TDKT_AWARD_CATALOG", "/nonexistent/catalog.toml", "/nonexistent/catalog.toml"),
        ("TDKT_HOLIDAYS_FILE", "/nonexistent/holidays.toml", "/nonexistent/holidays.toml"),
        ("TDKT_SEND_RATE", "100", "30"),
        ("TDKT_SEND_RATE", "nhanh", "integer"),
        ("TDKT_DIGEST_TIME", "25:00", ""),
        ("TDKT_RETENTION_DAYS", "0", "1"),
        ("TDKT_RETENTION_DAYS", "mãi mãi", "integer"),
        ("TDKT_GUESS_BUDGET", "0", "1"),
    ],
)
def test_bad_values_name_the_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, reason: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError) as caught:
        load_settings()
    message = str(caught.value)
    assert message.startswith(f"{variable}: ")
    assert reason in message
    assert "\n" not in message
    assert "Value error" not in message


def test_several_bad_values_in_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TDKT_TIMEZONE", "Mars/Olympus")
    monkeypatch.setenv("TDKT_SEND_RATE", "0")
    with pytest.raises(SettingsError) as caught:
        load_settings()
    message = str(caught.value)
    assert "TDKT_TIMEZONE" in message and "TDKT_SEND_RATE" in message
    assert "\n" not in message


def test_overrides_win(tmp_path: Path) -> None:
    settings = load_settings(database=tmp_path / "x.sqlite3")
    assert isinstance(settings, Settings)
    assert settings.database == tmp_path / "x.sqlite3"
