"""The board's steps on a submission (xử lý tờ trình): each step's limit and the council's vote."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from domain.calendar import WorkCalendar


class Step(StrEnum):
    """Where a row of a submission waits; its label is what staff read."""

    check = "check"  # kiểm tra, trả lại trong hạn
    returned = "returned"  # trả lại, chờ đơn vị nộp lại
    council = "council"  # chờ Hội đồng xét
    decision = "decision"  # Hội đồng đã thông qua, chờ quyết định
    done = "done"  # đã có quyết định, hoặc không được thông qua


@dataclass(frozen=True, slots=True)
class VoteThreshold:
    """The share of ALL the council's members that must vote for (tỷ lệ phiếu đồng ý).

    `strict`: more than `percent` (a simple majority is 50, strict); otherwise at least it.
    """

    percent: int
    strict: bool
    source: str

    def passes(self, votes_for: int, members: int) -> bool:
        if members <= 0 or not 0 <= votes_for <= members:
            raise ValueError("votes for must be between 0 and the number of members")
        share, needed = votes_for * 100, self.percent * members
        return share > needed if self.strict else share >= needed


def share_text(votes_for: int, members: int) -> str:
    """`9/10 (90%)`: the figure as the minutes write it, rounded down to a whole percent."""
    return f"{votes_for}/{members} ({votes_for * 100 // members}%)"


@dataclass(frozen=True, slots=True)
class StepLimits:
    """Working days allowed per step; the council's own limit is the award's processing time."""

    return_days: int
    council_to_decision_days: int
    remind_before_resubmit: int


def return_due(submitted_on: date, limits: StepLimits, calendar: WorkCalendar) -> date:
    """Last day to return an incomplete or ineligible row (counting starts the next day)."""
    return calendar.add_working_days(submitted_on, limits.return_days)


def decision_due(council_on: date, limits: StepLimits, calendar: WorkCalendar) -> date:
    return calendar.add_working_days(council_on, limits.council_to_decision_days)


def resubmit_reminder_on(resubmit_by: date, limits: StepLimits, calendar: WorkCalendar) -> date:
    """The working day `remind_before_resubmit` working days before the resubmission date."""
    day, remaining = resubmit_by, limits.remind_before_resubmit
    while remaining > 0:
        day = date.fromordinal(day.toordinal() - 1)
        if calendar.is_working_day(day):
            remaining -= 1
    return day


def days_left(today: date, due: date, calendar: WorkCalendar) -> int:
    """Working days left until `due` (0 on the day), negative working days once past it."""
    if today <= due:
        return calendar.working_days_between(today, due)
    return -max(calendar.working_days_between(due, today), 1)
