"""Nomination registration (đăng ký đề nghị khen thưởng) in a short guided chat, for staff.

Usage: `/denghi` asks, one question at a time: who (cá nhân, tập thể, hộ gia đình) → name →
position and unit, or the governing body → award kind (from the catalogue entries that fit) →
emulation movement or topic, or skip → achievement summary → contact person and phone →
documents or photos until “xong” → review (edit a field, confirm, cancel). Confirming creates
the dossier and replies with its receipt (code, due date, QR code). `/quaylai` goes back one
step, `/huy` cancels. `/denghicuatoi` lists the officer's nominations with their status.

The draft is kept per chat in the database, so a restart resumes at the same step. A draft
untouched for TDKT_DRAFT_TTL expires: the officer is told when they next write to the bot,
and the runtime's sweep (bot/nomination_drafts.py) also deletes it and sends the notice
through the outbox. A second `/denghi` while a draft is open offers to continue or restart.
"""

from __future__ import annotations

import math
import secrets
from datetime import timedelta
from functools import partial
from typing import Any

from config.catalog import NomineeType
from config.movements import MovementList, movements_from
from db.models import Conversation
from db.nominations import (
    CodesExhausted,
    NominationDraft,
    NominationInput,
    attachments_from,
)
from domain.statuses import FINISHED
from domain.text import fold
from handlers.conversation import current_flow
from handlers.formatting import vn_date, vn_number
from handlers.messages import Channel, Choice, Incoming, Reply
from handlers.nomination_fields import (
    MAX_FILE_BYTES,
    MAX_FILES,
    SUMMARY_MAX,
    SUMMARY_MIN,
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
from handlers.receipt_dates import received_text
from handlers.receipt_qr import qr_png, receipt_link
from handlers.roles import STAFF, refusal, role_of
from handlers.router import CommandHandler, Router
from handlers.services import Services
from handlers.texts import common as tc
from handlers.texts import nomination as t
from handlers.zns import phone_vault

FLOW = "nomination"
PREFIX = "nm"
PAGE_PREFIX = "nl"
PAGE_SIZE = 10
#: The questions in order; "phone" is asked only when the contact came without a number.
ORDER = ("type", "name", "unit", "award", "movement", "summary", "contact", "phone", "files")
EDITABLE = ("type", "name", "unit", "award", "movement", "summary", "contact", "files")
TOTAL_STEPS = 9
STEP_NUMBER = {step: index for index, step in enumerate(ORDER, start=1)}
STEP_NUMBER.update({"phone": 7, "files": 8, "review": 9, "edit": 9})
_FIELD_OF_STEP = {
    "type": "nominee_type",
    "name": "nominee_name",
    "unit": "unit",
    "award": "award_kind",
    "movement": "movement",
    "summary": "achievements",
    "contact": "contact_name",
    "phone": "contact_phone",
}
_DONE_WORDS = frozenset({"xong", "xong roi", "da xong", "het", "done", "tiep", "tiep tuc"})
_CONFIRM_WORDS = frozenset({"xac nhan", "dong y", "ok", "co", "xac nhan dang ky", "dang ky"})
_EDIT_WORDS = frozenset({"sua", "chinh sua", "sua mot muc"})
_CANCEL_WORDS = frozenset({"huy", "huy de nghi", "khong"})
_RESUME_WORDS = frozenset({"tiep tuc", "tiep tuc soan", "tiep"})
_RESTART_WORDS = frozenset({"lam lai", "lam lai tu dau", "bat dau lai"})
_SKIP_KEY = "-"


def register(router: Router) -> None:
    router.command("denghi", start, t.COMMANDS["denghi"], roles=STAFF)
    router.command("denghicuatoi", my_nominations, t.COMMANDS["denghicuatoi"], roles=STAFF)
    router.command("quaylai", back, t.COMMANDS["quaylai"], roles=STAFF)
    generic = router.commands.get("huy")
    router.command(
        "huy", _cancel_command(generic.handler if generic else None), tc.COMMAND_DESCRIPTIONS["huy"]
    )
    router.flow(FLOW, on_text)
    router.payload(PREFIX, on_button)
    router.payload(PAGE_PREFIX, on_page, roles=STAFF)


# --- Commands ------------------------------------------------------------------------------


async def start(incoming: Incoming, services: Services, _args: str) -> list[Reply]:
    """`/denghi`: a new draft, or the choice to continue or restart the open one."""
    draft, notices = await _open_draft(incoming, services)
    if draft is None or not _answered(draft):
        return [*notices, *await _new_draft(incoming, services)]
    draft.data["offer"] = True
    await _save(services, draft, renew=True)
    return [_offer_reply(draft)]


def _cancel_command(generic: CommandHandler | None) -> CommandHandler:
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
    draft, notices = await _open_draft(incoming, services)
    if draft is None:
        return notices or [Reply(t.NO_DRAFT)]
    if draft.data.pop("offer", None):
        return await _ask(services, draft)
    if draft.step == "type":
        return await _ask(services, draft, error=t.BACK_AT_START, renew=False)
    draft.step = _previous_step(draft)
    return await _ask(services, draft)


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
    draft, notices = await _open_draft(incoming, services)
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
        return await _ask(services, draft, error=t.TEXT_EXPECTED, renew=False)
    if draft.step == "review":
        return await _review_text(incoming, services, draft, text)
    if draft.step == "edit":
        return await _edit_text(services, draft, text)
    return await _answer(services, draft, draft.step, _typed_choice(services, draft, text))


async def on_button(incoming: Incoming, services: Services, rest: str) -> list[Reply]:
    """Buttons `nm:<nonce>:<action>[:<value>]`; a button of an earlier step or draft is stale."""
    nonce, _, action = rest.partition(":")
    verb, _, value = action.partition(":")
    conversation = await current_flow(services, incoming, FLOW, nonce)
    draft = await services.nominations.get_draft(incoming.channel, incoming.chat_id)
    if conversation is None or draft is None or draft.nonce != nonce:
        return await _stale(incoming, services, draft)
    if await role_of(incoming, services) not in STAFF:
        return [Reply(tc.STALE_BUTTON)]
    if draft.expired(services.now(), services.settings.draft_ttl):
        await services.nominations.delete_draft(incoming.channel, incoming.chat_id)
        return [Reply(_expired_text(services, draft))]
    if draft.data.get("offer"):
        if verb == "resume":
            draft.data.pop("offer")
            return await _ask(services, draft)
        if verb == "restart":
            return await _new_draft(incoming, services)
        return await _stale(incoming, services, draft)
    step = draft.step
    if verb == "pick" and step in ("type", "award", "movement"):
        return await _answer(services, draft, step, value)
    if verb == "done" and step == "files":
        return await _files_done(services, draft)
    if verb == "clear" and step == "files":
        draft.data["attachments"] = []
        return await _ask(services, draft, error=t.FILES_CLEARED, renew=False)
    if step == "review" and verb in ("ok", "edit", "cancel"):
        return await _review_action(incoming, services, draft, verb)
    if step == "edit" and verb == "field" and value in EDITABLE:
        draft.step = value
        return await _ask(services, draft)
    if step == "edit" and verb == "review":
        draft.step = "review"
        return await _ask(services, draft)
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
        return [Reply(t.STALE + "\n\n" + _offer_reply(draft).text, _offer_reply(draft).choices)]
    return await _ask(services, draft, error=t.STALE, renew=False)


# --- Answers --------------------------------------------------------------------------------


def _typed_choice(services: Services, draft: NominationDraft, text: str) -> str:
    """A number typed where buttons are offered picks that option (Telegram has no numbers)."""
    stripped = text.strip().rstrip(".")
    if draft.step in ("type", "award", "movement") and stripped.isdecimal():
        options = _options(services, draft)
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
            movement = None if raw == _SKIP_KEY else raw
            data["movement"] = validate_answer(
                MovementAnswer, {"movement": movement}, movements=_movements(services)
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
    except AnswerError as exc:
        return await _ask(services, draft, error=str(exc), renew=False)
    draft.step = _next_step(data)
    return await _ask(services, draft)


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


def _answered(draft: NominationDraft) -> bool:
    """Whether the draft holds any answer worth offering to continue."""
    return any(key in draft.data for key in _FIELD_OF_STEP.values())


def _filled(step: str, data: dict[str, Any]) -> bool:
    if step == "files":
        return bool(data.get("files_done"))
    return _FIELD_OF_STEP[step] in data


def _next_step(data: dict[str, Any]) -> str:
    """The first question still unanswered (after an edit or /quaylai: often the review)."""
    for step in ORDER:
        if not _filled(step, data):
            return step
    return "review"


async def _files_input(
    incoming: Incoming, services: Services, draft: NominationDraft
) -> list[Reply]:
    attachments: list[dict[str, Any]] = draft.data.setdefault("attachments", [])
    added: list[str] = []
    for item in incoming.attachments:
        if len(attachments) >= MAX_FILES:
            return await _ask(
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
            return await _ask(services, draft, error=str(exc), renew=False)
        if any(existing["file_id"] == answer.file_id for existing in attachments):
            return await _ask(
                services, draft, error=t.FILE_DUPLICATE.format(name=name), renew=False
            )
        attachments.append(answer.model_dump())
        added.append(answer.file_name + (f" ({size_text(answer.size)})" if answer.size else ""))
    text = fold(incoming.text or "")
    if text in _DONE_WORDS:
        return await _files_done(services, draft)
    if added:
        await _save(services, draft, renew=False)
        return [
            Reply(
                t.FILE_ADDED.format(count=len(attachments), limit=MAX_FILES, name=", ".join(added)),
                choices=_files_choices(draft),
            )
        ]
    if len(attachments) >= MAX_FILES:
        return await _ask(services, draft, error=t.FILES_FULL.format(limit=MAX_FILES), renew=False)
    return await _ask(services, draft, error=t.FILES_TEXT, renew=False)


async def _files_done(services: Services, draft: NominationDraft) -> list[Reply]:
    draft.data["files_done"] = True
    draft.step = _next_step(draft.data)
    return await _ask(services, draft)


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
    return await _ask(services, draft, error=t.REVIEW_CHOICE, renew=False)


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
        return await _ask(
            services, draft, error=t.CHOICE_EXPECTED.format(text=text[:40]), renew=False
        )
    draft.step = chosen
    return await _ask(services, draft)


async def _review_action(
    incoming: Incoming, services: Services, draft: NominationDraft, verb: str
) -> list[Reply]:
    if verb == "cancel":
        await services.nominations.delete_draft(incoming.channel, incoming.chat_id)
        return [Reply(t.CANCELLED)]
    if verb == "edit":
        draft.step = "edit"
        return await _ask(services, draft)
    return await _confirm(incoming, services, draft)


async def _offer_answer(
    incoming: Incoming, services: Services, draft: NominationDraft
) -> list[Reply]:
    folded = fold(incoming.text or "").rstrip(".")
    if folded in _RESUME_WORDS or folded == "1":
        draft.data.pop("offer")
        return await _ask(services, draft)
    if folded in _RESTART_WORDS or folded == "2":
        return await _new_draft(incoming, services)
    offer = _offer_reply(draft)
    error = t.CHOICE_EXPECTED.format(text=(incoming.text or "…")[:40])
    return [Reply(f"{error}\n\n{offer.text}", choices=offer.choices)]


# --- Confirmation and receipt ---------------------------------------------------------------


async def _confirm(incoming: Incoming, services: Services, draft: NominationDraft) -> list[Reply]:
    data = draft.data
    missing = _next_step(data)
    kind = services.catalog.get(data.get("award_kind", ""))
    if missing != "review" or kind is None or data["nominee_type"] not in kind.for_whom:
        # Only a changed catalogue gets here: ask again what no longer holds.
        if kind is None or data["nominee_type"] not in kind.for_whom:
            data.pop("award_kind", None)
        draft.step = _next_step(data)
        return await _ask(services, draft)
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


# --- Questions ------------------------------------------------------------------------------


async def _new_draft(incoming: Incoming, services: Services) -> list[Reply]:
    now = services.now()
    draft = NominationDraft(
        channel=incoming.channel,
        chat_id=incoming.chat_id,
        officer=incoming.actor,
        step="type",
        nonce="",
        created_at=now,
        updated_at=now,
        data={},
    )
    replies = await _ask(services, draft)
    return [Reply(f"{t.INTRO}\n\n{replies[0].text}", choices=replies[0].choices)]


async def _save(services: Services, draft: NominationDraft, *, renew: bool) -> None:
    """Store the draft; a new nonce makes the buttons of earlier questions stale."""
    if renew or not draft.nonce:
        draft.nonce = secrets.token_hex(4)
    draft.updated_at = services.now()
    await services.nominations.save_draft(draft)


async def _ask(
    services: Services, draft: NominationDraft, *, error: str | None = None, renew: bool = True
) -> list[Reply]:
    """Save the draft and ask its current question (after `error` when an answer was bad)."""
    await _save(services, draft, renew=renew)
    question = _question(services, draft)
    text = f"{error}\n\n{question.text}" if error else question.text
    return [Reply(text, choices=question.choices)]


def _question(services: Services, draft: NominationDraft) -> Reply:
    step, data = draft.step, draft.data
    if step == "review":
        return _review(services, draft)
    if step == "edit":
        choices = [Choice(t.EDIT_FIELDS[s], _payload(draft, "field", s)) for s in EDITABLE]
        choices.append(Choice(t.BACK_TO_REVIEW, _payload(draft, "review")))
        return Reply(_numbered_step(step) + t.ASK_EDIT, choices=tuple(choices))
    nominee_type = data.get("nominee_type", NomineeType.individual.value)
    name = data.get("nominee_name", "")
    lines: list[str] = []
    if step == "type":
        lines.append(t.ASK_TYPE)
    elif step == "name":
        lines.append(t.ASK_NAME[nominee_type])
    elif step == "unit":
        lines.append(t.ASK_UNIT[nominee_type].format(name=name))
    elif step == "award":
        lines.append(t.ASK_AWARD.format(who=t.NOMINEE_TYPES_LOWER[nominee_type]))
    elif step == "movement":
        lines.append(t.ASK_MOVEMENT)
    elif step == "summary":
        lines.append(
            t.ASK_SUMMARY.format(name=name, minimum=SUMMARY_MIN, maximum=vn_number(SUMMARY_MAX))
        )
    elif step == "contact":
        lines.append(t.ASK_CONTACT)
    elif step == "phone":
        lines.append(t.ASK_PHONE.format(name=data.get("contact_name", "")))
    elif step == "files":
        lines += _files_question(services, draft)
    current = _current_answer(services, step, data)
    if current:
        lines.append(t.CURRENT.format(value=current))
    if step != "type":  # the intro already says it, and there is no step before
        lines.append(t.FOOTER)
    text = _numbered_step(step) + "\n".join(lines)
    if step == "files":
        return Reply(text, choices=_files_choices(draft))
    options = _options(services, draft)
    choices = tuple(Choice(label, _payload(draft, "pick", key)) for label, key in options)
    return Reply(text, choices=choices)


def _numbered_step(step: str) -> str:
    return t.STEP.format(number=STEP_NUMBER[step], total=TOTAL_STEPS)


def _options(services: Services, draft: NominationDraft) -> list[tuple[str, str]]:
    """(label, key) of the choices the current question offers, in order."""
    step = draft.step
    if step == "type":
        return [(label, key) for key, label in t.NOMINEE_TYPES.items()]
    if step == "award":
        nominee_type = NomineeType(draft.data["nominee_type"])
        return [(kind.name, kind.code) for kind in services.catalog.for_nominee(nominee_type)]
    if step == "movement":
        options = [(item.name, item.code) for item in _movements(services).movements]
        return [*options, (t.SKIP, _SKIP_KEY)]
    return []


def _files_question(services: Services, draft: NominationDraft) -> list[str]:
    lines = [t.ASK_FILES.format(limit=MAX_FILES, size=size_text(MAX_FILE_BYTES))]
    kind = services.catalog.get(draft.data.get("award_kind", ""))
    if kind is not None and kind.documents:
        lines.append(t.ASK_FILES_DOCUMENTS.format(award=kind.name))
        lines += [t.ASK_FILES_DOCUMENT_LINE.format(document=d) for d in kind.documents]
    if draft.channel == Channel.console.value:
        lines.append(t.ASK_FILES_NO_UPLOAD)
    return lines


def _files_choices(draft: NominationDraft) -> tuple[Choice, ...]:
    choices = [Choice(t.DONE, _payload(draft, "done"))]
    if draft.data.get("attachments"):
        choices.append(Choice(t.CLEAR_FILES, _payload(draft, "clear")))
    return tuple(choices)


def _current_answer(services: Services, step: str, data: dict[str, Any]) -> str | None:
    """The answer already given to `step` (after /quaylai or when editing), for reference."""
    if step == "type" and "nominee_type" in data:
        return t.NOMINEE_TYPES[data["nominee_type"]]
    if step == "name":
        return data.get("nominee_name")
    if step == "unit" and "unit" in data:
        position = data.get("position")
        return f"{position}, {data['unit']}" if position else data["unit"]
    if step == "award" and "award_kind" in data:
        return services.catalog.name_of(data["award_kind"])
    if step == "movement" and "movement" in data:
        movement = data["movement"]
        return _movements(services).name_of(movement) if movement else t.NO_MOVEMENT
    if step == "summary" and "achievements" in data:
        summary = data["achievements"]
        return summary if len(summary) <= 200 else summary[:199] + "…"
    if step == "contact" and "contact_name" in data:
        phone = data.get("contact_phone")
        return f"{data['contact_name']}, {phone}" if phone else data["contact_name"]
    if step == "files" and data.get("attachments"):
        return t.FILES_SO_FAR.format(
            count=len(data["attachments"]), limit=MAX_FILES, names=_file_names(data)
        )
    return None


def _file_names(data: dict[str, Any]) -> str:
    return ", ".join(item["file_name"] for item in data.get("attachments", []))


def _review(services: Services, draft: NominationDraft) -> Reply:
    data = draft.data
    nominee_type = data["nominee_type"]
    kind = services.catalog.get(data["award_kind"])
    movement = data.get("movement")
    lines = [
        _numbered_step("review") + t.REVIEW,
        "",
        t.REVIEW_TYPE.format(value=t.NOMINEE_TYPES[nominee_type]),
        t.REVIEW_NAME[nominee_type].format(value=data["nominee_name"]),
    ]
    if data.get("position"):
        lines.append(t.REVIEW_POSITION.format(value=data["position"]))
    lines += [
        t.REVIEW_UNIT[nominee_type].format(value=data["unit"]),
        t.REVIEW_AWARD.format(value=kind.name if kind else data["award_kind"]),
    ]
    if kind is not None:
        lines.append(t.REVIEW_DUE.format(days=kind.working_days))
    lines += [
        t.REVIEW_MOVEMENT.format(
            value=_movements(services).name_of(movement) if movement else t.NO_MOVEMENT
        ),
        t.REVIEW_CONTACT.format(name=data["contact_name"], phone=data["contact_phone"]),
    ]
    files = data.get("attachments", [])
    if files:
        lines.append(t.REVIEW_FILES.format(count=len(files), names=_file_names(data)))
    else:
        lines.append(t.REVIEW_NO_FILES)
    lines += [t.REVIEW_SUMMARY.format(value=data["achievements"]), "", t.FOOTER]
    return Reply(
        "\n".join(lines),
        choices=(
            Choice(t.CONFIRM, _payload(draft, "ok")),
            Choice(t.EDIT, _payload(draft, "edit")),
            Choice(t.CANCEL, _payload(draft, "cancel")),
        ),
    )


def _payload(draft: NominationDraft, verb: str, value: str | None = None) -> str:
    payload = f"{PREFIX}:{draft.nonce}:{verb}"
    return f"{payload}:{value}" if value is not None else payload


def _offer_reply(draft: NominationDraft) -> Reply:
    return Reply(
        t.OPEN_DRAFT.format(
            summary=_draft_summary(draft),
            number=STEP_NUMBER[draft.step],
            total=TOTAL_STEPS,
        ),
        choices=(
            Choice(t.RESUME, _payload(draft, "resume")),
            Choice(t.RESTART, _payload(draft, "restart")),
        ),
    )


def _draft_summary(draft: NominationDraft) -> str:
    data = draft.data
    name = data.get("nominee_name") or t.DRAFT_UNNAMED
    nominee_type = data.get("nominee_type")
    return f"{t.NOMINEE_TYPES[nominee_type]} {name}" if nominee_type else name


def _movements(services: Services) -> MovementList:
    return movements_from(services.settings.movements_file)


# --- Expiry ---------------------------------------------------------------------------------


async def _open_draft(
    incoming: Incoming, services: Services
) -> tuple[NominationDraft | None, list[Reply]]:
    """The chat's draft, or None; an expired one is deleted and the officer told so."""
    draft = await services.nominations.get_draft(incoming.channel, incoming.chat_id)
    if draft is None:
        return None, []
    if draft.expired(services.now(), services.settings.draft_ttl):
        await services.nominations.delete_draft(incoming.channel, incoming.chat_id)
        return None, [Reply(_expired_text(services, draft))]
    return draft, []


def _expired_text(services: Services, draft: NominationDraft) -> str:
    return t.EXPIRED.format(
        summary=_draft_summary(draft), ttl=duration_text(services.settings.draft_ttl)
    )


def duration_text(span: timedelta) -> str:
    """24 h → `24 giờ`, 48 h → `2 ngày`, 90 min → `90 phút`."""
    minutes = math.ceil(span.total_seconds() / 60)
    if minutes % (24 * 60) == 0 and minutes >= 48 * 60:
        return t.DAYS.format(count=minutes // (24 * 60))
    if minutes % 60 == 0:
        return t.HOURS.format(count=minutes // 60)
    return t.MINUTES.format(count=minutes)


async def expire_drafts(services: Services) -> int:
    """Delete every draft untouched for TDKT_DRAFT_TTL and tell its officer via the outbox."""
    expired = await services.nominations.expire_drafts(
        cutoff=services.now() - services.settings.draft_ttl,
        now=services.now(),
        notice=lambda draft: {"text": _expired_text(services, draft)},
    )
    return len(expired)


# --- /denghicuatoi --------------------------------------------------------------------------


async def my_nominations(incoming: Incoming, services: Services, args: str) -> list[Reply]:
    page = int(args) if args.strip().isdecimal() else 1
    return [await _page(incoming, services, page)]


async def on_page(incoming: Incoming, services: Services, rest: str) -> list[Reply]:
    if await role_of(incoming, services) not in STAFF or not rest.isdecimal():
        return [Reply(tc.STALE_BUTTON)]
    return [await _page(incoming, services, int(rest))]


async def _page(incoming: Incoming, services: Services, page: int) -> Reply:
    total = await services.nominations.count_for_officer(incoming.actor)
    if total == 0:
        return Reply(t.MINE_EMPTY)
    pages = math.ceil(total / PAGE_SIZE)
    if not 1 <= page <= pages:
        return Reply(t.MINE_BAD_PAGE.format(page=page, pages=pages))
    items = await services.nominations.for_officer(
        incoming.actor, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE
    )
    today = services.today()
    lines = [t.MINE_HEADER.format(total=total, page=page, pages=pages)]
    for index, item in enumerate(items, start=(page - 1) * PAGE_SIZE + 1):
        overdue = item.status not in FINISHED and today > item.due_on
        lines.append(
            t.MINE_LINE.format(
                index=index,
                code=item.code,
                name=item.nominee_name,
                award=services.catalog.name_of(item.award_kind),
                status=item.status.label,
                due=vn_date(item.due_on),
                flag=t.MINE_OVERDUE if overdue else "",
            )
        )
    choices = []
    if page > 1:
        choices.append(Choice(t.MINE_PREV, f"{PAGE_PREFIX}:{page - 1}"))
    if page < pages:
        choices.append(Choice(t.MINE_NEXT, f"{PAGE_PREFIX}:{page + 1}"))
    return Reply("\n".join(lines), choices=tuple(choices))
