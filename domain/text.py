"""Text helpers so Vietnamese input is accepted with or without diacritics."""

from __future__ import annotations

import unicodedata

MAX_INPUT_CHARS = 4096


def fold(text: str) -> str:
    """Lower-case, strip accents (đ → d) and collapse spaces: `Cá  Nhân` → `ca nhan`."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return " ".join(text.lower().split())
