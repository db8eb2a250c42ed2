"""Runs a test module's tests that use `settings` (and so `db`, `services`, `core`) on SQLite
and on PostgreSQL: `from tests.engines import on_both_engines as pytest_generate_tests`.

A test of something only SQLite has is marked `@pytest.mark.sqlite_only`. The PostgreSQL
runs need the throwaway cluster (tests/postgres.py); without it they are skipped, loudly.
"""

from __future__ import annotations

import pytest


def on_both_engines(metafunc: pytest.Metafunc) -> None:
    if "engine" not in metafunc.fixturenames or "settings" not in metafunc.fixturenames:
        return
    if metafunc.definition.get_closest_marker("sqlite_only") is not None:
        return
    metafunc.parametrize("engine", ["sqlite", "postgresql"], indirect=True)
