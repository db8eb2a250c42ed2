"""Dossier statuses (trạng thái hồ sơ), their Vietnamese labels and what counts as resolved."""

from __future__ import annotations

from enum import StrEnum
from functools import lru_cache

from handlers.domain.text import fold


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
