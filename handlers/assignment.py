"""Leaders give a dossier to an officer (giao hồ sơ cho chuyên viên).

Usage: `/giao CODE` (or `/giao`, then the code) → choose one of the active officers, or
"Bỏ giao" to make it unassigned again → the new officer is told through the outbox, in the
same transaction as the assignment (and the previous officer too). Unassigned dossiers are
reminded to every officer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from db.models import Conversation, StaffMember
from db.reminders import AssignableDossier, Outgoing, UnknownOfficerError
from domain.codes import EXAMPLE_CODE, code_variants, normalize_code
from domain.statuses import FINISHED
from handlers.buttons import ButtonData
from handlers.casework_buttons import OfferAssignment
from handlers.conversation import current_flow, start_flow
from handlers.formatting import vn_date
from handlers.messages import Choice, Incoming, Reply
from handlers.reminders import WorkdayIndex, deadline_phrase
from handlers.roles import LEADERS, role_of
from handlers.router import REPEAT_CHOICES, Router
from handlers.services import Services
from handlers.texts import casework as tw
from handlers.texts import common as tc
from handlers.texts import lookup as tl
from handlers.texts import reminders as t
from handlers.texts import staff as ts

FLOW = "assign"
#: The payload's officer part meaning "nobody" and "cancel".
NOBODY, CANCEL = "none", "no"


def register(router: Router) -> None:
    router.command("giao", start, t.COMMANDS["giao"], roles=LEADERS)
    router.flow(FLOW, on_text, roles=LEADERS)
    router.button(Assign, on_button, roles=LEADERS)
    # "Giao chuyên viên" under a dossier in /hoso.
    router.button(OfferAssignment, on_open, roles=LEADERS)


class Assign(ButtonData, prefix="gv"):
    """One officer of the offer (their id), NOBODY or CANCEL; `nonce` ties it to the offer."""

    nonce: str
    choice: str


async def on_open(incoming: Incoming, services: Services, button: OfferAssignment) -> list[Reply]:
    if normalize_code(button.code) is None:
        return [Reply(tc.STALE_BUTTON)]
    return await _offer(incoming, services, button.code)


async def start(incoming: Incoming, services: Services, args: str) -> list[Reply]:
    if not args:
        await start_flow(services, incoming, FLOW, "code", {})
        return [Reply(t.ASSIGN_ASK_CODE.format(example=EXAMPLE_CODE))]
    return await _offer(incoming, services, args)


async def on_text(
    incoming: Incoming, services: Services, conversation: Conversation
) -> list[Reply]:
    text = incoming.text or ""
    if not text:
        return [Reply(tc.TEXT_EXPECTED)]
    if conversation.step == "code" or normalize_code(text) is not None:
        return await _offer(incoming, services, text)
    return [Reply(tc.CHOICE_EXPECTED, extra=dict(REPEAT_CHOICES))]


async def _offer(incoming: Incoming, services: Services, text: str) -> list[Reply]:
    """Find the dossier and offer the active officers as choices."""
    code = normalize_code(text)
    if code is None:
        return [Reply(tl.BAD_FORMAT.format(text=text[:60], example=EXAMPLE_CODE))]
    dossier = await services.reminders.assignable(code_variants(code, services.legacy_provinces))
    if dossier is None:
        return [Reply(t.ASSIGN_NOT_FOUND.format(code=code))]
    if dossier.status in FINISHED:
        await services.conversations.clear(incoming.channel, incoming.chat_id)
        return [Reply(t.ASSIGN_FINISHED.format(code=dossier.code, label=dossier.status.label))]
    officers = await services.reminders.active_officers()
    if not officers:
        await services.conversations.clear(incoming.channel, incoming.chat_id)
        return [Reply(t.ASSIGN_NO_OFFICERS)]
    conversation = await start_flow(
        services,
        incoming,
        FLOW,
        "choose",
        {"code": dossier.code, "id": dossier.id, "officer": dossier.officer_id},
    )
    nonce = conversation.nonce
    current = next((m for m in officers if m.id == dossier.officer_id), None)
    choices = [
        Choice(
            t.ASSIGN_CURRENT_MARK.format(name=m.name) if m is current else m.name,
            Assign(nonce, str(m.id)).pack(),
        )
        for m in officers
    ]
    if dossier.officer_id is not None:
        choices.append(Choice(t.ASSIGN_UNASSIGN, Assign(nonce, NOBODY).pack()))
    choices.append(Choice(t.ASSIGN_CANCEL, Assign(nonce, CANCEL).pack()))
    return [
        Reply(
            t.ASSIGN_CHOOSE.format(
                code=dossier.code,
                nominee=dossier.nominee,
                current=current.name if current is not None else t.UNASSIGNED,
            ),
            choices=tuple(choices),
        )
    ]


async def on_button(incoming: Incoming, services: Services, button: Assign) -> list[Reply]:
    nonce, choice = button.nonce, button.choice
    conversation = await current_flow(services, incoming, FLOW, nonce)
    if conversation is None or conversation.step != "choose":
        return [Reply(tc.STALE_BUTTON)]
    if await role_of(incoming, services) not in LEADERS:
        return [Reply(ts.REFUSED)]
    if choice == CANCEL:
        await services.conversations.clear(incoming.channel, incoming.chat_id)
        return [Reply(t.ASSIGN_CANCELLED)]
    if choice != NOBODY and not choice.isdecimal():
        return [Reply(tc.STALE_BUTTON)]
    code = conversation.data["code"]
    dossier = await services.reminders.assignable([code])
    if dossier is None:
        await services.conversations.clear(incoming.channel, incoming.chat_id)
        return [Reply(t.ASSIGN_NOT_FOUND.format(code=code))]
    if dossier.status in FINISHED:
        await services.conversations.clear(incoming.channel, incoming.chat_id)
        return [Reply(t.ASSIGN_FINISHED.format(code=code, label=dossier.status.label))]
    expected = conversation.data.get("officer")
    if dossier.officer_id != expected:
        await services.conversations.clear(incoming.channel, incoming.chat_id)
        return [Reply(t.ASSIGN_CONFLICT.format(code=code))]
    officers = {m.id: m for m in await services.reminders.active_officers()}
    target = None if choice == NOBODY else officers.get(int(choice))
    if choice != NOBODY and target is None:
        # Revoked since the list was shown: the same question again with who is left.
        return [Reply(t.ASSIGN_OFFICER_GONE), *await _offer(incoming, services, code)]
    if target is not None and target.id == dossier.officer_id:
        await services.conversations.clear(incoming.channel, incoming.chat_id)
        return [Reply(t.ASSIGN_SAME.format(code=code, name=target.name))]
    previous = officers.get(dossier.officer_id) if dossier.officer_id is not None else None
    actor_name = await _actor_name(incoming, services)
    notices = _notices(services, dossier, target, previous, actor_name)
    assigned = await services.reminders.assign(
        dossier_id=dossier.id,
        expected_officer_id=expected,
        officer_id=target.id if target is not None else None,
        actor=incoming.actor,
        now=services.now(),
        notices=notices,
    )
    await services.conversations.clear(incoming.channel, incoming.chat_id)
    if not assigned:
        return [Reply(t.ASSIGN_CONFLICT.format(code=code))]
    if target is None:
        return [Reply(t.ASSIGN_REMOVED.format(code=code))]
    from handlers.delivery import send_at_words

    words = send_at_words(services)
    if words is not None:  # quiet hours: the officer is told when the outbox sends again
        return [Reply(tw.ASSIGN_DONE_LATER.format(code=code, name=target.name, **words))]
    return [Reply(t.ASSIGN_DONE.format(code=code, name=target.name))]


async def _actor_name(incoming: Incoming, services: Services) -> str:
    member = await services.staff.by_user(incoming.channel, incoming.sender_id)
    return member.name if member is not None else t.ASSIGN_ACTOR_LEADER


def _notices(
    services: Services,
    dossier: AssignableDossier,
    target: StaffMember | None,
    previous: StaffMember | None,
    actor_name: str,
) -> Callable[[int], Iterable[Outgoing]]:
    """The messages of one assignment, keyed by its id: to the new officer and the old one."""
    today = services.today()
    phrase = deadline_phrase(dossier.due_on, today, WorkdayIndex(services.calendar, today))

    def render(assignment_id: int) -> list[Outgoing]:
        messages = []
        if target is not None:
            text = t.ASSIGN_NOTICE.format(
                code=dossier.code,
                nominee=dossier.nominee,
                award=services.catalog.name_of(dossier.award_kind),
                due=vn_date(dossier.due_on),
                phrase=phrase,
                actor=actor_name,
            )
            messages.append(_to(target, f"assign:{assignment_id}:{target.id}", text))
        if previous is not None and (target is None or previous.id != target.id):
            if target is None:
                text = t.ASSIGN_UNASSIGNED_NOTICE.format(code=dossier.code, nominee=dossier.nominee)
            else:
                text = t.ASSIGN_MOVED_NOTICE.format(
                    code=dossier.code, nominee=dossier.nominee, name=target.name
                )
            messages.append(_to(previous, f"assign:{assignment_id}:{previous.id}", text))
        return messages

    return render


def _to(member: StaffMember, key: str, text: str) -> Outgoing:
    """Staff are told on the channel and chat they registered from."""
    return Outgoing(key=key, channel=member.channel, chat_id=member.chat_id, payload={"text": text})


def import_error_lines(error: UnknownOfficerError) -> list[str]:
    """One Vietnamese line per import row whose officer matched no one (or several)."""
    lines = []
    for code, reference, count in error.problems:
        template = t.IMPORT_OFFICER_AMBIGUOUS if count > 1 else t.IMPORT_OFFICER_UNKNOWN
        lines.append(template.format(code=code, officer=reference[:60], count=count))
    return lines
