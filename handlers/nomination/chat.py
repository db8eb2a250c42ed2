"""The guided nomination chat (`/denghi`): commands, typed answers and buttons, the receipt.

See handlers/nomination/__init__.py for the whole flow; the questions themselves are in
questions.py, the validation of each answer in fields.py.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from config.catalog import NomineeType
from db.models import Conversation
from db.nominations import CodesExhausted, NominationDraft, NominationInput, attachments_from
from domain.text import fold
from handlers.conversation import current_flow
from handlers.formatting import vn_date
from handlers.messages import Incoming, Reply
from handlers.nomination.facts import parse_facts
from handlers.nomination.fields import (
    MAX_FILES,
    AnswerError,
    AttachmentAnswer,
    AwardAnswer,
    ContactAnswer,
    GoverningBodyAnswer,
    MovementAnswer,
    NomineeNameAnswer,
    NomineeTypeAnswer,
    PhoneAnswer,
    PositionUnitAnswer,
    SummaryAnswer,
    size_text,
    validate_answer,
)
from handlers.nomination.questions import (
    EDITABLE,
    FLOW,
    ORDER,
    SKIP_KEY,
    NominationButton,
    answered,
    ask,
    expired_text,
    files_choices,
    movements,
    new_draft,
    next_step,
    offer_reply,
    open_draft,
    save,
    step_options,
)
from handlers.nomination.unit_list import facts_from_values
from handlers.receipt_dates import received_text
from handlers.receipt_qr import qr_png, receipt_link
from handlers.roles import STAFF, refusal, role_of
from handlers.router import CommandHandler
from handlers.services import Services
from handlers.texts import common as tc
from handlers.texts import nomination as t
from handlers.zns import phone_vault

_DONE_WORDS = frozenset({"xong", "xong roi", "da xong", "het", "done", "tiep", "tiep tuc"})
_CONFIRM_WORDS = frozenset({"xac nhan", "dong y", "ok", "co", "xac nhan dang ky", "dang ky"})
_EDIT_WORDS = frozenset({"sua", "chinh sua", "sua mot muc"})
_CANCEL_WORDS = frozenset({"huy", "huy de nghi", "khong"})
_RESUME_WORDS = frozenset({"tiep tuc", "tiep tuc soan", "tiep"})
_RESTART_WORDS = frozenset({"lam lai", "lam lai tu dau", "bat dau lai"})


# --- Commands ------------------------------------------------------------------------------


async def start(incoming: Incoming, services: Services, _args: str) -> list[Reply]:
    """`/denghi`: a new draft, or the choice to continue or restart the open one."""
    draft, notices = await open_draft(incoming, services)
    if draft is None or not answered(draft):
        return [*notices, *await new_draft(incoming, services)]
    draft.data["offer"] = True
    await save(services, draft, renew=True)
    return [offer_reply(draft)]


def cancel_command(generic: CommandHandler | None) -> CommandHandler:
    """/huy: cancels the nomination being written, or whatever other step is open."""

    async def cancel(incoming: Incoming, services: Services, args: str) -> list[Reply]:
        conversation = await services.conversations.get(incoming.channel, incoming.chat_id)
        mine = conversation is not None and conversation.flow == FLOW
        if mine or conversation is None:
            # With no other step open, /huy also drops a draft left behind by another flow.
            if await services.nominations.delete_draft(incoming.channel, incoming.chat_id):
                return [Reply(t.CANCELLED)]
        if generic is not None:
            return await generic(incoming, services, args)
        if conversation is None:
            return [Reply(tc.NOTHING_TO_CANCEL)]
        await services.conversations.clear(incoming.channel, incoming.chat_id)
        return [Reply(tc.CANCELLED)]

    return cancel


async def back(incoming: Incoming, services: Services, _args: str) -> list[Reply]:
    """`/quaylai`: the previous question, with the answer given so far."""
    conversation = await services.conversations.get(incoming.channel, incoming.chat_id)
    if conversation is not None and conversation.flow != FLOW:
        return [Reply(t.BACK_OTHER_FLOW)]
    draft, notices = await open_draft(incoming, services)
    if draft is None:
        return notices or [Reply(t.NO_DRAFT)]
    if draft.data.pop("offer", None):
        return await ask(services, draft)
    if draft.step == "type":
        return await ask(services, draft, error=t.BACK_AT_START, renew=False)
    draft.step = _previous_step(draft)
    return await ask(services, draft)


def _previous_step(draft: NominationDraft) -> str:
    if draft.step == "edit":
        return "review"
    if draft.step == "review":
        draft.data.pop("files_done", None)
        return "files"
    index = ORDER.index(draft.step)
    previous = ORDER[index - 1]
    # Contact and phone are one question unless the phone came apart: go back to both.
    return "contact" if previous == "phone" else previous


# --- Incoming text and buttons -------------------------------------------------------------


async def on_text(
    incoming: Incoming, services: Services, _conversation: Conversation
) -> list[Reply]:
    draft, notices = await open_draft(incoming, services)
    if draft is None:
        await services.conversations.clear(incoming.channel, incoming.chat_id)
        return notices or [Reply(t.NO_DRAFT)]
    if await role_of(incoming, services) not in STAFF:
        # Someone else in a group chat, or an officer whose role was revoked: the draft stays
        # for its officer (the TTL sweep removes an abandoned one).
        return [Reply(refusal("citizen"))]
    if draft.data.get("offer"):
        return await _offer_answer(incoming, services, draft)
    if draft.step == "files":
        return await _files_input(incoming, services, draft)
    text = incoming.text or ""
    if incoming.attachments or not text:
        return await ask(services, draft, error=t.TEXT_EXPECTED, renew=False)
    if draft.step == "review":
        return await _review_text(incoming, services, draft, text)
    if draft.step == "edit":
        return await _edit_text(services, draft, text)
    return await _answer(services, draft, draft.step, _typed_choice(services, draft, text))


async def on_button(
    incoming: Incoming, services: Services, button: NominationButton
) -> list[Reply]:
    """Buttons `nm:<nonce>:<action>[:<value>]`; a button of an earlier step or draft is stale."""
    nonce, verb, value = button.nonce, button.verb, button.value
    conversation = await current_flow(services, incoming, FLOW, nonce)
    draft = await services.nominations.get_draft(incoming.channel, incoming.chat_id)
    if conversation is None or draft is None or draft.nonce != nonce:
        return await _stale(incoming, services, draft)
    if await role_of(incoming, services) not in STAFF:
        return [Reply(tc.STALE_BUTTON)]
    if draft.expired(services.now(), services.settings.draft_ttl):
        await services.nominations.delete_draft(incoming.channel, incoming.chat_id)
        return [Reply(expired_text(services, draft))]
    if draft.data.get("offer"):
        if verb == "resume":
            draft.data.pop("offer")
            return await ask(services, draft)
        if verb == "restart":
            return await new_draft(incoming, services)
        return await _stale(incoming, services, draft)
    step = draft.step
    if verb == "pick" and step in ("type", "award", "movement"):
        return await _answer(services, draft, step, value)
    if verb == "done" and step == "files":
        return await _files_done(services, draft)
    if verb == "clear" and step == "files":
        draft.data["attachments"] = []
        return await ask(services, draft, error=t.FILES_CLEARED, renew=False)
    if step == "review" and verb in ("ok", "edit", "cancel"):
        return await _review_action(incoming, services, draft, verb)
    if step == "edit" and verb == "field" and value in EDITABLE:
        draft.step = value
        return await ask(services, draft)
    if step == "edit" and verb == "review":
        draft.step = "review"
        return await ask(services, draft)
    return await _stale(incoming, services, draft)


async def _stale(
    incoming: Incoming, services: Services, draft: NominationDraft | None
) -> list[Reply]:
    """A stale button: say so, and repeat the open draft's current question if there is one."""
    if draft is None or draft.expired(services.now(), services.settings.draft_ttl):
        return [Reply(t.STALE_NO_DRAFT)]
    conversation = await services.conversations.get(incoming.channel, incoming.chat_id)
    if conversation is None or conversation.flow != FLOW:
        # The officer is in another flow now; /denghi brings the draft back.
        return [Reply(t.STALE_OTHER_FLOW)]
    if draft.data.get("offer"):
        return [Reply(t.STALE + "\n\n" + offer_reply(draft).text, offer_reply(draft).choices)]
    return await ask(services, draft, error=t.STALE, renew=False)


