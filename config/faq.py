"""The citizen's common questions and their answers (hỏi đáp), loaded from config/faq.toml."""

from __future__ import annotations

import tomllib
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError

from domain.phrases import PhraseIndex, Topic, words


class FaqEntry(BaseModel):
    """One question: its short title in the menu, the phrasings that ask it, the answer,
    the next step and the legal source the answer rests on."""

    key: str = Field(min_length=1, max_length=40, pattern=r"^[a-z0-9_]+$")
    title: str = Field(min_length=1, max_length=80)
    phrasings: list[str] = Field(min_length=1)
    answer: str = Field(min_length=1)
    next_step: str = ""
    source: str = Field(min_length=1)

    def topic(self) -> Topic:
        return Topic(self.key, tuple(tuple(words(p)) for p in self.phrasings if words(p)))


class FaqError(Exception):
    """The questions file is missing, unreadable or invalid."""


class Faq:
    """The questions in the board's order (the menu's order)."""

    def __init__(self, entries: list[FaqEntry]) -> None:
        self.entries = list(entries)
        self._by_key = {entry.key: entry for entry in entries}
        if len(self._by_key) != len(entries):
            raise FaqError("duplicate question key in the questions file")
        self.topics = [entry.topic() for entry in entries]
        self.index = PhraseIndex(self.topics)

    def get(self, key: str) -> FaqEntry | None:
        return self._by_key.get(key)


def load_faq(path: Path) -> Faq:
    """Read and validate the questions file; one line names what is wrong."""
    entries: list[FaqEntry] = []
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        for item in data.get("question", []):
            entries.append(FaqEntry.model_validate(item))
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(map(str, error['loc']))}: {error['msg']}" for error in exc.errors()
        )
        raise FaqError(f"{path}: [[question]] #{len(entries) + 1}: {problems}") from None
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise FaqError(f"{path}: {exc}") from exc
    if not entries:
        raise FaqError(f"{path}: no [[question]] entries")
    return Faq(entries)
