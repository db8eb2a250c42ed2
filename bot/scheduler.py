"""The reminder scheduler: a tick that derives from the database what is due now, every minute.

Nothing is held in memory between ticks: each tick reads the dossiers whose reminder day has
come and the digests not yet recorded for today, and writes the records and the outbox rows
together. So a tick may run late, twice, or after a restart on a fresh connection, and every
reminder and digest still goes out exactly once. It runs for every channel; the outbox
dispatcher delivers. In quiet hours (21:00–07:00), and each morning before the digest time
(07:30), the tick enqueues nothing: what falls there is enqueued by the first tick after, so
outbox rows are never post-dated and nothing waits in the outbox through the night. Each
tick also purges what is older than TDKT_RETENTION_DAYS (lookup attempts, inbound update ids,
sent notices). The tick also queues the supplement reminders (issue 26.3); a separate step of
the same loop drafts the apologies of dossiers about to miss their due date (issue 26.4).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from db import reminder_sweep
from db.reminders import Outgoing, WorkItem
from handlers import apology, privacy, rating, supplement
from handlers.reminders import (
    BOARD_TOP,
    DIGEST_SECTION_LIMIT,
    DigestWindow,
    ReminderRules,
    WorkdayIndex,
    digest_key,
    leader_digest,
    officer_digest,
    officer_digest_items,
    sweep_spec,
)
from handlers.review.inbox import step_summary
from handlers.services import Services

if TYPE_CHECKING:
    from bot.app import App
    from bot.channel import BackgroundLoops
    from db.models import StaffMember

log = logging.getLogger(__name__)

TICK_SECONDS = 60.0
#: How often an instance that does not tick asks whether the ticking one has gone (≤ 30 s).
STANDBY_SECONDS = 15.0
#: The advisory lock's name: one instance at a time runs the reminder tick.
SCHEDULER_JOB = "scheduler"


async def tick(services: Services) -> int:
    """Enqueue every reminder and digest due at `services.now()`; return how many messages.

    Idempotent: a second tick at the same moment enqueues nothing.
    """
    rules = ReminderRules.from_settings(services.settings)
    local_now = services.local_now()
    if not rules.may_send(local_now):
        # Quiet hours, or before the day's digest time: what is due waits, in the database.
        return 0
    today = local_now.date()
    index = WorkdayIndex(services.calendar, today)
    staff, blocked = await services.reminders.recipients()
    # Issue 26.5: followers of dossiers that got their result are asked once for a rating.
    enqueued = await rating.ask_after_result(services)
    if services.calendar.is_working_day(today):
        # Digests first: the overview arrives before the single reminders of the morning.
        # Only today's: a digest missed while the bot was down is never sent late.
        enqueued += await _digests(services, rules, index, staff, blocked, today)
    # Set-based: the rules of make_planner as data, applied in SQL to every dossier at once.
    due_range = await reminder_sweep.sweep_candidates_range(services.db, today)
    if due_range is not None:
        spec = sweep_spec(
            rules=rules,
            index=index,
            today=today,
            first_due=date.fromisoformat(due_range[0]),
            last_due=date.fromisoformat(due_range[1]),
            staff=staff,
            blocked=blocked,
            catalog=services.catalog,
        )
        result = await reminder_sweep.sweep(services.db, spec, now=services.now())
        enqueued += result.messages
        log.info("reminder tick: %d message(s), %d dossier(s) looked at", enqueued, result.dossiers)
    # Supplements due in 2 working days or today (issue 26.3), from the open requests.
    enqueued += await supplement.remind(services, today)
    return enqueued


async def apology_tick(services: Services) -> int:
    """Draft the apology of every dossier about to miss its due date and tell its officer
    (issue 26.4); derived from the database like `tick`, and likewise quiet at night."""
    local_now = services.local_now()
    if not ReminderRules.from_settings(services.settings).may_send(local_now):
        return 0
    return await apology.predict(services, local_now.date())


async def _digests(
    services: Services,
    rules: ReminderRules,
    index: WorkdayIndex,
    staff: list[StaffMember],
    blocked: set[int],
    day: date,
) -> int:
    """Today's digest for everyone who wants reminders and has none recorded for today."""
    done = await services.reminders.digested(day)
    waiting = [
        member
        for member in staff
        if member.active
        and member.reminders_enabled
        and member.id not in blocked
        and member.id not in done
    ]
    if not waiting:
        return 0
    window = DigestWindow.build(day, rules, index)
    board: tuple[dict[str, Any] | None, int] | None = None
    sections: dict[int | None, tuple[list[WorkItem], dict[str, int]]] | None = None
    steps: tuple[str, int] | None = None
    sent = 0
    for member in waiting:
        if member.role == "leader":
            if board is None:
                board = await _board_digest(services, window, rules, index)
            payload, items = board
        else:
            if sections is None:
                # Only the lines digests show, and the sections' sizes, come out of SQLite.
                sections = await services.reminders.digest_sections(
                    today=window.today,
                    today_until=window.today_until,
                    soon_until=window.soon_until,
                    limit=DIGEST_SECTION_LIMIT,
                )
            found, counts = officer_digest_items(sections, member.id)
            payload = officer_digest(member, found, window, rules, index, counts)
            items = sum(counts.values())
            if steps is None:
                steps = await step_summary(services) or ("", 0)
            if payload is None and steps[1]:
                # Nothing of their own today, but rows past a step's limit (the 5-day return
                # limit among them): the officers are told like of any overdue due date.
                payload = {"text": steps[0]}
            else:
                payload = _with_steps(payload, steps[0])
        message = None
        if payload is not None:
            message = Outgoing(
                key=digest_key(member, day),
                channel=member.channel,
                chat_id=member.chat_id,
                payload=payload,
            )
        recorded = await services.reminders.record_digest(
            staff_id=member.id, day=day, items=items, message=message, now=services.now()
        )
        sent += int(recorded and message is not None)
    return sent


