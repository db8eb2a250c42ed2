"""Emulation movements and thematic topics (phong trào, chuyên đề thi đua), from TOML.

A nomination may name one of them; the list is configuration (TDKT_MOVEMENTS_FILE).
"""

from __future__ import annotations

import tomllib
from enum import StrEnum
from functools import cache
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError

from domain.text import fold

#: A Telegram button shows at most 64 characters, and the name is a button's label.
NAME_LIMIT = 64


class MovementKind(StrEnum):
    movement = "movement"  # phong trào thi đua
    topic = "topic"  # chuyên đề thi đua


class Movement(BaseModel):
    """One emulation movement or thematic topic."""

    code: str = Field(min_length=1, max_length=12, pattern=r"^[A-Z0-9]+$")
    name: str = Field(min_length=1, max_length=NAME_LIMIT)
    kind: MovementKind = MovementKind.movement
    launched_by: str = ""


class MovementsError(Exception):
    """The movements file is missing, unreadable or invalid."""


class MovementList:
    """The configured movements in file order, found by code or by name (accents optional)."""

    def __init__(self, movements: list[Movement]) -> None:
        self.movements = list(movements)
        self._by_code = {item.code: item for item in movements}
        self._by_name = {fold(item.name): item for item in movements}
        if len(self._by_code) != len(movements):
            raise MovementsError("duplicate movement code")

    def get(self, code: str) -> Movement | None:
        return self._by_code.get(code.strip().upper())

    def find(self, code_or_name: str) -> Movement | None:
        return self.get(code_or_name) or self._by_name.get(fold(code_or_name))

    def name_of(self, code: str) -> str:
        item = self.get(code)
        return item.name if item else code


def load_movements(path: Path) -> MovementList:
    """Read and validate the movements file; every problem is one line."""
    items: list[Movement] = []
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        for item in data.get("movement", []):
            items.append(Movement.model_validate(item))
        return MovementList(items)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(map(str, error['loc']))}: {error['msg']}" for error in exc.errors()
        )
        raise MovementsError(f"{path}: [[movement]] #{len(items) + 1}: {problems}") from None
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise MovementsError(f"{path}: {exc}") from exc


@cache
def movements_from(path: Path) -> MovementList:
    """The list of `path`, read once per process (the settings validated it at start)."""
    return load_movements(path)
