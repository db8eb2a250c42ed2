"""The review tests' settings: `console:boss` is an admin (it invites the unit)."""

from __future__ import annotations

from pathlib import Path

import pytest

from config.settings import Settings


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(  # type: ignore[call-arg]
        _env_file=None, database=tmp_path / "tdkt.sqlite3", admins=["console:boss"]
    )
