"""Dossier statuses (trạng thái hồ sơ), their Vietnamese labels and what counts as resolved."""

from __future__ import annotations

import re
from enum import StrEnum
from functools import lru_cache

from domain.text import fold


class Status(StrEnum):
    received = "received"
    in_review = "in_review"
    needs_supplement = "needs_supplement"
    passed = "passed"
    rejected = "rejected"
    decided = "decided"
    returned = "returned"
    withdrawn = "withdrawn"
    stopped = "stopped"

    @property
    def label(self) -> str:
        return LABELS[self]

    @property
    def portal_code(self) -> int:
        """The national public-service portal's state (trạng thái trên Cổng DVC), 1–10."""
        return PORTAL_OF[self]

    @property
    def portal_label(self) -> str:
        return PORTAL_LABELS[PORTAL_OF[self]]

    @property
    def citizen_label(self) -> str:
        """The portal's word first, our finer step in brackets when it says more."""
        portal = self.portal_label
        return portal if portal == self.label else f"{portal} ({self.label})"


LABELS: dict[Status, str] = {
    Status.received: "Đã tiếp nhận",
    Status.in_review: "Đang thẩm định",
    Status.needs_supplement: "Yêu cầu bổ sung hồ sơ",
    Status.passed: "Thẩm định đạt — trình cấp có thẩm quyền",
    Status.rejected: "Không đạt",
    Status.decided: "Đã có quyết định khen thưởng",
    Status.returned: "Đã trả kết quả",
    Status.withdrawn: "Đã rút hồ sơ",
    Status.stopped: "Dừng xử lý",
}

#: The national public-service portal's ten dossier states (Cổng Dịch vụ công quốc gia).
PORTAL_LABELS: dict[int, str] = {
    1: "Mới đăng ký",
    2: "Được tiếp nhận",
    3: "Không được tiếp nhận",
    4: "Đang xử lý",
    5: "Yêu cầu bổ sung giấy tờ",
    6: "Yêu cầu thực hiện nghĩa vụ tài chính",
    7: "Công dân yêu cầu rút hồ sơ",
    8: "Dừng xử lý",
    9: "Đã xử lý xong",
    10: "Đã trả kết quả",
}
PORTAL_OF: dict[Status, int] = {
    Status.received: 2,
    Status.in_review: 4,
    Status.needs_supplement: 5,
    Status.passed: 4,
    Status.rejected: 9,
    Status.decided: 9,
    Status.returned: 10,
    Status.withdrawn: 7,
    Status.stopped: 8,
}
#: A portal state read by the import → our status. 9 (Đã xử lý xong) is decided with a
#: decision number, else unknown (passed or failed?); 1, 3 and 6 have no equivalent: the
#: dossier was never received (1 registered online only, 3 refused at the desk) or the state
#: does not exist for commendation (6, awards carry no fee). The import refuses those lines.
FROM_PORTAL: dict[int, Status | None] = {
    1: None,
    2: Status.received,
    3: None,
    4: Status.in_review,
    5: Status.needs_supplement,
    6: None,
    7: Status.withdrawn,
    8: Status.stopped,
    9: None,
    10: Status.returned,
}

#: Reaching one of these resolves the dossier (giải quyết); the resolved date is then set.
RESOLVED = frozenset({Status.passed, Status.rejected, Status.decided, Status.returned})
#: Counted as "thẩm định đạt" in the report.
PASSED_APPRAISAL = frozenset({Status.passed, Status.decided, Status.returned})
#: No longer handled by the board: no deadline, no reminders.
FINISHED = RESOLVED | {Status.withdrawn, Status.stopped}

_BY_FOLDED = {fold(label): status for status, label in LABELS.items()}
# The em dash label is also typed with a hyphen or without the second half.
_BY_FOLDED.update({fold(label.split(" — ")[0]): status for status, label in LABELS.items()})


# Imports ask this for every row with a handful of distinct labels; folding is the slow part.
@lru_cache(maxsize=1024)
def parse_status(text: str) -> Status | None:
    """A status from its key (`in_review`) or its Vietnamese label, accents optional."""
    key = text.strip().lower()
    if key in Status.__members__:
        return Status(key)
    folded = fold(text.replace("-", "—").replace("–", "—"))
    return _BY_FOLDED.get(folded) or _BY_FOLDED.get(fold(text))


_PORTAL_BY_FOLDED = {fold(label): code for code, label in PORTAL_LABELS.items()}
_PORTAL_PREFIX = re.compile(r"\s*(\d{1,2})\s*(?:[.:)\-–—]\s*)?(.*)")


@lru_cache(maxsize=1024)
def parse_portal_state(text: str) -> int | None:
    """A portal state from its code (`4`), its label (`Đang xử lý`, accents optional) or both
    (`4 - Đang xử lý`); None when it is neither or the two disagree."""
    match = _PORTAL_PREFIX.fullmatch(text)
    if match is not None:
        code = int(match[1])
        if code not in PORTAL_LABELS:
            return None
        rest = match[2].strip()
        return code if not rest or _PORTAL_BY_FOLDED.get(fold(rest)) == code else None
    return _PORTAL_BY_FOLDED.get(fold(text))


def status_from_portal(code: int, decision_no: str | None = None) -> Status | None:
    """Our status for a portal state; 9 (Đã xử lý xong) needs a decision number to mean decided."""
    if code == 9:
        return Status.decided if decision_no else None
    return FROM_PORTAL.get(code)
