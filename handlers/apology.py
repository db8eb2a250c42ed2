"""Late with an apology (issue 26.4): `/doihan`, the scheduler's prediction, one-tap sending.

`/doihan CODE NEW_DATE REASON` (an officer moves the due date later) drafts the apology;
each working day the scheduler drafts one for every running dossier due within
`predict_days_before` working days (config/one_stop_rules.toml) and tells the officer in charge
(the leaders when nobody is). "Gửi phiếu xin lỗi" sends it (handlers/actions/apology.py).
`/xinloi CODE` gives the filed form back as a PDF. The card says "đã xin lỗi" with the new
date, and the report counts late dossiers with and without an apology.
"""

from __future__ import annotations

from datetime import date

from config.one_stop import apology_rules
from db.models import Dossier
from domain.codes import EXAMPLE_CODE, code_variants, normalize_code
from domain.deadlines import parse_day
from domain.statuses import FINISHED, Status
from handlers.actions.apology import (
    RUNNING,
    ApologyButton,
    confirm_apology,
    draft_apology,
    draft_choices,
    draft_text,
)
from handlers.delivery import notices_line
from handlers.formatting import vn_date
from handlers.messages import Choice, Incoming, Reply
from handlers.roles import STAFF
from handlers.router import Router
from handlers.services import Services
from handlers.texts import common as tc
from handlers.texts import deadlines as t

#: A new date may be at most this many working days after the current one.
MOVE_LIMIT_DAYS = 60
REASON_LIMIT = 500


def register(router: Router) -> None:
    router.command("doihan", move_due_date, t.APOLOGY_COMMAND_MOVE, roles=STAFF)
    router.command("xinloi", filed_form, t.APOLOGY_COMMAND_FORM, roles=STAFF)
    router.button(ApologyButton, on_button, roles=STAFF)


async def _dossier(services: Services, text: str) -> Dossier | None:
    code = normalize_code(text)
    if code is None:
        return None
    return await services.dossiers.find_first(code_variants(code, services.legacy_provinces))


async def move_due_date(incoming: Incoming, services: Services, args: str) -> list[Reply]:
    """`/doihan CODE DATE REASON`: check, draft, and offer the one-tap confirmation."""
    parts = args.split(maxsplit=2)
    if len(parts) < 2:
        return [Reply(t.APOLOGY_USAGE.format(example=EXAMPLE_CODE))]
    dossier = await _dossier(services, parts[0])
    if dossier is None:
        return [Reply(t.APOLOGY_NOT_FOUND.format(code=parts[0][:60]))]
    if dossier.status is Status.needs_supplement:
        return [Reply(t.APOLOGY_PAUSED.format(code=dossier.code))]
    if dossier.status not in RUNNING:
        return [Reply(t.APOLOGY_FINISHED.format(code=dossier.code, label=dossier.status.label))]
    new_due = parse_day(parts[1], services.today())
    if new_due is None:
        return [Reply(t.APOLOGY_USAGE.format(example=EXAMPLE_CODE))]
    old = vn_date(dossier.due_on)
    if new_due <= dossier.due_on:
        return [Reply(t.APOLOGY_NOT_LATER.format(new=vn_date(new_due), old=old))]
    if new_due > services.calendar.add_working_days(dossier.due_on, MOVE_LIMIT_DAYS):
        return [Reply(t.APOLOGY_TOO_FAR.format(new=vn_date(new_due), limit=MOVE_LIMIT_DAYS))]
    reason = " ".join(parts[2].split()) if len(parts) > 2 else t.APOLOGY_DEFAULT_REASON
    if len(reason) > REASON_LIMIT:
        return [Reply(t.APOLOGY_REASON_TOO_LONG.format(limit=REASON_LIMIT))]
    apology, written = await draft_apology(
        services, dossier, new_due=new_due, reason=reason, cause="moved", actor=incoming.actor
    )
    if not written:  # already confirmed for this due date
        return [Reply(t.APOLOGY_STALE.format(code=dossier.code))]
    choices = tuple(Choice(label, payload) for label, payload in draft_choices(apology))
    return [Reply(draft_text(dossier, apology), choices=choices)]


