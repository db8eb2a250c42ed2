"""The transition table (bảng chuyển trạng thái): moves, reachability, resolved date, pause."""

from __future__ import annotations

from datetime import date
from itertools import product

import pytest

from domain.calendar import WorkCalendar
from domain.statuses import FINISHED, RESOLVED, Status
from domain.transitions import (
    MOVES,
    NOTE_REQUIRED,
    can_move,
    can_reach,
    due_on_after_supplement,
    resolved_on_after,
)
from handlers.actions.dossier_status import change_status
from handlers.services import Services
from tests.conftest import MovableClock
from tests.handlers.test_status_update import seed_dossier

S = Status
#: The table as the board works (written out by hand, independently of the code's MOVES).
EXPECTED: dict[Status, set[Status]] = {
    S.received: {S.in_review, S.needs_supplement, S.rejected, S.withdrawn, S.stopped},
    S.in_review: {S.needs_supplement, S.passed, S.rejected, S.withdrawn, S.stopped},
    S.needs_supplement: {S.in_review, S.rejected, S.withdrawn, S.stopped},
    S.passed: {S.decided, S.rejected},
    S.decided: {S.returned},
    S.rejected: set(),
    S.returned: set(),
    S.withdrawn: set(),
    S.stopped: set(),
}
FINAL = (S.returned, S.rejected, S.withdrawn, S.stopped)


@pytest.mark.parametrize(("current", "target"), list(product(Status, Status)))
def test_every_pair(current: Status, target: Status) -> None:
    assert can_move(current, target) is (target in EXPECTED[current])


def test_table_covers_every_status_and_no_self_moves() -> None:
    assert set(MOVES) == set(Status)
    for status, targets in MOVES.items():
        assert status not in targets


@pytest.mark.parametrize("final", FINAL)
def test_nothing_leaves_a_final_status(final: Status) -> None:
    assert not MOVES[final]
    assert [s for s in Status if can_move(final, s)] == []
    assert [s for s in Status if s != final and can_reach(final, s)] == []


def test_every_open_status_can_still_be_finished() -> None:
    for status in Status:
        if status not in FINISHED:
            assert any(can_reach(status, end) for end in FINAL), status


def test_returned_only_after_a_decision() -> None:
    assert [s for s in Status if can_move(s, S.returned)] == [S.decided]


def test_required_notes() -> None:
    assert NOTE_REQUIRED == {S.needs_supplement, S.rejected, S.decided}


@pytest.mark.parametrize(
    ("current", "target", "reachable"),
    [
        (S.received, S.returned, True),  # in_review → passed → decided → returned
        (S.received, S.decided, True),
        (S.needs_supplement, S.decided, True),
        (S.in_review, S.in_review, True),  # an import that repeats the status
        (S.passed, S.returned, True),
        (S.returned, S.received, False),
        (S.passed, S.in_review, False),
        (S.decided, S.rejected, False),
        (S.rejected, S.passed, False),
        (S.withdrawn, S.in_review, False),
        (S.stopped, S.received, False),
        (S.decided, S.needs_supplement, False),
    ],
)
def test_can_reach_for_imports(current: Status, target: Status, reachable: bool) -> None:
    assert can_reach(current, target) is reachable


def test_can_reach_is_the_closure_of_the_moves() -> None:
    for current, target in product(Status, Status):
        if can_move(current, target):
            assert can_reach(current, target)
        # Transitivity: anything reachable from a reachable status is reachable.
        if can_reach(current, target):
            for beyond in Status:
                if can_reach(target, beyond):
                    assert can_reach(current, beyond), (current, target, beyond)


TODAY = date(2026, 11, 25)


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (S.in_review, S.passed),
        (S.in_review, S.rejected),
        (S.received, S.rejected),
        (S.needs_supplement, S.rejected),
    ],
)
def test_resolved_date_set_on_first_resolution(current: Status, target: Status) -> None:
    assert target in RESOLVED and current not in RESOLVED
    assert resolved_on_after(current, target, None, TODAY) == TODAY


