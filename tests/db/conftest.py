"""tests/db runs each test that uses the `db` fixture on SQLite and on PostgreSQL.

A test of something only SQLite has (pragmas, the WAL checkpointer) is marked
`@pytest.mark.sqlite_only` and runs on SQLite alone.
"""

from __future__ import annotations

import pytest


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "engine" not in metafunc.fixturenames or "settings" not in metafunc.fixturenames:
        return
    if metafunc.definition.get_closest_marker("sqlite_only") is not None:
        return
    metafunc.parametrize("engine", ["sqlite", "postgresql"], indirect=True)
