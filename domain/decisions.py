"""Decision numbers (số quyết định khen thưởng): the usual `số/QĐ-…` form, checked and tidied."""

from __future__ import annotations

import re
import unicodedata

#: `123/QĐ-UBND`, `45/QĐ-CTN`, `1234/QĐ-TTg`, `12/2026/QĐ-UBND`; case and the Đ's accent are
#: tolerated on input (see `normalize_decision_no`). Configurable: TDKT_DECISION_NO_PATTERN.
DEFAULT_PATTERN = r"\d{1,6}(/\d{4})?/QĐ-[A-ZĐ0-9]+(-[A-ZĐ0-9]+)*"
EXAMPLE = "123/QĐ-UBND"

_QD = re.compile(r"/\s*q\s*[dđ]\s*-\s*", re.IGNORECASE)
_SPACES_AROUND = re.compile(r"\s*([/-])\s*")
#: "Quyết định số 123/QĐ-UBND", "số 123/…": the words before the number are not part of it.
_LEAD = re.compile(r"^(?:quy[eế]t\s+[dđ][iị]nh\s+|q[dđ]\s+)?s[oố]\s*:?\s*", re.IGNORECASE)


def normalize_decision_no(text: str, pattern: str = DEFAULT_PATTERN) -> str | None:
    """The number as it is written on the decision, or None when it is not of that form.

    `123 / qd - ubnd` → `123/QĐ-UBND`; `1234/QĐ-TTg` keeps its own letters' case
    (the Prime Minister's office writes TTg). The pattern is matched ignoring case.
    """
    text = unicodedata.normalize("NFC", " ".join(text.split()))
    if not text or len(text) > 60:
        return None
    text = _LEAD.sub("", text)
    text = _SPACES_AROUND.sub(r"\1", text)
    text = _QD.sub("/QĐ-", text, count=1)
    if not re.fullmatch(pattern, text, flags=re.IGNORECASE):
        return None
    head, _, issuer = text.partition("/QĐ-")
    # Issuers are written in capitals except a few fixed forms such as TTg; keep mixed case.
    if issuer.islower():
        issuer = issuer.upper()
    return f"{head}/QĐ-{issuer}" if issuer else text
