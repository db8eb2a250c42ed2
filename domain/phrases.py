"""Matching a question typed in plain words against known phrasings, accents optional."""

from __future__ import annotations

import re
from collections import defaultdict
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
    return _typos(
        [{word} | {w for w in phrase if within_one_edit(word, w)} for word in message],
        message,
        phrase,
    )


def _typos(near: Sequence[set[str]], message: Sequence[str], phrase: Sequence[str]) -> int | None:
    """`near[i]`: the known words the message's i-th word may stand for."""
    size = len(phrase)
    best: int | None = None
    first = phrase[0] if size else ""
    for start in range(len(message) - size + 1 if size else 0):
        if first not in near[start]:
            continue
        if all(phrase[k] in near[start + k] for k in range(1, size)):
            typos = sum(message[start + k] != phrase[k] for k in range(size))
            best = typos if best is None else min(best, typos)
    return best


@dataclass(frozen=True, slots=True)
class Topic:
    """One question and the phrasings that ask it, already folded into words."""

    key: str
    phrasings: tuple[tuple[str, ...], ...]


class PhraseIndex:
    """The topics with every known word indexed by itself and its one-letter deletions, so a
    typed word finds the known words one edit away without comparing it with each of them
    (the symmetric-deletion trick: two words one edit apart share a deletion)."""

    def __init__(self, topics: Iterable[Topic]) -> None:
        self.topics = list(topics)
        #: Each phrasing with its set of words: one subset test skips the phrasings the
        #: message cannot contain (most of them, for any message).
        self.phrasings = [
            [(phrasing, frozenset(phrasing)) for phrasing in topic.phrasings if phrasing]
            for topic in self.topics
        ]
        self._near: dict[str, set[str]] = defaultdict(set)
        for topic in self.topics:
            for phrasing in topic.phrasings:
                for word in phrasing:
                    self._near[word].add(word)
                    if len(word) >= TYPO_MIN_LENGTH:
                        for variant in _deletions(word):
                            self._near[variant].add(word)

    def near(self, typed: str) -> set[str]:
        """The known words `typed` may stand for (itself included when known)."""
        found = set(self._near.get(typed, ()))
        for variant in _deletions(typed):
            found |= self._near.get(variant, set())
        return {word for word in found if within_one_edit(typed, word)}


def _deletions(word: str) -> set[str]:
    return {word[:index] + word[index + 1 :] for index in range(len(word))}


def best_topic(message: str, topics: PhraseIndex | Iterable[Topic]) -> str | None:
    """The key of the topic whose phrasings the message matches most: each phrasing found
    scores two per word less one per typo, so `khi nao co ket qua` (time) outweighs
    `co ket qua`, and `bi chay` typed exactly (burnt: lost) outweighs `bi cham` (late) one
    letter away; ties go to the topic listed first. None when no phrasing is found."""
    index = topics if isinstance(topics, PhraseIndex) else PhraseIndex(topics)
    typed = words(message)
    near = [index.near(word) for word in typed]
    present = set().union(*near)
    best: tuple[int, str] | None = None
    for topic, phrasings in zip(index.topics, index.phrasings, strict=True):
        score = 0
        for phrasing, needed in phrasings:
            if not needed <= present:
                continue
            typos = _typos(near, typed, phrasing)
            if typos is not None:
                score += 2 * len(phrasing) - typos
        if score and (best is None or score > best[0]):
            best = (score, topic.key)
    return best[1] if best else None
