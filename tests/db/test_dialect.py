"""One numbering for both engines, and SQLite's SQL as PostgreSQL runs it."""

from __future__ import annotations

import os
import sqlite3
from importlib import resources
from pathlib import Path

import pytest

from config.settings import Settings, is_postgresql_url, redact_url
from db.connection import _migrations, open_database
from db.dialect import POSTGRESQL, SQLITE, identity_tables, translate

IDS = frozenset({"dossiers", "outbox"})


def test_every_sqlite_migration_has_its_postgresql_twin() -> None:
    sqlite = [name for _version, name, _sql in _migrations(SQLITE)]
    postgresql = [name for _version, name, _sql in _migrations(POSTGRESQL)]
    missing = sorted(set(sqlite) - set(postgresql))
    assert not missing, (
        f"no PostgreSQL twin for {missing}: write db/migrations/postgresql/<same name> "
        "(see db/migrations/postgresql/README.md)"
    )
    assert sorted(set(postgresql) - set(sqlite)) == [], "a PostgreSQL migration without SQLite's"


def test_twins_readme_says_how_to_add_one() -> None:
    folder = resources.files("db") / "migrations" / "postgresql"
    assert "same name" in (folder / "README.md").read_text(encoding="utf-8")


def test_identity_tables_are_read_from_the_postgresql_migrations() -> None:
    tables = identity_tables([sql for _v, _n, sql in _migrations(POSTGRESQL)])
    assert {"dossiers", "outbox", "nominations", "lookup_probes"} <= tables
    assert "zns_tokens" not in tables  # its id is always 1, given, not generated


def test_placeholders_become_psycopgs_and_literals_stay() -> None:
    statement = translate("SELECT '?', 'a%b' FROM t WHERE a = ? AND b LIKE ?", IDS)
    assert statement.text == "SELECT '?', 'a%%b' FROM t WHERE a = %s AND b LIKE %s"
    assert statement.plain == "SELECT '?', 'a%b' FROM t WHERE a = %s AND b LIKE %s"
    assert statement.arguments(("x", True)) == ("x", 1)


def test_numbered_placeholders_reorder_and_repeat_the_parameters() -> None:
    statement = translate("SELECT ?2, ?1, ?2", IDS)
    assert statement.text == "SELECT %s, %s, %s"
    assert statement.arguments(("a", "b")) == ("b", "a", "b")


def test_named_parameters_become_psycopgs() -> None:
    statement = translate("SELECT :today, ':no', x::text FROM t WHERE a = :a", IDS)
    assert statement.text == "SELECT %(today)s, ':no', x::text FROM t WHERE a = %(a)s"
    assert statement.arguments({"today": "d", "a": False}) == {"today": "d", "a": 0}


def test_sqlite_spellings_become_postgresqls() -> None:
    assert translate("INSERT OR IGNORE INTO follows VALUES (?)", IDS).text == (
        "INSERT INTO follows VALUES (%s) ON CONFLICT DO NOTHING"
    )
    assert "IS DISTINCT FROM 'x'" in translate("SELECT 1 WHERE a IS NOT 'x'", IDS).text
    assert "IS NOT NULL" in translate("SELECT 1 WHERE a IS NOT NULL", IDS).text
    assert "IS NOT DISTINCT FROM b" in translate("SELECT 1 WHERE a IS b", IDS).text
    assert "string_agg(" in translate("SELECT group_concat(a, ', ') FROM t", IDS).text
    assert translate("SELECT max(a, 'x,)'), MAX(b), min(c, ?)", IDS).text == (
        "SELECT GREATEST(a, 'x,)'), MAX(b), LEAST(c, %s)"
    )
    assert "pg_temp.sweep" in translate("DROP TABLE temp.sweep", IDS).text
    # A comment's words are not SQL: "IS" in it stays as written.
    assert translate("-- it IS here\nSELECT 1", IDS).plain == "-- it IS here\nSELECT 1"


def test_an_insert_into_a_table_with_an_identity_returns_its_id() -> None:
    assert translate("INSERT INTO dossiers (code) VALUES (?)", IDS).returns_id
    assert translate("INSERT INTO dossiers (code) VALUES (?)", IDS).text.endswith("RETURNING id")
    assert not translate("INSERT INTO follows (a) VALUES (?)", IDS).returns_id
    assert not translate("INSERT INTO outbox (a) VALUES (?) RETURNING *", IDS).returns_id


def test_a_postgresql_url_is_a_server_not_a_folder(tmp_path: Path) -> None:
    url = "postgresql://tdkt:secret@127.0.0.1:5432/tdkt"
    settings = Settings(_env_file=None, database=url)  # type: ignore[call-arg]
    assert settings.database == url and settings.database_path() == url
    assert is_postgresql_url("postgres://h/db") and not is_postgresql_url("data/x.sqlite3")
    assert redact_url(url) == "postgresql://tdkt:***@127.0.0.1:5432/tdkt"
    path = Settings(_env_file=None, database=str(tmp_path / "x.sqlite3"))  # type: ignore[call-arg]
    assert path.database == tmp_path / "x.sqlite3"
    with pytest.raises(ValueError, match="postgresql://"):
        Settings(_env_file=None, database="mysql://h/db")  # type: ignore[call-arg]


async def test_an_unreachable_server_fails_cleanly_and_creates_no_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(sqlite3.OperationalError):
        # Port 1 on this machine: nothing listens, the refusal is immediate.
        await open_database("postgresql://postgres@127.0.0.1:1/tdkt?connect_timeout=2")
    assert os.listdir(tmp_path) == []


def test_a_twin_is_drafted_from_the_sqlite_migration() -> None:
    from db.twin import draft

    sqlite = (
        "CREATE TABLE ratings (\n    id INTEGER PRIMARY KEY,\n    score INTEGER NOT NULL,\n"
        "    photo BLOB,\n    PRIMARY KEY (id)\n) WITHOUT ROWID;\n"
        "CREATE TABLE one (id INTEGER PRIMARY KEY CHECK (id = 1));\n"
        "CREATE TRIGGER t AFTER INSERT ON ratings BEGIN SELECT 1; END;\n"
    )
    text, left = draft(sqlite, "0099_ratings.sql")
    assert text.startswith("-- PostgreSQL twin of ../0099_ratings.sql")
    assert "id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY," in text
    assert "score BIGINT NOT NULL" in text and "photo BYTEA" in text
    assert "WITHOUT ROWID" not in text
    assert "id BIGINT PRIMARY KEY CHECK (id = 1)" in text
    assert left == ["CREATE TRIGGER"]


def test_the_drafted_twins_of_the_early_migrations_are_the_ones_kept() -> None:
    """0001–0012 were drafted this way; only 0003's triggers were written by hand."""
    from db.twin import draft

    twins = {name: sql for _v, name, sql in _migrations(POSTGRESQL)}
    for _version, name, sql in _migrations(SQLITE):
        if name.startswith(("0001", "0002", "0004", "0008", "0010")):
            drafted, left = draft(sql, name)
            assert not left
            assert _body(drafted) == _body(twins[name]), name


def _body(sql: str) -> str:
    return "\n".join(line for line in sql.splitlines() if not line.startswith("--"))
