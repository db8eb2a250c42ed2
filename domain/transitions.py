"""Which status moves are allowed (bảng chuyển trạng thái) and what a move does to the dates."""

from __future__ import annotations

from datetime import date

from domain.calendar import WorkCalendar
from domain.statuses import RESOLVED, Status

S = Status
#: Moves an officer may make in one step. Nothing leaves returned, rejected, withdrawn or
#: stopped: a refusal is the dossier's result, and the other three are final by nature.
MOVES: dict[Status, frozenset[Status]] = {
    S.received: frozenset({S.in_review, S.needs_supplement, S.rejected, S.withdrawn, S.stopped}),
    S.in_review: frozenset({S.needs_supplement, S.passed, S.rejected, S.withdrawn, S.stopped}),
    S.needs_supplement: frozenset({S.in_review, S.rejected, S.withdrawn, S.stopped}),
    S.passed: frozenset({S.decided, S.rejected}),
    S.decided: frozenset({S.returned}),
    S.rejected: frozenset(),
    S.returned: frozenset(),
    S.withdrawn: frozenset(),
    S.stopped: frozenset(),
}
#: A note is required for these targets: what to supplement, the reason, the decision number.
NOTE_REQUIRED = frozenset({S.needs_supplement, S.rejected, S.decided})


def can_move(current: Status, target: Status) -> bool:
    return target in MOVES[current]


def can_reach(current: Status, target: Status) -> bool:
    """Whether a snapshot (an import) may show `target` after `current`: a path exists."""
    if current == target:
        return True
    seen, frontier = {current}, [current]
    while frontier:
        for nxt in MOVES[frontier.pop()]:
            if nxt == target:
                return True
            if nxt not in seen:
                seen.add(nxt)
                frontier.append(nxt)
    return False


def resolved_on_after(
    current: Status, target: Status, resolved_on: date | None, today: date
) -> date | None:
    """The resolved date is set when the dossier first becomes resolved and then kept."""
    if target in RESOLVED and current not in RESOLVED:
        return resolved_on or today
    return resolved_on


def due_on_after_supplement(
    due_on: date, supplement_since: date | None, today: date, calendar: WorkCalendar
) -> date:
    """Leaving needs_supplement pushes the due date by the working days spent waiting."""
    if supplement_since is None:
        return due_on
    paused = calendar.working_days_between(supplement_since, today)
    return calendar.add_working_days(due_on, paused) if paused > 0 else due_on


#: The one-stop rule (cơ chế một cửa): a dossier is sent back for supplements once; a second
#: request needs a leader's explicit override.
SUPPLEMENT_REQUESTS_ALLOWED = 1


def supplement_refused(target: Status, earlier_requests: int, *, override: bool) -> bool:
    """Whether a move to needs_supplement breaks the one-request rule without an override."""
    return (
        target is S.needs_supplement
        and earlier_requests >= SUPPLEMENT_REQUESTS_ALLOWED
        and not override
    )
