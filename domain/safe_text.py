"""Text that is safe to store and to hand to a spreadsheet: poison characters out, formulas off.

- `clean_text`: control characters (NUL, ESC sequences' ESC, …), bidi overrides and isolates
  (U+202A–202E, U+2066–2069, and the marks U+200E, U+200F, U+061C) and lone surrogates are
  removed from names and notes, typed in chat or imported; a U+202E could otherwise show
  "gpj.exe" as "exe.jpg" to an officer.
- `escape_formula` / `unescape_formula`: a CSV cell starting with `=`, `+`, `-`, `@`, a tab or
  a carriage return is a formula to Excel and LibreOffice (CSV injection); it gets a leading
  `'`, and the import strips exactly that `'` again, so an export imports back unchanged.
- `scrub_surrogates`: lone surrogates (valid in JSON's `\\ud800`, not in UTF-8) replaced by
  U+FFFD in a parsed JSON value, so an update carrying one can be stored.
"""

from __future__ import annotations

import re
from typing import Any

#: Bidi embeddings, overrides and isolates, and the invisible direction marks.
_BIDI = "\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c"
_SURROGATES = "\ud800-\udfff"
#: C0 and C1 control characters and DEL.
_CONTROLS = "\x00-\x1f\x7f-\x9f"
_POISON_LINE = re.compile(f"[{_CONTROLS}{_BIDI}{_SURROGATES}]")
#: The same, keeping the line feed.
_POISON_MULTILINE = re.compile(f"[\x00-\x09\x0b-\x1f\x7f-\x9f{_BIDI}{_SURROGATES}]")
_SURROGATE = re.compile(f"[{_SURROGATES}]")
#: A terminal escape sequence (CSI: colours, cursor moves; OSC: window titles) goes as a
#: whole, not only its ESC.
_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-_]")

#: What makes a spreadsheet read a cell as a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


#: Anything `clean_text` would change (a tab or a line break included).
POISON = re.compile(f"[{_CONTROLS}{_BIDI}{_SURROGATES}]")


def needs_cleaning(text: str) -> bool:
    """Whether `clean_text` could change `text`: one scan, so clean rows cost next to nothing."""
    return POISON.search(text) is not None


def strip_escape_sequences(text: str) -> str:
    """Terminal escape sequences (`ESC[31m`…) removed whole."""
    return _ANSI.sub("", text) if "\x1b" in text else text


def clean_text(text: str, *, multiline: bool = False) -> str:
    """`text` without control, bidi-override or surrogate characters.

    Tabs become spaces; with `multiline` line breaks stay (as `\\n`), otherwise they become
    spaces too, so a name is always one line.
    """
    text = strip_escape_sequences(text).replace("\r\n", "\n").replace("\t", " ")
    if not multiline:
        text = text.replace("\n", " ").replace("\r", " ")
        return _POISON_LINE.sub("", text)
    return _POISON_MULTILINE.sub("", text.replace("\r", "\n"))


def escape_formula(value: str) -> str:
    """`'` before a cell a spreadsheet would run as a formula.

    Leading apostrophes are looked through, so that a value that really starts with `'=`
    gets one more and the import's `unescape_formula` gives it back exactly.
    """
    return "'" + value if value.lstrip("'")[:1] in FORMULA_STARTS and value else value


def unescape_formula(value: str) -> str:
    """The inverse of `escape_formula`: drops exactly the `'` it added, nothing else."""
    if value.startswith("'") and value.lstrip("'")[:1] in FORMULA_STARTS:
        return value[1:]
    return value


def scrub_surrogates(value: Any) -> Any:
    """A parsed JSON value with every lone surrogate in its strings (and keys) replaced."""
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value) if _SURROGATE.search(value) else value
    if isinstance(value, dict):
        return {scrub_surrogates(key): scrub_surrogates(item) for key, item in value.items()}
    if isinstance(value, list):
        return [scrub_surrogates(item) for item in value]
    return value
