"""Matching a question typed in plain words against known phrasings, accents optional."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from domain.text import fold

#: Words shorter than this must be typed exactly: one letter turns `mat` (lost) into `mau`
#: (form) or `phi` (fee) into `phu`, so forgiving a typo there would answer the wrong question.
TYPO_MIN_LENGTH = 4
_WORD_RE = re.compile(r"[a-z0-9]+")


def words(text: str) -> list[str]:
    """The folded words of a text: `Lệ phí bao nhiêu?` → [`le`, `phi`, `bao`, `nhieu`]."""
    return _WORD_RE.findall(fold(text))


def within_one_edit(typed: str, known: str) -> bool:
    """True when `typed` is `known` or one letter away (one added, dropped, changed, or two
    neighbours swapped); short words must match exactly."""
    if typed == known:
        return True
    if len(known) < TYPO_MIN_LENGTH or abs(len(typed) - len(known)) > 1:
        return False
    if len(typed) == len(known):
        diffs = [i for i, (a, b) in enumerate(zip(typed, known, strict=True)) if a != b]
        if len(diffs) == 1:
            return True
        first, second = diffs[0], diffs[-1]
        return (
            len(diffs) == 2
            and second == first + 1
            and typed[first] == known[second]
            and typed[second] == known[first]
        )
    shorter, longer = sorted((typed, known), key=len)
    for index in range(len(longer)):
        if longer[:index] + longer[index + 1 :] == shorter:
            return True
    return False


def phrase_typos(message: Sequence[str], phrase: Sequence[str]) -> int | None:
    """Where the phrase's words appear one after the other in the message, each within one
    edit: the fewest typos of any such place; None when they appear nowhere."""
    size = len(phrase)
    best: int | None = None
    for start in range(len(message) - size + 1 if size else 0):
        typos = 0
        for typed, known in zip(message[start : start + size], phrase, strict=True):
            if typed != known:
                if not within_one_edit(typed, known):
                    break
                typos += 1
        else:
            best = typos if best is None else min(best, typos)
    return best


@dataclass(frozen=True, slots=True)
class Topic:
    """One question and the phrasings that ask it, already folded into words."""

    key: str
    phrasings: tuple[tuple[str, ...], ...]


def best_topic(message: str, topics: Iterable[Topic]) -> str | None:
    """The key of the topic whose phrasings the message matches most: each phrasing found
    scores two per word less one per typo, so `khi nao co ket qua` (time) outweighs
    `co ket qua`, and `bi chay` typed exactly (burnt: lost) outweighs `bi cham` (late) one
    letter away; ties go to the topic listed first. None when no phrasing is found."""
    typed = words(message)
    best: tuple[int, str] | None = None
    for topic in topics:
        score = 0
        for phrasing in topic.phrasings:
            typos = phrase_typos(typed, phrasing)
            if typos is not None:
                score += 2 * len(phrasing) - typos
        if score and (best is None or score > best[0]):
            best = (score, topic.key)
    return best[1] if best else None