def test_resolved_date_given_by_an_import_is_kept() -> None:
    given = date(2026, 10, 30)
    assert resolved_on_after(S.received, S.decided, given, TODAY) == given


def test_resolved_date_is_kept_afterwards() -> None:
    first = date(2026, 11, 2)
    assert resolved_on_after(S.passed, S.decided, first, TODAY) == first
    assert resolved_on_after(S.decided, S.returned, first, TODAY) == first
    assert resolved_on_after(S.passed, S.rejected, first, TODAY) == first


def test_no_resolved_date_for_unresolved_targets() -> None:
    for target in (S.in_review, S.needs_supplement, S.withdrawn, S.stopped):
        assert resolved_on_after(S.received, target, None, TODAY) is None


def test_supplement_pause_pushes_due_date_by_working_days_waited(
    services: Services,
) -> None:
    calendar = services.calendar
    # Wed 25 Nov → Wed 2 Dec 2026: 26, 27, 30 Nov, 1, 2 Dec = 5 working days.
    pushed = due_on_after_supplement(date(2026, 12, 28), TODAY, date(2026, 12, 2), calendar)
    # 29, 30, 31 Dec, (1 Jan holiday, weekend), 4, 5 Jan.
    assert pushed == date(2027, 1, 5)


def test_supplement_pause_edges() -> None:
    calendar = WorkCalendar()
    due = date(2026, 12, 28)
    assert due_on_after_supplement(due, None, TODAY, calendar) == due
    assert due_on_after_supplement(due, TODAY, TODAY, calendar) == due
    # Fri 27 Nov → Mon 30 Nov: the weekend does not count, one working day.
    assert due_on_after_supplement(due, date(2026, 11, 27), date(2026, 11, 30), calendar) == (
        date(2026, 12, 29)
    )


async def test_resolved_date_through_status_changes(
    services: Services, clock: MovableClock
) -> None:
    dossier = await seed_dossier(services, status=S.in_review)
    change = await change_status(services, dossier, S.passed, None, "console:off1")
    assert change.applied
    assert change.dossier.resolved_on == TODAY
    clock.advance(days=6)
    change = await change_status(
        services, change.dossier, S.decided, "1234/QĐ-UBND", "console:off1"
    )
    assert change.dossier.resolved_on == TODAY
    assert change.dossier.decision_no == "1234/QĐ-UBND"
    clock.advance(days=3)
    change = await change_status(services, change.dossier, S.returned, None, "console:off1")
    assert change.dossier.resolved_on == TODAY
    assert change.dossier.decision_no == "1234/QĐ-UBND"


async def test_supplement_pause_through_status_changes(
    services: Services, clock: MovableClock
) -> None:
    dossier = await seed_dossier(services, status=S.in_review, due_on=date(2026, 12, 28))
    asked = await change_status(
        services, dossier, S.needs_supplement, "Thiếu biên bản họp", "console:off1"
    )
    assert asked.dossier.supplement_since == TODAY
    assert asked.dossier.due_on == date(2026, 12, 28)
    clock.advance(days=7)  # Wed 2 Dec: five working days later
    resumed = await change_status(services, asked.dossier, S.in_review, None, "console:off1")
    assert resumed.dossier.due_on == date(2027, 1, 5)
    assert resumed.dossier.supplement_since is None
    assert resumed.dossier.resolved_on is None
    # A second pause counts only its own days.
    again = await change_status(
        services, resumed.dossier, S.needs_supplement, "Thiếu ảnh", "console:off1"
    )
    clock.advance(days=1)  # Thu 3 Dec
    done = await change_status(services, again.dossier, S.rejected, "Không đủ", "x:1")
    assert done.dossier.due_on == date(2027, 1, 6)
    assert done.dossier.resolved_on == date(2026, 12, 3)
