"""Text helpers so Vietnamese input is accepted with or without diacritics."""

from __future__ import annotations

import unicodedata

MAX_INPUT_CHARS = 4096


def fold(text: str) -> str:
    """Lower-case, strip accents (đ → d) and collapse spaces: `Cá  Nhân` → `ca nhan`."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return " ".join(text.lower().split())


def normalize_input(text: str) -> str:
    """What a person typed, as the bot compares it: NFKC, then every decimal digit as ASCII.

    NFKC folds full-width forms (`５６７８`, `Ｈ０１`); digits of other scripts (Arabic-Indic
    `٥٦٧٨`, Khmer `៥៦៧៨`, …) are the same digits to the person who typed them, and the second
    factor and dossier codes compare ASCII digits only (issue 23 item 4).
    """
    text = unicodedata.normalize("NFKC", text)
    if text.isascii():
        return text
    return "".join(_ascii_digit(ch) for ch in text)


def _ascii_digit(ch: str) -> str:
    value = unicodedata.decimal(ch, None)
    return ch if value is None else str(value)