# --- Answers --------------------------------------------------------------------------------


def _typed_choice(services: Services, draft: NominationDraft, text: str) -> str:
    """A number typed where buttons are offered picks that option (Telegram has no numbers)."""
    stripped = text.strip().rstrip(".")
    if draft.step in ("type", "award", "movement") and stripped.isdecimal():
        options = step_options(services, draft)
        index = int(stripped)
        if 1 <= index <= len(options):
            return options[index - 1][1]
    return text


async def _answer(services: Services, draft: NominationDraft, step: str, raw: str) -> list[Reply]:
    """Validate the answer to `step`, store it, and ask what is still missing."""
    data = draft.data
    try:
        if step == "type":
            nominee_type = validate_answer(NomineeTypeAnswer, {"nominee_type": raw}).nominee_type
            _change_type(services, data, nominee_type)
        elif step == "name":
            data["nominee_name"] = validate_answer(
                NomineeNameAnswer, {"nominee_type": data["nominee_type"], "name": raw}
            ).name
        elif step == "unit":
            if data["nominee_type"] == NomineeType.individual:
                answer = PositionUnitAnswer.from_text(raw)
                data["position"], data["unit"] = answer.position, answer.unit
            else:
                data["position"] = ""
                data["unit"] = validate_answer(GoverningBodyAnswer, {"body": raw}).body
        elif step == "award":
            data["award_kind"] = validate_answer(
                AwardAnswer,
                {"nominee_type": data["nominee_type"], "award_kind": raw},
                catalog=services.catalog,
            ).award_kind
        elif step == "movement":
            movement = None if raw == SKIP_KEY else raw
            data["movement"] = validate_answer(
                MovementAnswer, {"movement": movement}, movements=movements(services)
            ).movement
        elif step == "summary":
            data["achievements"] = validate_answer(SummaryAnswer, {"text": raw}).text
        elif step == "contact":
            contact = ContactAnswer.from_text(raw)
            data["contact_name"] = contact.name
            if contact.phone is None:
                data.pop("contact_phone", None)
            else:
                data["contact_phone"] = contact.phone
        elif step == "phone":
            data["contact_phone"] = validate_answer(PhoneAnswer, {"phone": raw}).phone
        elif step == "facts":
            data["facts"] = _checked_facts(services, data, raw)
    except AnswerError as exc:
        return await ask(services, draft, error=str(exc), renew=False)
    draft.step = next_step(data)
    return await ask(services, draft)


