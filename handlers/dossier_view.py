"""The staff view of one dossier (/hoso): its facts and what to do next — update its status,
assign it (leaders), quiet its reminders for 1, 2 or 5 working days, read its full history.

Usage: `/hoso CODE`; also the buttons (Telegram) or numbers (Zalo, console) of `/viec`,
`/quahan` and `/tim` lines open it.
"""

from __future__ import annotations

import logging

from domain.codes import EXAMPLE_CODE, code_variants, normalize_code
from domain.statuses import Status
from handlers.buttons import ButtonData
from handlers.casework_buttons import OfferAssignment, OpenDossier, ShowHistory, UpdateStatus
from handlers.formatting import vn_date
from handlers.messages import Choice, Incoming, Reply
from handlers.reminders import RUNNING, WorkdayIndex, deadline_phrase
from handlers.review.inbox import step_text
from handlers.roles import LEADERS, STAFF, Role, role_of
from handlers.router import Router
from handlers.services import Services
from handlers.texts import casework as t
from handlers.texts import common as tc
from handlers.texts import lookup as tl

log = logging.getLogger(__name__)

#: The snooze lengths offered, in working days ("nhắc lại sau 1/2/5 ngày làm việc").
SNOOZE_DAYS = (1, 2, 5)
#: Open dossiers can be snoozed; finished ones get no reminders anyway.
_SNOOZABLE = frozenset({Status.received, Status.in_review, Status.needs_supplement})
_LAST = 3


def open_label(nominee: str, code: str) -> str:
    """The button that opens a dossier from a list: the name and the code's date and number
    (on Zalo and the console the line's number comes in front of it)."""
    return f"{nominee[:24]} · {code[-11:]}"


def register(router: Router) -> None:
    router.command("hoso", show, t.COMMANDS["hoso"], roles=STAFF)
    router.button(OpenDossier, on_open, roles=STAFF)
    router.button(Snooze, on_snooze, roles=STAFF)


class Snooze(ButtonData, prefix="hz"):
    """Tạm dừng nhắc: quiet a dossier's reminders for `days` working days (0 resumes them)."""

    days: int
    code: str


async def show(incoming: Incoming, services: Services, args: str) -> list[Reply]:
    if not args:
        return [Reply(t.VIEW_USAGE.format(example=EXAMPLE_CODE))]
    code = normalize_code(args)
    if code is None:
        return [Reply(tl.BAD_FORMAT.format(text=args[:60], example=EXAMPLE_CODE))]
    return await view(incoming, services, code)


async def on_open(incoming: Incoming, services: Services, button: OpenDossier) -> list[Reply]:
    code = normalize_code(button.code)
    if code is None:
        return [Reply(tc.STALE_BUTTON)]
    return await view(incoming, services, code)


async def view(incoming: Incoming, services: Services, code: str) -> list[Reply]:
    """The dossier's card for staff with its action buttons."""
    found = await services.casework.view(code_variants(code, services.legacy_provinces))
    if found is None:
        return [Reply(t.VIEW_NOT_FOUND.format(code=code))]
    dossier = found.dossier
    today = services.today()
    phrase = ""
    if dossier.status in RUNNING:
        index = WorkdayIndex(services.calendar, today)
        phrase = f" ({deadline_phrase(dossier.due_on, today, index)})"
    lines = [
        t.VIEW.format(
            code=dossier.code,
            nominee=dossier.nominee,
            unit=dossier.unit or "—",
            award=services.catalog.name_of(dossier.award_kind),
            label=dossier.status.label,
            received=vn_date(dossier.received_on),
            due=vn_date(dossier.due_on),
            phrase=phrase,
            officer=found.officer_name or t.UNASSIGNED,
        )
    ]
    if dossier.decision_no:
        lines.append(t.VIEW_DECISION.format(decision=dossier.decision_no))
    if review_step := await step_text(services, dossier):  # issue 25: its submission's step
        lines.append(review_step)
    snoozed = found.snoozed_until is not None and found.snoozed_until > today
    if snoozed and dossier.status in _SNOOZABLE:
        lines.append(t.VIEW_SNOOZED.format(until=vn_date(found.snoozed_until)))
    entries = await services.casework.named_history(dossier.id)
    if entries:
        lines += ["", t.VIEW_LAST]
        from handlers.history import entry_lines

        for named in entries[-_LAST:]:
            lines += entry_lines(named, services)
    choices = [Choice(t.ACTION_UPDATE, UpdateStatus(dossier.code).pack())]
    if await role_of(incoming, services) in LEADERS and dossier.status in _SNOOZABLE:
        choices.append(Choice(t.ACTION_ASSIGN, OfferAssignment(dossier.code).pack()))
    if dossier.status in _SNOOZABLE:
        choices += [
            Choice(t.ACTION_SNOOZE.format(days=days), Snooze(days, dossier.code).pack())
            for days in SNOOZE_DAYS
        ]
        if snoozed:
            choices.append(Choice(t.ACTION_UNSNOOZE, Snooze(0, dossier.code).pack()))
    choices.append(Choice(t.ACTION_HISTORY, ShowHistory(dossier.code).pack()))
    return [Reply("\n".join(lines), choices=tuple(choices))]


async def on_snooze(incoming: Incoming, services: Services, button: Snooze) -> list[Reply]:
    code = normalize_code(button.code)
    if code is None or button.days not in (0, *SNOOZE_DAYS):
        return [Reply(tc.STALE_BUTTON)]
    found = await services.casework.view(code_variants(code, services.legacy_provinces))
    if found is None:
        return [Reply(t.VIEW_NOT_FOUND.format(code=code))]
    dossier = found.dossier
    if dossier.status not in _SNOOZABLE:
        return [Reply(t.SNOOZE_FINISHED.format(code=dossier.code, label=dossier.status.label))]
    role = await role_of(incoming, services)
    if role == Role.officer.value and found.officer_id is not None:
        # An officer quiets only their own (or unassigned) dossiers: another officer's
        # reminders are theirs to manage, or a leader's.
        member = await services.staff.by_user(incoming.channel, incoming.sender_id)
        if member is None or member.id != found.officer_id:
            return [Reply(t.SNOOZE_NOT_YOURS.format(code=dossier.code, name=found.officer_name))]
    days = button.days
    log.info(
        "reminders of %s snoozed for %d working days by %s", dossier.code, days, incoming.actor
    )
    if days == 0:
        await services.casework.snooze(dossier.id, None, services.now())
        return [Reply(t.UNSNOOZED.format(code=dossier.code))]
    # Reminders go again on the n-th working day from today.
    until = services.calendar.add_working_days(services.today(), days)
    await services.casework.snooze(dossier.id, until, services.now())
    return [Reply(t.SNOOZED.format(code=dossier.code, days=days, until=vn_date(until)))]
