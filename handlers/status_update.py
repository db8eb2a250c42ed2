"""Officers move a dossier forward (cập nhật trạng thái): status, note, confirm, notify.

Usage: `/capnhat CODE` → choose the new status → a note (required for needs_supplement,
rejected and decided) → confirm. Followers are told through the outbox in the same
transaction as the change.
"""

from __future__ import annotations

from datetime import date

from db.models import Conversation
from domain.codes import EXAMPLE_CODE, code_variants, normalize_code
from domain.deadlines import parse_day
from domain.decisions import EXAMPLE as DECISION_EXAMPLE
from domain.decisions import normalize_decision_no
from domain.statuses import Status
from domain.transitions import MOVES, can_move, supplement_refused
from handlers import bulk_update
from handlers.actions.dossier_status import (
    change_status,
    checked_note,
    default_supplement_by,
    fix_decision,
    notice_line,
)
from handlers.buttons import ButtonData
from handlers.casework_buttons import UpdateStatus
from handlers.conversation import advance, current_flow, start_flow
from handlers.formatting import vn_date
from handlers.messages import Choice, Incoming, Reply
from handlers.roles import LEADERS, STAFF, role_of
from handlers.router import REPEAT_CHOICES, Router
from handlers.services import Services
from handlers.texts import casework as tw
from handlers.texts import common as tc
from handlers.texts import deadlines as tsup
from handlers.texts import lookup as tl
from handlers.texts import status as t

FLOW = "status"
#: A date to supplement by may be at most this many working days away (the setting's limit).
SUPPLEMENT_DAYS_LIMIT = 60
_ORDER = list(Status)


class StatusButton(ButtonData, prefix="st"):
    """A step of `/capnhat`: `st:<nonce>:<verb>[:<target>]` (to, skip, ok, no, fix, fixok).

    Every field may be empty, so any `st:` payload reaches the handler, which tells an
    earlier step's button (stale) from this step's itself.
    """

    nonce: str
    verb: str = ""
    arg: str = ""


def register(router: Router) -> None:
    router.command("capnhat", start, t.COMMAND, roles=STAFF)
    router.flow(FLOW, on_text, roles=STAFF)
    router.button(StatusButton, on_button, roles=STAFF)
    # "Cập nhật trạng thái" under a dossier in /hoso: the same flow, without typing the code.
    router.button(UpdateStatus, on_open, roles=STAFF)


async def start(incoming: Incoming, services: Services, args: str) -> list[Reply]:
    if not args:
        await start_flow(services, incoming, FLOW, "code", {})
        return [Reply(t.ASK_CODE)]
    return await _choose(incoming, services, args)


async def on_open(incoming: Incoming, services: Services, button: UpdateStatus) -> list[Reply]:
    if normalize_code(button.code) is None:
        return [Reply(tc.STALE_BUTTON)]
    return await _choose(incoming, services, button.code)


async def _choose(incoming: Incoming, services: Services, text: str) -> list[Reply]:
    if bulk_update.several_codes(text):
        return await bulk_update.start_with(incoming, services, text)
    code = normalize_code(text)
    if code is None:
        return [Reply(tl.BAD_FORMAT.format(text=text[:60], example=EXAMPLE_CODE))]
    dossier = await services.dossiers.find_first(code_variants(code, services.legacy_provinces))
    if dossier is None:
        return [Reply(t.NOT_FOUND.format(code=code))]
    targets = sorted(MOVES[dossier.status], key=_ORDER.index)
    # A wrong decision number is corrected in place, also after the result was handed over.
    fixable = dossier.status in (Status.decided, Status.returned) and bool(dossier.decision_no)
    if not targets and not fixable:
        await services.conversations.clear(incoming.channel, incoming.chat_id)
        return [Reply(t.FINAL.format(code=dossier.code, label=dossier.status.label))]
    lines = [
        t.CHOOSE.format(code=dossier.code, nominee=dossier.nominee, label=dossier.status.label)
    ]
    labels = {target: target.label for target in targets}
    if Status.needs_supplement in targets:
        earlier = await services.casework.supplement_requests(dossier.id)
        if supplement_refused(Status.needs_supplement, earlier, override=False):
            if await role_of(incoming, services) in LEADERS:
                labels[Status.needs_supplement] = tw.SUPPLEMENT_SECOND
            else:
                del labels[Status.needs_supplement]
                lines.append(tw.SUPPLEMENT_NOTE_HIDDEN)
    conversation = await start_flow(
        services,
        incoming,
        FLOW,
        "choose",
        {"code": dossier.code, "from": dossier.status.value, "decision": dossier.decision_no},
    )
    nonce = conversation.nonce
    choices = [
        Choice(label, StatusButton(nonce, "to", target.value).pack())
        for target, label in labels.items()
    ]
    if fixable:
        choices.append(Choice(tw.ACTION_FIX_DECISION, StatusButton(nonce, "fix").pack()))
    choices.append(Choice(t.NO, StatusButton(nonce, "no").pack()))
    return [Reply("\n".join(lines), choices=tuple(choices))]


