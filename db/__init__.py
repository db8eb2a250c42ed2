"""The only place with SQL: the aiosqlite connection, migrations and repositories."""

from db.connection import Database, open_database

__all__ = ["Database", "open_database"]
