"""Plain-word questions (issue 26.2): matching one message against config/faq.toml.

Every text that is neither a command nor a dossier code goes through the matcher, so its
cost per message is measured beside a baseline in the same run: folding the same message
(`domain.text.fold`, what any text handler pays at least). 40 real phrasings, medians of
five runs of 200 passes each.
"""

from __future__ import annotations

import time
from typing import Any

from bench.report import median, result
from config.faq import load_faq
from config.settings import CONFIG_DIR
from domain.phrases import best_topic
from domain.text import fold
from tests.handlers.test_faq import PHRASINGS

PASSES = 200
RUNS = 5


def _per_message(work: Any, messages: list[str]) -> float:
    start = time.perf_counter()
    for _ in range(PASSES):
        for message in messages:
            work(message)
    return (time.perf_counter() - start) / (PASSES * len(messages)) * 1e6


def main() -> list[dict[str, Any]]:
    topics = load_faq(CONFIG_DIR / "faq.toml").index
    messages = [text for text, _key in PHRASINGS]
    matched = [
        _per_message(lambda message: best_topic(message, topics), messages) for _ in range(RUNS)
    ]
    folded = [_per_message(fold, messages) for _ in range(RUNS)]
    return [
        result("faq: match one message (40 phrasings)", median(matched), "µs"),
        result("faq: baseline, fold the same message", median(folded), "µs"),
    ]


if __name__ == "__main__":
    for row in main():
        print(row)