async def _board_digest(
    services: Services, window: DigestWindow, rules: ReminderRules, index: WorkdayIndex
) -> tuple[dict[str, Any] | None, int]:
    counts = await services.reminders.board_counts(
        window.today, window.today_until, window.soon_until
    )
    most_overdue, _total = await services.reminders.worklist(
        officer_id=None, overdue_before=window.today, limit=BOARD_TOP, offset=0
    )
    payload = leader_digest(counts, most_overdue, window, rules, index)
    steps = await step_summary(services)
    payload = _with_steps(payload, steps[0] if steps else "")
    if payload is not None:
        # Issue 26.5: the citizens' comments since the previous working day's digest.
        comments = await rating.digest_lines(services, _previous_digest(services, window.today))
        if comments:
            payload = {**payload, "text": "\n".join([payload["text"], "", *comments])}
    return payload, counts.running + counts.supplement


def _with_steps(payload: dict[str, Any] | None, steps: str) -> dict[str, Any] | None:
    """Issue 25: a digest ends with the units' submissions' rows per step and overdue per step
    (the 5-day return limit among them)."""
    if payload is None or not steps:
        return payload
    return {**payload, "text": f"{payload['text']}\n\n{steps}"}


def _previous_digest(services: Services, today: date) -> datetime:
    day = today - timedelta(days=1)
    while not services.calendar.is_working_day(day):
        day -= timedelta(days=1)
    return datetime.combine(day, services.settings.digest_time, tzinfo=services.tz)


async def purge_expired(services: Services) -> int:
    """Delete attempts, inbound update ids and settled notices past TDKT_RETENTION_DAYS, and
    what an erased chat kept for the guessing limits once its hour is over.

    Derived from the stored times like everything here: a late or repeated run is harmless.
    """
    purged = await privacy.purge(services)
    total = purged.attempts + purged.probes + purged.inbound + purged.notices
    if total:
        log.info(
            "retention: purged %d attempt(s), %d code answer(s), %d update id(s), %d notice(s)",
            purged.attempts,
            purged.probes,
            purged.inbound,
            purged.notices,
        )
    return total


async def run_scheduler(app: App, stop: asyncio.Event) -> None:
    """Tick every minute until `stop`; a failing tick is logged and the next one tries again."""
    while not stop.is_set():
        if not await _leads(app):
            # Another instance ticks (PostgreSQL): ask again soon, to take over when it dies.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=STANDBY_SECONDS)
            continue
        try:
            await tick(app.services)
        except Exception:
            log.exception("reminder tick failed")
        try:
            await apology_tick(app.services)
        except Exception:
            log.exception("apology tick failed")
        try:
            await purge_expired(app.services)
        except Exception:
            log.exception("retention purge failed")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=TICK_SECONDS)


async def _leads(app: App) -> bool:
    try:
        return await app.services.db.lead(SCHEDULER_JOB)
    except Exception:
        log.exception("could not tell which instance ticks")
        return False


def install(loops: BackgroundLoops) -> None:
    """Add the scheduler to the loops the runtime runs beside the channels (once)."""
    loops.add(run_scheduler)
