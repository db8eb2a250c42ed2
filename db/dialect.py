"""The SQL that differs between SQLite and PostgreSQL, side by side, and the one translation.

The repositories write SQLite's SQL (`?` and `?N` placeholders, `INSERT OR IGNORE`, `IS NOT`
between values, `group_concat`, `temp.` tables, `lastrowid`). On PostgreSQL each statement goes
through `translate` once (cached): the placeholders become psycopg's `%s` (with the parameters
reordered for `?N`), the few SQLite spellings become PostgreSQL's, and an INSERT into a table
whose `id` is an identity column returns that id, which `cursor.lastrowid` then gives.
A statement whose meaning differs beyond spelling is written twice where it is used, picked by
`Database.dialect` (`SQLITE` or `POSTGRESQL`); nothing above db/ sees either.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

SQLITE, POSTGRESQL = "sqlite", "postgresql"

#: SQLite spelling → PostgreSQL spelling, applied outside string literals.
_REWRITES: tuple[tuple[re.Pattern[str], str], ...] = (
    # `a IS NOT b` / `a IS b` between values: PostgreSQL spells them IS [NOT] DISTINCT FROM.
    (re.compile(r"\bIS\s+NOT\s+(?!NULL\b|DISTINCT\b|TRUE\b|FALSE\b)", re.I), "IS DISTINCT FROM "),
    (
        re.compile(r"\bIS\s+(?!NOT\b|NULL\b|DISTINCT\b|TRUE\b|FALSE\b)", re.I),
        "IS NOT DISTINCT FROM ",
    ),
    (re.compile(r"\bgroup_concat\s*\(", re.I), "string_agg("),
    # An index lives in its table's schema: PostgreSQL takes no schema in its name.
    (re.compile(r"\b(CREATE\s+(?:UNIQUE\s+)?INDEX\s+)temp\.", re.I), r"\1"),
    # SQLite's temp schema is PostgreSQL's pg_temp.
    (re.compile(r"\btemp\.", re.I), "pg_temp."),
    # Rows of a table without an id in insertion order: the physical position stands in.
    (re.compile(r"\browid\b", re.I), "ctid"),
)
#: SQLite's named parameters (`:today`), psycopg's `%(today)s`; not PostgreSQL's `::` casts.
_NAMED = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")
_OR_IGNORE = re.compile(r"^\s*INSERT\s+OR\s+IGNORE\s+INTO\b", re.I)
_INSERT_INTO = re.compile(r"^\s*INSERT\s+INTO\s+\"?(\w+)\"?", re.I)
_IDENTITY_TABLE = re.compile(
    r"CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?\"?(\w+)\"?\s*\(\s*id\s+\w+\s+GENERATED\b", re.I
)
# Comments, quoted literals and identifiers, and $$ bodies are copied untouched; `?` and `?N`
# are placeholders.
_TOKENS = re.compile(
    r"--[^\n]*|\$\$.*?\$\$|'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|\?(\d*)|[^-$'\"?]+|[-$]", re.S
)


@dataclass(frozen=True, slots=True)
class Statement:
    """One SQLite statement as PostgreSQL runs it."""

    #: For psycopg with parameters (`%s`, literal `%` doubled).
    text: str
    #: For psycopg without parameters (no placeholder, `%` as written).
    plain: str
    #: For `?N` placeholders: which of the caller's parameters each `%s` takes (0-based).
    order: tuple[int, ...] | None
    #: The INSERT was given `RETURNING id`: its one row is `lastrowid`, not a result.
    returns_id: bool

    def arguments(self, params: Any) -> Any:
        # psycopg dumps a bool as boolean; the schema keeps SQLite's 0/1 integers.
        if isinstance(params, Mapping):
            return {k: int(v) if v.__class__ is bool else v for k, v in params.items()}
        if self.order is not None:
            params = tuple(params[index] for index in self.order)
        return tuple(int(p) if p.__class__ is bool else p for p in params)


_MIN_MAX = re.compile(r"\b(MIN|MAX)\s*\(", re.I)


def _scalar_min_max(text: str) -> str:
    """SQLite's `max(a, b)` (two or more arguments) is PostgreSQL's `GREATEST(a, b)`; `min`
    likewise LEAST. With one argument they are the aggregates, the same on both."""
    out, start = [], 0
    for match in _MIN_MAX.finditer(text):
        depth, quote, commas = 0, "", 0
        for char in text[match.end() :]:
            if quote:
                quote = "" if char == quote else quote
            elif char in "'\"":
                quote = char
            elif char == "(":
                depth += 1
            elif char == ")":
                if depth == 0:
                    break
                depth -= 1
            elif char == "," and depth == 0:
                commas += 1
        if commas:
            name = "GREATEST(" if match.group(1).upper() == "MAX" else "LEAST("
            out += [text[start : match.start()], name]
            start = match.end()
    return "".join(out) + text[start:]


def identity_tables(migrations: list[str]) -> frozenset[str]:
    """The tables whose `id` PostgreSQL generates, read from the PostgreSQL migrations."""
    return frozenset(name.lower() for sql in migrations for name in _IDENTITY_TABLE.findall(sql))


@lru_cache(maxsize=4096)
def translate(sql: str, identity: frozenset[str]) -> Statement:
    """SQLite's statement as PostgreSQL's (see the module docstring)."""
    ignore = _OR_IGNORE.match(sql) is not None
    if ignore:
        sql = _OR_IGNORE.sub("INSERT INTO", sql, count=1)
    pieces: list[str] = []
    order: list[int] = []
    numbered = False
    sequential = 0
    for match in _TOKENS.finditer(sql):
        token = match.group(0)
        if token.startswith(("'", '"', "--", "$$")):
            pieces.append(token)
        elif token.startswith("?"):
            if match.group(1):
                numbered = True
                order.append(int(match.group(1)) - 1)
            else:
                order.append(sequential)
                sequential += 1
            pieces.append("\0")
        else:
            for pattern, replacement in _REWRITES:
                token = pattern.sub(replacement, token)
            pieces.append(_NAMED.sub("\x01\\1\x02", token))
    text = _scalar_min_max("".join(pieces).rstrip().rstrip(";"))
    if ignore and "ON CONFLICT" not in text.upper():
        text += " ON CONFLICT DO NOTHING"
    insert = _INSERT_INTO.match(text)
    returns_id = (
        insert is not None
        and insert.group(1).lower() in identity
        and "RETURNING" not in text.upper()
    )
    if returns_id:
        text += " RETURNING id"
    return Statement(
        text=text.replace("%", "%%")
        .replace("\0", "%s")
        .replace("\x01", "%(")
        .replace("\x02", ")s"),
        plain=text.replace("\0", "%s").replace("\x01", ":").replace("\x02", ""),
        order=tuple(order) if numbered else None,
        returns_id=returns_id,
    )