async def on_button(incoming: Incoming, services: Services, button: ApologyButton) -> list[Reply]:
    verb, dossier_id = button.verb, button.dossier_id
    try:
        old_due = date.fromisoformat(button.old_due)
    except ValueError:
        return [Reply(tc.STALE_BUTTON)]
    apology = await services.apologies.find(dossier_id, old_due)
    dossier = await services.dossiers.get_by_id(dossier_id) if apology else None
    if apology is None or dossier is None or verb not in ("ok", "no"):
        return [Reply(tc.STALE_BUTTON)]
    if verb == "no":
        return [Reply(t.APOLOGY_LATER.format(code=dossier.code))]
    member = await services.staff.by_user(incoming.channel, incoming.sender_id)
    name = member.name if member is not None else incoming.actor
    done = await confirm_apology(services, dossier, apology, actor=incoming.actor, actor_name=name)
    if done is None:
        return [Reply(t.APOLOGY_STALE.format(code=dossier.code))]
    text = t.APOLOGY_SENT.format(code=dossier.code, new=vn_date(done.apology.new_due))
    line = notices_line(services, done.followers_notified)
    return [Reply(f"{text} {line}".strip())]


async def filed_form(incoming: Incoming, services: Services, args: str) -> list[Reply]:
    """`/xinloi CODE`: the filed apology form of the dossier, as a PDF document."""
    dossier = await _dossier(services, args) if args.strip() else None
    if dossier is None:
        return [Reply(t.APOLOGY_FORM_USAGE)]
    filed = await services.apologies.filed_form(dossier.id)
    if filed is None:
        return [Reply(t.APOLOGY_FORM_NONE.format(code=dossier.code))]
    _apology, pdf = filed
    return [
        Reply(
            t.APOLOGY_FORM_CAPTION.format(code=dossier.code),
            document=pdf,
            document_name=f"xin-loi-{dossier.code}.pdf",
        )
    ]


async def predict(services: Services, today: date) -> int:
    """Draft the apology of every running dossier about to miss its due date (once per due
    date) and tell the officer in charge, or the leaders; returns how many were drafted."""
    if not services.calendar.is_working_day(today):
        return 0
    rules = apology_rules()
    horizon = services.calendar.add_working_days(today, rules.predict_days_before)
    # Today too: a dossier due today whose day-before run was missed (the bot was down).
    days = sorted({today, horizon})
    at_risk = await services.apologies.at_risk(days)
    if not at_risk:
        return 0
    staff, blocked = await services.reminders.recipients()
    leaders = [(m.channel, m.chat_id) for m in staff if m.role == "leader" and m.id not in blocked]
    drafted = 0
    for item in at_risk:
        dossier = await services.dossiers.get_by_code(item.code)
        if dossier is None or dossier.status in FINISHED:
            continue
        chats = [(item.officer_channel, item.officer_chat)] if item.officer_chat else leaders
        _apology, written = await draft_apology(
            services,
            dossier,
            new_due=services.calendar.add_working_days(dossier.due_on, rules.extra_days),
            reason=t.APOLOGY_DEFAULT_REASON,
            cause="predicted",
            actor="scheduler",
            notify=[(channel, chat) for channel, chat in chats if channel and chat],
        )
        drafted += int(written)
    return drafted


async def card_lines(services: Services, dossier: Dossier) -> list[str]:
    """ "Đã xin lỗi" with the missed and the new date, once an apology was sent."""
    apology = await services.apologies.latest_confirmed(dossier.id)
    if apology is None:
        return []
    return [t.CARD_APOLOGY.format(old=vn_date(apology.old_due), new=vn_date(apology.new_due))]


async def report_line(services: Services, start: date, received_until: date, as_of: date) -> str:
    """The report's line: late dossiers with and without an apology."""
    counts = await services.apologies.late_counts(start, received_until, as_of)
    total = counts.with_apology + counts.without_apology
    return t.REPORT_LATE.format(
        total=total, with_apology=counts.with_apology, without=counts.without_apology
    )
