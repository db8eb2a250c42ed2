"""tests/db runs each test that uses the `db` fixture on SQLite and on PostgreSQL."""

from __future__ import annotations

from tests.engines import on_both_engines as pytest_generate_tests

__all__ = ["pytest_generate_tests"]