async def on_text(
    incoming: Incoming, services: Services, conversation: Conversation
) -> list[Reply]:
    text = incoming.text or ""
    if not text and conversation.step == "note" and not incoming.attachments:
        # Only spaces: an empty note, not a photo or sticker (“text expected” would mislead).
        return await _take_note(incoming, services, conversation, "")
    if not text:
        return [Reply(tc.TEXT_EXPECTED)]
    if conversation.step == "code":
        return await _choose(incoming, services, text)
    if conversation.step == "note":
        return await _take_note(incoming, services, conversation, text)
    if conversation.step == "decision":
        return await _take_decision_fix(services, conversation, text)
    if conversation.step == "confirm" and conversation.data.get("supplement_by"):
        if normalize_code(text) is None:
            return await _take_supplement_by(services, conversation, text)
    # Buttons are expected at the other steps; a typed code restarts with that dossier.
    if normalize_code(text) is not None:
        return await _choose(incoming, services, text)
    return [Reply(tc.CHOICE_EXPECTED, extra=dict(REPEAT_CHOICES))]


async def on_button(incoming: Incoming, services: Services, button: StatusButton) -> list[Reply]:
    nonce, verb, arg = button.nonce, button.verb, button.arg
    conversation = await current_flow(services, incoming, FLOW, nonce)
    if conversation is None:
        return [Reply(tc.STALE_BUTTON)]
    role = await role_of(incoming, services)
    if role not in STAFF:
        return [Reply(tc.STALE_BUTTON)]
    if verb == "no":
        await services.conversations.clear(incoming.channel, incoming.chat_id)
        return [Reply(t.CANCELLED)]
    if verb == "to" and conversation.step == "choose" and arg in Status.__members__:
        target = Status(arg)
        current = Status(conversation.data["from"])
        if not can_move(current, target):
            return [Reply(t.NOT_ALLOWED.format(current=current.label, target=target.label))]
        if target is Status.needs_supplement:
            refused = await _second_supplement(services, conversation, role)
            if refused is not None:
                return refused
        conversation.data["to"] = target.value
        if target.value in t.ASK_NOTE_REQUIRED:
            await advance(services, conversation, "note")
            return [Reply(t.ASK_NOTE_REQUIRED[target.value])]
        conversation = await advance(services, conversation, "note")
        return [
            Reply(
                t.ASK_NOTE_OPTIONAL,
                choices=(Choice(t.SKIP, StatusButton(conversation.nonce, "skip").pack()),),
            )
        ]
    if verb == "skip" and conversation.step == "note":
        return await _take_note(incoming, services, conversation, "")
    if verb == "ok" and conversation.step == "confirm":
        return await _apply(incoming, services, conversation)
    if verb == "fix" and conversation.step == "choose" and conversation.data.get("decision"):
        await advance(services, conversation, "decision")
        return [
            Reply(
                tw.ASK_DECISION_FIX.format(
                    decision=conversation.data["decision"], example=DECISION_EXAMPLE
                )
            )
        ]
    if verb == "fixok" and conversation.step == "confirm_fix":
        return await _apply_decision_fix(incoming, services, conversation)
    return [Reply(tc.STALE_BUTTON)]


async def _second_supplement(
    services: Services, conversation: Conversation, role: str
) -> list[Reply] | None:
    """The one-stop rule: a second supplement request only by a leader (an explicit choice)."""
    dossier = await services.dossiers.get_by_code(conversation.data["code"])
    if dossier is None:
        return None
    earlier = await services.casework.supplement_requests(dossier.id)
    if supplement_refused(Status.needs_supplement, earlier, override=role in LEADERS):
        return [Reply(tw.SUPPLEMENT_ONCE.format(code=dossier.code, count=earlier))]
    return None


async def _take_decision_fix(
    services: Services, conversation: Conversation, text: str
) -> list[Reply]:
    number = normalize_decision_no(text, services.settings.decision_no_pattern)
    if number is None:
        return [Reply(tw.DECISION_BAD.format(text=text[:60], example=DECISION_EXAMPLE))]
    old = conversation.data.get("decision")
    if number == old:
        await services.conversations.clear(conversation.channel, conversation.chat_id)
        return [Reply(tw.DECISION_SAME.format(decision=number))]
    conversation.data["new_decision"] = number
    conversation = await advance(services, conversation, "confirm_fix")
    nonce = conversation.nonce
    return [
        Reply(
            tw.CONFIRM_DECISION_FIX.format(code=conversation.data["code"], old=old, new=number),
            choices=(
                Choice(t.YES, StatusButton(nonce, "fixok").pack()),
                Choice(t.NO, StatusButton(nonce, "no").pack()),
            ),
        )
    ]


