"""Officers move a dossier forward (cập nhật trạng thái): status, note, confirm, notify.

Usage: `/capnhat CODE` → choose the new status → a note (required for needs_supplement,
rejected and decided) → confirm. Followers are told through the outbox in the same
transaction as the change.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from db.models import Conversation, Dossier, HistoryEntry
from domain.codes import EXAMPLE_CODE, code_variants, normalize_code
from domain.decisions import EXAMPLE as DECISION_EXAMPLE
from domain.decisions import normalize_decision_no
from domain.statuses import Status
from domain.transitions import (
    MOVES,
    NOTE_REQUIRED,
    can_move,
    due_on_after_supplement,
    resolved_on_after,
    supplement_refused,
)
from handlers.conversation import advance, current_flow, start_flow
from handlers.messages import Choice, Incoming, Reply
from handlers.notices import status_notice_renderer
from handlers.roles import LEADERS, STAFF, role_of
from handlers.router import REPEAT_CHOICES, Router
from handlers.services import Services
from handlers.texts import casework as tw
from handlers.texts import common as tc
from handlers.texts import lookup as tl
from handlers.texts import newuser as tn
from handlers.texts import status as t

FLOW = "status"
NOTE_LIMIT = 1000
_ORDER = list(Status)


def register(router: Router) -> None:
    router.command("capnhat", start, t.COMMAND, roles=STAFF)
    router.flow(FLOW, on_text, roles=STAFF)
    router.payload("st", on_button, roles=STAFF)
    # "Cập nhật trạng thái" under a dossier in /hoso: the same flow, without typing the code.
    router.payload("cn", on_open, roles=STAFF)


@dataclass(frozen=True)
class StatusChange:
    """The outcome of apply_status_change: the dossier after it, or the conflict."""

    dossier: Dossier
    followers_notified: int
    applied: bool


async def apply_status_change(
    services: Services, dossier: Dossier, target: Status, note: str | None, actor: str
) -> StatusChange:
    """Compute the dates the move implies and write it, the history and the notices at once."""
    today = services.today()
    due_on = dossier.due_on
    supplement_since = dossier.supplement_since
    if dossier.status is Status.needs_supplement and target is not Status.needs_supplement:
        due_on = due_on_after_supplement(due_on, supplement_since, today, services.calendar)
        supplement_since = None
    if target is Status.needs_supplement:
        supplement_since = today
    decision_no = note if target is Status.decided else dossier.decision_no
    result = await services.dossiers.change_status(
        code=dossier.code,
        expected=dossier.status,
        target=target,
        note=note,
        decision_no=decision_no,
        resolved_on=resolved_on_after(dossier.status, target, dossier.resolved_on, today),
        due_on=due_on,
        supplement_since=supplement_since,
        actor=actor,
        now=services.now(),
        notice=status_notice_renderer(),
    )
    if result is None:
        current = await services.dossiers.get_by_code(dossier.code)
        return StatusChange(current or dossier, 0, applied=False)
    updated, _entry, followers = result
    return StatusChange(updated, followers, applied=True)


async def start(incoming: Incoming, services: Services, args: str) -> list[Reply]:
    if not args:
        await start_flow(services, incoming, FLOW, "code", {})
        return [Reply(t.ASK_CODE)]
    return await _choose(incoming, services, args)


async def on_open(incoming: Incoming, services: Services, rest: str) -> list[Reply]:
    if normalize_code(rest) is None:
        return [Reply(tc.STALE_BUTTON)]
    return await _choose(incoming, services, rest)


async def _choose(incoming: Incoming, services: Services, text: str) -> list[Reply]:
    from handlers import bulk_update

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
    choices = [Choice(label, f"st:{nonce}:to:{target.value}") for target, label in labels.items()]
    if fixable:
        choices.append(Choice(tw.ACTION_FIX_DECISION, f"st:{nonce}:fix"))
    choices.append(Choice(t.NO, f"st:{nonce}:no"))
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
    # Buttons are expected at the other steps; a typed code restarts with that dossier.
    if normalize_code(text) is not None:
        return await _choose(incoming, services, text)
    return [Reply(tc.CHOICE_EXPECTED, extra=dict(REPEAT_CHOICES))]


async def on_button(incoming: Incoming, services: Services, rest: str) -> list[Reply]:
    nonce, _, action = rest.partition(":")
    conversation = await current_flow(services, incoming, FLOW, nonce)
    if conversation is None:
        return [Reply(tc.STALE_BUTTON)]
    role = await role_of(incoming, services)
    if role not in STAFF:
        return [Reply(tc.STALE_BUTTON)]
    verb, _, arg = action.partition(":")
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
                choices=(Choice(t.SKIP, f"st:{conversation.nonce}:skip"),),
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
            choices=(Choice(t.YES, f"st:{nonce}:fixok"), Choice(t.NO, f"st:{nonce}:no")),
        )
    ]


async def _apply_decision_fix(
    incoming: Incoming, services: Services, conversation: Conversation
) -> list[Reply]:
    from handlers.delivery import notices_line

    await services.conversations.clear(incoming.channel, incoming.chat_id)
    code, old, new = (
        conversation.data["code"],
        conversation.data.get("decision"),
        conversation.data["new_decision"],
    )

    def render(dossier: Dossier, _entry: HistoryEntry) -> dict[str, Any]:
        return {"text": tw.NOTICE_DECISION_FIXED.format(code=dossier.code, decision=new)}

    result = await services.casework.fix_decision(
        code=code,
        expected=old,
        decision_no=new,
        note=tw.DECISION_FIX_NOTE.format(old=old, new=new),
        actor=incoming.actor,
        now=services.now(),
        notice=render,
    )
    if result is None:
        return [Reply(tw.DECISION_FIX_CONFLICT.format(code=code))]
    _dossier, notified = result
    text = tw.DECISION_FIXED.format(code=code, new=new)
    line = notices_line(services, notified)
    return [Reply(f"{text} {line}".strip())]


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


async def _take_note(
    incoming: Incoming, services: Services, conversation: Conversation, text: str
) -> list[Reply]:
    target = Status(conversation.data["to"])
    note = checked_note(services, target, text)
    if isinstance(note, Reply):
        return [note]
    conversation.data["note"] = note
    conversation = await advance(services, conversation, "confirm")
    if not note:
        note_line = t.CONFIRM_NO_NOTE
    elif target is Status.decided:
        note_line = t.CONFIRM_DECISION.format(note=note)
    else:
        note_line = t.CONFIRM_NOTE.format(note=note)
    nonce = conversation.nonce
    return [
        Reply(
            t.CONFIRM.format(
                code=conversation.data["code"],
                current=Status(conversation.data["from"]).label,
                target=target.label,
                note_line=note_line,
            ),
            choices=(Choice(t.YES, f"st:{nonce}:ok"), Choice(t.NO, f"st:{nonce}:no")),
        )
    ]


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
    change = await apply_status_change(
        services,
        dossier,
        Status(conversation.data["to"]),
        conversation.data.get("note") or None,
        incoming.actor,
    )
    if not change.applied:
        return [Reply(t.CONFLICT.format(code=code, label=change.dossier.status.label))]
    from handlers.delivery import notices_line

    text = t.DONE.format(code=code, label=change.dossier.status.label)
    line = notices_line(services, change.followers_notified)
    return [Reply(f"{text} {line}".strip())]
