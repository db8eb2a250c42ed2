"""The console saves files beside its database; `make clean` keeps the virtualenv (issue 22.9)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

import bot.cli as cli
import bot.console_channel as console_channel
from config.settings import ROOT, Settings
from handlers.router import BotCore


async def test_console_files_go_beside_the_database(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A test's console (the README example's /qr, /thongke's chart) never writes into the
    working copy's data/console/."""
    database = tmp_path / "rieng" / "tdkt.sqlite3"
    database.parent.mkdir()
    settings = Settings(_env_file=None, database=database)  # type: ignore[call-arg]
    seen: list[Path] = []

    async def fake_loop(_core: BotCore, **kw: Any) -> None:
        seen.append(kw["files_dir"])

    monkeypatch.setattr(console_channel, "run_console", fake_loop)
    assert await cli.run_console(settings) == cli.EXIT_OK
    assert seen == [tmp_path / "rieng" / "console"]


def _dry_run(target: str) -> str:
    make = shutil.which("make")
    if make is None:
        pytest.skip("make is not installed")
    done = subprocess.run(
        [make, "-n", target], cwd=ROOT, capture_output=True, text=True, check=True, timeout=60
    )
    return done.stdout


def test_make_clean_keeps_the_virtualenv_and_distclean_removes_it() -> None:
    clean = _dry_run("clean")
    assert "data/demo.sqlite3" in clean and ".venv" not in clean
    assert "rm -rf .venv" in _dry_run("distclean")
