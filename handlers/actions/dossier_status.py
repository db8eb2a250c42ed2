"""A dossier changes status (chuyển trạng thái hồ sơ): the one place that checks, writes and tells.

`change_status_bulk` moves several dossiers to one status in one transaction: for each it reads
the row once, checks the move (domain/transitions.py), works out the dates the move implies,
writes the row and its history row, and queues the followers' chat notices and the ZNS notice
in the outbox (dedupe key: dossier, history row, chat). `change_status` is the bulk of one. A
dossier another officer moved since it was shown is left alone and reported, not overwritten.
`fix_decision` corrects a decision number the same way (history row and notices).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date

import aiosqlite

from db.dossiers import active_followers, enqueue_status_notices, read_for_change, write_change
from db.models import Dossier, HistoryEntry, instant_to_db
from db.supplements import close_request, open_request
from domain.decisions import EXAMPLE as DECISION_EXAMPLE
from domain.decisions import normalize_decision_no
from domain.statuses import Status
from domain.transitions import (
    NOTE_REQUIRED,
    can_move,
    due_on_after_supplement,
    resolved_on_after,
)
from handlers.delivery import notices_line
from handlers.messages import Reply
from handlers.notices import status_notice
from handlers.services import Services
from handlers.texts import casework as tw
from handlers.texts import newuser as tn
from handlers.texts import status as t

#: The longest note a change keeps (followers read it word for word).
NOTE_LIMIT = 1000


@dataclass(frozen=True)
class StatusChange:
    """The outcome for one dossier: the dossier after it (or as found, when not applied)."""

    dossier: Dossier
    followers_notified: int
    applied: bool


#: Writes that belong with the changes (the decision that moved them, a unit's message): run
#: in the changes' transaction after them; raising undoes the changes too.
AlsoWrite = Callable[[aiosqlite.Connection, list[StatusChange]], Awaitable[None]]


def checked_note(services: Services, target: Status, text: str) -> str | Reply:
    """The note as stored (a decided dossier's: its decision number), or why it is refused.

    One rule for the single and the bulk update, so both refuse and tidy notes alike."""
    note = " ".join(text.split())
    if target in NOTE_REQUIRED and not note:
        return Reply(t.NOTE_EMPTY)
    if target in NOTE_REQUIRED and target is not Status.decided and note.isdecimal():
        # A choice number typed one step late ("1") is no reason a citizen can act on.
        return Reply(tn.NOTE_ONLY_DIGITS.format(text=note[:20]))
    if len(note) > NOTE_LIMIT:
        return Reply(t.NOTE_TOO_LONG.format(limit=NOTE_LIMIT))
    if target is Status.decided:
        number = normalize_decision_no(note, services.settings.decision_no_pattern)
        if number is None:
            return Reply(tw.DECISION_BAD.format(text=note[:60], example=DECISION_EXAMPLE))
        note = number
    return note


def default_supplement_by(services: Services) -> date:
    """The date to supplement by when the officer names none: TDKT_SUPPLEMENT_DAYS working days."""
    return services.calendar.add_working_days(services.today(), services.settings.supplement_days)


def due_after_supplement(services: Services, current: Dossier, today: date) -> date:
    """The due date once the supplement arrives, by TDKT_SUPPLEMENT_CLOCK: `continue` adds the
    working days waited; `restart` counts the kind's processing time again from today."""
    kind = services.catalog.get(current.award_kind)
    if services.settings.supplement_clock == "restart" and kind is not None:
        return services.calendar.add_working_days(today, kind.working_days)
    return due_on_after_supplement(
        current.due_on, current.supplement_since, today, services.calendar
    )


def moved(services: Services, current: Dossier, target: Status, note: str | None) -> Dossier:
    """The dossier after the move: leaving needs_supplement moves the due date (the clock
    rule); a decided dossier's note is its decision number."""
    today = services.today()
    due_on, supplement_since = current.due_on, current.supplement_since
    if current.status is Status.needs_supplement and target is not Status.needs_supplement:
        due_on = due_after_supplement(services, current, today)
        supplement_since = None
    if target is Status.needs_supplement:
        supplement_since = today
    return replace(
        current,
        status=target,
        note=note,
        decision_no=note if target is Status.decided else current.decision_no,
        resolved_on=resolved_on_after(current.status, target, current.resolved_on, today),
        due_on=due_on,
        supplement_since=supplement_since,
    )


async def change_status_bulk(
    services: Services,
    dossiers: Sequence[Dossier],
    target: Status,
    note: str | None,
    actor: str,
    *,
    supplement_by: date | None = None,
    told_otherwise: Mapping[int, tuple[str, str]] | None = None,
    also: AlsoWrite | None = None,
) -> list[StatusChange]:
    """Move each of `dossiers` (as the officer saw them) to `target`, all in one transaction.

    A move to needs_supplement records the date to supplement by (default
    `default_supplement_by`); a move out of it settles that request with the new due date.
    `told_otherwise`: dossier id → the chat that hears of the change another way (the unit's,
    in the decision's one message), left out of the followers' notices. `also` runs in the
    same transaction after the changes (see AlsoWrite)."""
    today, now = services.today(), services.now()
    stamp = instant_to_db(now)
    if target is not Status.needs_supplement:
        supplement_by = None  # only a supplement request has a date to supplement by
    elif supplement_by is None:
        supplement_by = default_supplement_by(services)
    changes: list[StatusChange] = []
    async with services.db.transaction() as conn:
        for seen in dossiers:
            current = await read_for_change(conn, seen.code)
            if (
                current is None
                or current.status is not seen.status
                or not can_move(current.status, target)
            ):
                changes.append(StatusChange(current or seen, 0, applied=False))
                continue
            after = moved(services, current, target, note)
            entry = await write_change(
                conn, before=current, after=after, actor=actor, stamp=stamp, note=note
            )
            if supplement_by is not None:
                await open_request(
                    conn,
                    dossier_id=current.id,
                    entry_id=entry.id,
                    requested_on=today,
                    supplement_by=supplement_by,
                    due_before=current.due_on,
                )
            elif current.status is Status.needs_supplement:
                await close_request(
                    conn, dossier_id=current.id, arrived_on=today, due_after=after.due_on
                )
            quiet = (told_otherwise or {}).get(current.id)
            notified = await _notify(conn, after, entry, services, supplement_by, quiet)
            changes.append(StatusChange(after, notified, applied=True))
        if also is not None:
            await also(conn, changes)
    return changes


async def change_status(
    services: Services,
    dossier: Dossier,
    target: Status,
    note: str | None,
    actor: str,
    *,
    supplement_by: date | None = None,
) -> StatusChange:
    """One dossier: `change_status_bulk` of one."""
    changes = await change_status_bulk(
        services, [dossier], target, note, actor, supplement_by=supplement_by
    )
    return changes[0]


async def fix_decision(
    services: Services, *, code: str, expected: str | None, decision_no: str, actor: str
) -> StatusChange | None:
    """Correct a decided (or returned) dossier's decision number: same status, a history row
    whose note says old → new, the followers told. None when someone changed it first."""
    stamp = instant_to_db(services.now())
    note = tw.DECISION_FIX_NOTE.format(old=expected, new=decision_no)
    async with services.db.transaction() as conn:
        current = await read_for_change(conn, code)
        if (
            current is None
            or current.decision_no != expected
            or current.status not in (Status.decided, Status.returned)
        ):
            return None
        after = replace(current, decision_no=decision_no)
        entry = await write_change(
            conn, before=current, after=after, actor=actor, stamp=stamp, note=note
        )
        payload = {"text": tw.NOTICE_DECISION_FIXED.format(code=code, decision=decision_no)}
        notified = await enqueue_status_notices(
            conn, dossier_id=current.id, entry_id=entry.id, payload=payload, at=services.now()
        )
    return StatusChange(after, notified, applied=True)


def notice_line(services: Services, changes: Sequence[StatusChange]) -> str:
    """What the officer's reply says about the notices the changes queued (or '')."""
    return notices_line(services, sum(change.followers_notified for change in changes))


async def _notify(
    conn: aiosqlite.Connection,
    dossier: Dossier,
    entry: HistoryEntry,
    services: Services,
    supplement_by: date | None,
    quiet: tuple[str, str] | None = None,
) -> int:
    followers = None
    if quiet is not None:
        followers = [chat for chat in await active_followers(conn, dossier.id) if chat != quiet]
    return await enqueue_status_notices(
        conn,
        dossier_id=dossier.id,
        entry_id=entry.id,
        payload=status_notice(dossier, entry, supplement_by),
        at=services.now(),
        followers=followers,
    )
