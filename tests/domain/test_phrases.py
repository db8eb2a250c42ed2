"""Matching plain-word questions: accents optional, one typo in longer words, best phrasing."""

from __future__ import annotations

import pytest

from domain.phrases import Topic, best_topic, phrase_typos, within_one_edit, words


def test_words_fold_accents_and_punctuation() -> None:
    assert words("Lệ phí  bao nhiêu?!") == ["le", "phi", "bao", "nhieu"]
    assert words("ĐỊA CHỈ, ở đâu") == ["dia", "chi", "o", "dau"]


@pytest.mark.parametrize(
    ("typed", "known", "expected"),
    [
        ("giay", "giay", True),
        ("giays", "giay", True),  # one letter added
        ("gay", "giay", True),  # one dropped
        ("giey", "giay", True),  # one changed
        ("igay", "giay", True),  # neighbours swapped
        ("gyai", "giay", False),  # two changes
        ("mau", "mat", False),  # short words exactly: "form" is not "lost"
        ("phu", "phi", False),
        ("khieu", "khieu", True),
        ("khiue", "khieu", True),
        ("khong", "hong", True),  # why the questions file avoids a bare "hong"
    ],
)
def test_within_one_edit(typed: str, known: str, expected: bool) -> None:
    assert within_one_edit(typed, known) is expected


def test_phrase_needs_its_words_in_a_row() -> None:
    message = words("nộp hồ sơ ở đâu")
    assert phrase_typos(message, ("nop", "ho", "so", "o", "dau")) == 0
    assert phrase_typos(message, ("nop", "o", "dau")) is None
    assert phrase_typos(words("nop ho soo o dau"), ("nop", "ho", "so", "o", "dau")) is None
    assert phrase_typos(words("thoi gain giai quyet"), ("thoi", "gian", "giai", "quyet")) == 1


def test_longer_and_exact_phrasings_win_ties_go_first() -> None:
    time = Topic("time", (("khi", "nao", "co", "ket", "qua"),))
    late = Topic("late", (("co", "ket", "qua"), ("bi", "cham")))
    lost = Topic("lost", (("bi", "chay"),))
    assert best_topic("khi nào có kết quả", [late, time]) == "time"
    assert best_topic("bằng khen bị cháy", [late, lost]) == "lost"
    assert best_topic("hồ sơ bị chậm", [late, lost]) == "late"
    assert best_topic("có kết quả", [late, Topic("other", (("co", "ket", "qua"),))]) == "late"
    assert best_topic("xin chào", [time, late, lost]) is None
