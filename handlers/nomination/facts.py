"""The chat's answer about achievements (`HTXS: 2024, 2025; Sáng kiến: 2`) read into the same
facts the unit's list has, so `/denghi` and the list give the same verdict."""

from __future__ import annotations

import re

from domain.text import fold
from handlers.nomination.fields import AnswerError
from handlers.texts import nomination as t

#: Folded words that name each fact; the short label of FACT_LABELS is always one of them.
_KEYS = {
    "htxs": "excellent_years",
    "hoan thanh xuat sac": "excellent_years",
    "hoan thanh xuat sac nhiem vu": "excellent_years",
    "ldtt": "advanced_years",
    "lao dong tien tien": "advanced_years",
    "cstdcs": "base_emulation_years",
    "chien si thi dua co so": "base_emulation_years",
    "sang kien": "initiatives",
    "de tai": "initiatives",
    "sang kien, de tai": "initiatives",
    "khen thuong": "prior_awards",
    "khen thuong da nhan": "prior_awards",
    "ky luat": "disciplined",
    "dang bi ky luat": "disciplined",
}


def parse_facts(text: str) -> dict[str, str]:
    """`KEY: value` items, one per line or separated by `;` (prior awards keep theirs by `,`)."""
    values: dict[str, str] = {}
    for part in re.split(r"\n|;(?=\s*[^\d;]+:)", text):
        part = part.strip()
        if not part:
            continue
        key, sep, value = part.partition(":")
        name = _KEYS.get(fold(key))
        if not sep or name is None:
            raise AnswerError(t.FACTS_UNKNOWN_KEY.format(text=part[:40]))
        value = " ".join(value.split())
        values[name] = (values[name] + "; " + value) if name in values else value
    if not values:
        raise AnswerError(t.FACTS_UNKNOWN_KEY.format(text=text[:40]))
    return values
