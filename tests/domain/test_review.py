"""Each step's limit across Tết Bính Ngọ and the 2026 swap days; the council's thresholds."""

from __future__ import annotations

from datetime import date

import pytest

from config.settings import Settings
from domain.calendar import WorkCalendar
from domain.review import (
    StepLimits,
    VoteThreshold,
    days_left,
    decision_due,
    resubmit_reminder_on,
    return_due,
    share_text,
)

LIMITS = StepLimits(return_days=5, council_to_decision_days=10, remind_before_resubmit=2)


@pytest.fixture(scope="module")
def calendar() -> WorkCalendar:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    return WorkCalendar.from_file(
        settings.holidays_file,
        culture_day=settings.culture_day,
        office_end=settings.office_hours_end,
    )


def test_every_step_limit_crosses_tet(calendar: WorkCalendar) -> None:
    # Tết Bính Ngọ: Sat 14/02 to Sun 22/02/2026 off.
    assert return_due(date(2026, 2, 11), LIMITS, calendar) == date(2026, 2, 25)
    # The council's limit is the award's processing time: 20 working days (Decision 638).
    assert calendar.add_working_days(date(2026, 2, 10), 20) == date(2026, 3, 17)
    assert decision_due(date(2026, 2, 12), LIMITS, calendar) == date(2026, 3, 5)
    # Reminded two working days before Tue 24/02: Mon 23/02, then Fri 13/02 before Tết.
    assert resubmit_reminder_on(date(2026, 2, 24), LIMITS, calendar) == date(2026, 2, 13)
    assert days_left(date(2026, 2, 13), date(2026, 2, 24), calendar) == 2
    assert days_left(date(2026, 2, 26), date(2026, 2, 24), calendar) == -2


def test_the_2026_swap_days_count(calendar: WorkCalendar) -> None:
    # Fri 02/01/2026 off, Sat 10/01/2026 worked instead.
    assert return_due(date(2026, 1, 6), LIMITS, calendar) == date(2026, 1, 12)
    assert return_due(date(2025, 12, 31), LIMITS, calendar) == date(2026, 1, 9)
    assert resubmit_reminder_on(date(2026, 1, 12), LIMITS, calendar) == date(2026, 1, 9)


def test_thresholds_count_all_members() -> None:
    ninety = VoteThreshold(90, strict=False, source="x")
    assert ninety.passes(9, 10) and not ninety.passes(8, 10)
    assert not ninety.passes(26, 29)  # 89.6%
    assert ninety.passes(27, 30)
    majority = VoteThreshold(50, strict=True, source="x")
    assert majority.passes(6, 11) and not majority.passes(5, 10) and majority.passes(6, 10)
    with pytest.raises(ValueError):
        ninety.passes(11, 10)
    assert share_text(8, 10) == "8/10 (80%)"