def _checked_facts(services: Services, data: dict[str, Any], raw: str) -> dict[str, str]:
    """The facts answer, refused with the first problem the list's check would report."""
    values = parse_facts(raw)
    problems: list[str] = []
    facts_from_values(
        dict(values),
        data["nominee_type"],
        data.get("award_kind", ""),
        services.catalog,
        services.today().year,
        problems,
    )
    if problems:
        raise AnswerError(problems[0])
    return values


def _change_type(services: Services, data: dict[str, Any], nominee_type: NomineeType) -> None:
    """A new nominee type keeps only the answers that still fit it."""
    old = data.get("nominee_type")
    data["nominee_type"] = nominee_type.value
    if old is None or old == nominee_type.value:
        return
    if NomineeType.individual in (old, nominee_type):
        # A person's position and unit is not a collective's governing body, nor the reverse.
        data.pop("position", None)
        data.pop("unit", None)
    if "nominee_name" in data:
        try:
            validate_answer(
                NomineeNameAnswer, {"nominee_type": nominee_type, "name": data["nominee_name"]}
            )
        except AnswerError:
            data.pop("nominee_name")
    kind = services.catalog.get(data.get("award_kind", ""))
    if kind is not None and nominee_type not in kind.for_whom:
        data.pop("award_kind")


