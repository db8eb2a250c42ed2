"""Every CLI command says which database it opened; the read-only ones never create one."""

from __future__ import annotations

from pathlib import Path

import pytest

import config.settings as settings_module
from bot.cli import existing_database
from config.settings import Settings
from handlers.texts import console as t
from tests.cli import run_cli


@pytest.mark.parametrize(
    "args",
    [("outbox",), ("qr", "000.00.21.H01-261120-0001", "-o", "qr.png"), ("backup", "copy.sqlite3")],
)
def test_reading_commands_refuse_a_missing_database(tmp_path: Path, args: tuple[str, ...]) -> None:
    missing = tmp_path / "nowhere" / "tdkt.sqlite3"
    settings = Settings(_env_file=None, database=missing)  # type: ignore[call-arg]
    result = run_cli(settings, *args, cwd=tmp_path)
    assert result.returncode == 1
    assert t.DATABASE_MISSING.format(path=missing) in result.stderr
    assert "Traceback" not in result.stderr
    assert not missing.exists() and not missing.parent.exists()


def test_reading_commands_name_the_database_they_opened(
    tmp_path: Path, settings: Settings, db: object
) -> None:
    result = run_cli(settings, "outbox", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert t.DATABASE_USED.format(path=settings.database) in result.stderr


def test_import_says_it_creates_a_new_database(tmp_path: Path) -> None:
    database = tmp_path / "new.sqlite3"
    export = tmp_path / "empty.csv"
    export.write_text("x\n", encoding="utf-8")
    settings = Settings(_env_file=None, database=database)  # type: ignore[call-arg]
    result = run_cli(settings, "import", str(export), cwd=tmp_path)
    assert t.DATABASE_NEW.format(path=database) in result.stderr


def test_only_the_demo_database_is_named_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    demo = tmp_path / "demo.sqlite3"
    default = tmp_path / "tdkt.sqlite3"
    monkeypatch.setattr(settings_module, "DEMO_DATABASE", demo)
    monkeypatch.setattr(settings_module, "DEFAULT_DATABASE", default)
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert existing_database(settings) == t.DATABASE_MISSING.format(path=default)
    demo.write_bytes(b"")
    said = existing_database(settings)
    assert said == t.DATABASE_ONLY_DEMO.format(path=default, demo=demo)
    assert f"TDKT_DATABASE={demo}" in said
    default.write_bytes(b"")
    assert existing_database(settings) is None