async def _apply_decision_fix(
    incoming: Incoming, services: Services, conversation: Conversation
) -> list[Reply]:
    await services.conversations.clear(incoming.channel, incoming.chat_id)
    code, old, new = (
        conversation.data["code"],
        conversation.data.get("decision"),
        conversation.data["new_decision"],
    )
    change = await fix_decision(
        services, code=code, expected=old, decision_no=new, actor=incoming.actor
    )
    if change is None:
        return [Reply(tw.DECISION_FIX_CONFLICT.format(code=code))]
    text = tw.DECISION_FIXED.format(code=code, new=new)
    return [Reply(f"{text} {notice_line(services, [change])}".strip())]


async def _take_note(
    incoming: Incoming, services: Services, conversation: Conversation, text: str
) -> list[Reply]:
    target = Status(conversation.data["to"])
    note = checked_note(services, target, text)
    if isinstance(note, Reply):
        return [note]
    conversation.data["note"] = note
    if target is Status.needs_supplement:
        conversation.data["supplement_by"] = default_supplement_by(services).isoformat()
    return await _confirm(services, conversation)


async def _confirm(services: Services, conversation: Conversation) -> list[Reply]:
    """The confirmation; a supplement request shows its date, which a typed date replaces."""
    conversation = await advance(services, conversation, "confirm")
    target, note = Status(conversation.data["to"]), conversation.data["note"]
    if not note:
        note_line = t.CONFIRM_NO_NOTE
    elif target is Status.decided:
        note_line = t.CONFIRM_DECISION.format(note=note)
    else:
        note_line = t.CONFIRM_NOTE.format(note=note)
    text = t.CONFIRM.format(
        code=conversation.data["code"],
        current=Status(conversation.data["from"]).label,
        target=target.label,
        note_line=note_line,
    )
    if conversation.data.get("supplement_by"):
        by = date.fromisoformat(conversation.data["supplement_by"])
        days = services.settings.supplement_days
        text += "\n" + tsup.CONFIRM_SUPPLEMENT_BY.format(date=vn_date(by), days=days)
    nonce = conversation.nonce
    return [
        Reply(
            text,
            choices=(
                Choice(t.YES, StatusButton(nonce, "ok").pack()),
                Choice(t.NO, StatusButton(nonce, "no").pack()),
            ),
        )
    ]


async def _take_supplement_by(
    services: Services, conversation: Conversation, text: str
) -> list[Reply]:
    """A date typed at the confirmation of a supplement request: the date to supplement by."""
    today = services.today()
    limit = services.calendar.add_working_days(today, SUPPLEMENT_DAYS_LIMIT)
    day = parse_day(text, today)
    if day is None or not today < day <= limit:
        shown = date.fromisoformat(conversation.data["supplement_by"])
        return [
            Reply(
                tsup.SUPPLEMENT_BY_BAD.format(
                    text=text[:40], limit=SUPPLEMENT_DAYS_LIMIT, date=vn_date(shown)
                )
            )
        ]
    conversation.data["supplement_by"] = day.isoformat()
    return await _confirm(services, conversation)


async def _apply(incoming: Incoming, services: Services, conversation: Conversation) -> list[Reply]:
    await services.conversations.clear(incoming.channel, incoming.chat_id)
    code = conversation.data["code"]
    dossier = await services.dossiers.get_by_code(code)
    expected = Status(conversation.data["from"])
    if dossier is None:
        return [Reply(t.NOT_FOUND.format(code=code))]
    if dossier.status is not expected:
        return [Reply(t.CONFLICT.format(code=code, label=dossier.status.label))]
    if Status(conversation.data["to"]) is Status.needs_supplement:
        # Asked again now: another request may have been made since the choice was shown.
        refused = await _second_supplement(
            services, conversation, await role_of(incoming, services)
        )
        if refused is not None:
            return refused
    by = conversation.data.get("supplement_by")
    change = await change_status(
        services,
        dossier,
        Status(conversation.data["to"]),
        conversation.data.get("note") or None,
        incoming.actor,
        supplement_by=date.fromisoformat(by) if by else None,
    )
    if not change.applied:
        return [Reply(t.CONFLICT.format(code=code, label=change.dossier.status.label))]
    text = t.DONE.format(code=code, label=change.dossier.status.label)
    return [Reply(f"{text} {notice_line(services, [change])}".strip())]