async def _files_input(
    incoming: Incoming, services: Services, draft: NominationDraft
) -> list[Reply]:
    attachments: list[dict[str, Any]] = draft.data.setdefault("attachments", [])
    added: list[str] = []
    for item in incoming.attachments:
        if len(attachments) >= MAX_FILES:
            return await ask(
                services, draft, error=t.FILES_FULL.format(limit=MAX_FILES), renew=False
            )
        name = item.file_name or t.UNNAMED_FILE.format(index=len(attachments) + 1)
        try:
            answer = validate_answer(
                AttachmentAnswer,
                {
                    "kind": item.kind.value,
                    "file_id": item.file_id,
                    "file_name": name[:200],
                    "size": item.size,
                    "mime_type": item.mime_type,
                },
            )
        except AnswerError as exc:
            return await ask(services, draft, error=str(exc), renew=False)
        if any(existing["file_id"] == answer.file_id for existing in attachments):
            return await ask(services, draft, error=t.FILE_DUPLICATE.format(name=name), renew=False)
        attachments.append(answer.model_dump())
        added.append(answer.file_name + (f" ({size_text(answer.size)})" if answer.size else ""))
    text = fold(incoming.text or "")
    if text in _DONE_WORDS:
        return await _files_done(services, draft)
    if added:
        await save(services, draft, renew=False)
        return [
            Reply(
                t.FILE_ADDED.format(count=len(attachments), limit=MAX_FILES, name=", ".join(added)),
                choices=files_choices(draft),
            )
        ]
    if len(attachments) >= MAX_FILES:
        return await ask(services, draft, error=t.FILES_FULL.format(limit=MAX_FILES), renew=False)
    return await ask(services, draft, error=t.FILES_TEXT, renew=False)


async def _files_done(services: Services, draft: NominationDraft) -> list[Reply]:
    draft.data["files_done"] = True
    draft.step = next_step(draft.data)
    return await ask(services, draft)


async def _review_text(
    incoming: Incoming, services: Services, draft: NominationDraft, text: str
) -> list[Reply]:
    folded = fold(text).rstrip(".!")
    for words, verb in ((_CONFIRM_WORDS, "ok"), (_EDIT_WORDS, "edit"), (_CANCEL_WORDS, "cancel")):
        if folded in words:
            return await _review_action(incoming, services, draft, verb)
    if folded.isdecimal() and 1 <= int(folded) <= 3:
        return await _review_action(
            incoming, services, draft, ("ok", "edit", "cancel")[int(folded) - 1]
        )
    return await ask(services, draft, error=t.REVIEW_CHOICE, renew=False)


async def _edit_text(services: Services, draft: NominationDraft, text: str) -> list[Reply]:
    folded = fold(text).rstrip(".")
    fields = [*EDITABLE, "review"]
    labels = [fold(t.EDIT_FIELDS[step]) for step in EDITABLE] + [fold(t.BACK_TO_REVIEW)]
    chosen: str | None = None
    if folded.isdecimal() and 1 <= int(folded) <= len(fields):
        chosen = fields[int(folded) - 1]
    else:
        for step, label in zip(fields, labels, strict=True):
            if folded and (folded == label or label.startswith(folded)):
                chosen = step
                break
    if chosen is None:
        return await ask(
            services, draft, error=t.CHOICE_EXPECTED.format(text=text[:40]), renew=False
        )
    draft.step = chosen
    return await ask(services, draft)


async def _review_action(
    incoming: Incoming, services: Services, draft: NominationDraft, verb: str
) -> list[Reply]:
    if verb == "cancel":
        await services.nominations.delete_draft(incoming.channel, incoming.chat_id)
        return [Reply(t.CANCELLED)]
    if verb == "edit":
        draft.step = "edit"
        return await ask(services, draft)
    return await _confirm(incoming, services, draft)


async def _offer_answer(
    incoming: Incoming, services: Services, draft: NominationDraft
) -> list[Reply]:
    folded = fold(incoming.text or "").rstrip(".")
    if folded in _RESUME_WORDS or folded == "1":
        draft.data.pop("offer")
        return await ask(services, draft)
    if folded in _RESTART_WORDS or folded == "2":
        return await new_draft(incoming, services)
    offer = offer_reply(draft)
    error = t.CHOICE_EXPECTED.format(text=(incoming.text or "…")[:40])
    return [Reply(f"{error}\n\n{offer.text}", choices=offer.choices)]


# --- Confirmation and receipt ---------------------------------------------------------------


async def _confirm(incoming: Incoming, services: Services, draft: NominationDraft) -> list[Reply]:
    data = draft.data
    missing = next_step(data)
    kind = services.catalog.get(data.get("award_kind", ""))
    if missing != "review" or kind is None or data["nominee_type"] not in kind.for_whom:
        # Only a changed catalogue gets here: ask again what no longer holds.
        if kind is None or data["nominee_type"] not in kind.for_whom:
            data.pop("award_kind", None)
        draft.step = next_step(data)
        return await ask(services, draft)
    member = await services.staff.by_user(incoming.channel, incoming.sender_id)
    nomination = NominationInput(
        nominee_type=data["nominee_type"],
        nominee_name=data["nominee_name"],
        position=data.get("position", ""),
        unit=data["unit"],
        award_kind=kind.code,
        movement=data.get("movement"),
        achievements=data["achievements"],
        contact_name=data["contact_name"],
        contact_phone=data["contact_phone"],
        registered_by=incoming.actor,
        registered_by_name=member.name if member else (incoming.sender_name or ""),
        channel=incoming.channel,
        chat_id=incoming.chat_id,
        attachments=attachments_from(data.get("attachments", [])),
    )
    received_at = services.local_now()
    received_on = received_at.date()
    # Registered after office hours or on a day off: counted from the next working day.
    due_on = services.calendar.due_date_at(received_at, kind.working_days)
    position = nomination.position
    vault = phone_vault(services.settings)  # the contact's number is kept only for ZNS
    try:
        code = await services.nominations.create_from_draft(
            draft,
            nomination,
            agency=services.settings.agency_code,
            received_on=received_on,
            due_on=due_on,
            dossier_unit=f"{position}, {nomination.unit}" if position else nomination.unit,
            history_note=t.HISTORY_NOTE,
            now=services.now(),
            seal_phone=(
                partial(vault.seal, nomination.contact_phone) if vault is not None else None
            ),
        )
    except CodesExhausted:
        return [Reply(t.CODES_EXHAUSTED)]
    if code is None:
        return [Reply(t.ALREADY_DONE)]
    files = nomination.attachments
    text = t.RECEIPT.format(
        code=code,
        who=t.NOMINEE_TYPES[nomination.nominee_type],
        name=nomination.nominee_name,
        award=kind.name,
        received=received_text(services.calendar, received_at),
        due=vn_date(due_on),
        days=kind.working_days,
        files=len(files),
        last4=nomination.contact_phone[-4:],
    )
    link = receipt_link(services.settings.public_url, services.bot_username, code)
    if link is None:
        return [Reply(f"{text}\n{t.RECEIPT_NO_LINK}")]
    return [
        Reply(
            f"{text}\n{t.RECEIPT_LINK.format(link=link)}",
            image=qr_png(link, code),
            image_name=f"qr-{code}.png",
        )
    ]
