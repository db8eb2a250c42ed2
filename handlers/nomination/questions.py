"""The nomination chat's questions: the steps in order, each question, the review, expiry.

The draft lives in the database (db/nominations.py); every question saves it first, so a restart
resumes at the same step, and a new nonce makes the buttons of earlier questions stale.
"""

from __future__ import annotations

import math
import secrets
from datetime import timedelta
from typing import Any

from config.catalog import NomineeType
from config.eligibility import eligibility_from
from config.movements import MovementList, movements_from
from db.nominations import NominationDraft
from domain.eligibility import check
from handlers.buttons import ButtonData
from handlers.formatting import vn_number
from handlers.messages import Channel, Choice, Incoming, Reply
from handlers.nomination.fields import (
    MAX_FILE_BYTES,
    MAX_FILES,
    SUMMARY_MAX,
    SUMMARY_MIN,
    size_text,
)
from handlers.nomination.unit_list import facts_from_values
from handlers.nomination.verdicts import verdict_text
from handlers.services import Services
from handlers.texts import nomination as t

FLOW = "nomination"


class NominationButton(ButtonData, prefix="nm"):
    """A button of the guided chat: `nm:<nonce>:<verb>[:<value>]` for the draft `nonce` names.

    Every field may be empty, so any `nm:` payload reaches the chat, which tells an earlier
    step's button from a forged one itself.
    """

    nonce: str
    verb: str = ""
    value: str = ""


#: The questions in order; "phone" is asked only when the contact came without a number.
ORDER = ("type", "name", "unit", "award", "movement", "summary", "contact", "phone", "files")
#: "facts" (issue 24) is reached from the review only, so the nine steps stay as they were.
EDITABLE = ("type", "name", "unit", "award", "movement", "summary", "contact", "files", "facts")
TOTAL_STEPS = 9
STEP_NUMBER = {step: index for index, step in enumerate(ORDER, start=1)}
STEP_NUMBER.update({"phone": 7, "files": 8, "review": 9, "edit": 9, "facts": 9})
FIELD_OF_STEP = {
    "type": "nominee_type",
    "name": "nominee_name",
    "unit": "unit",
    "award": "award_kind",
    "movement": "movement",
    "summary": "achievements",
    "contact": "contact_name",
    "phone": "contact_phone",
}
SKIP_KEY = "-"


def answered(draft: NominationDraft) -> bool:
    """Whether the draft holds any answer worth offering to continue."""
    return any(key in draft.data for key in FIELD_OF_STEP.values())


def _filled(step: str, data: dict[str, Any]) -> bool:
    if step == "files":
        return bool(data.get("files_done"))
    return FIELD_OF_STEP[step] in data


def next_step(data: dict[str, Any]) -> str:
    """The first question still unanswered (after an edit or /quaylai: often the review)."""
    for step in ORDER:
        if not _filled(step, data):
            return step
    return "review"


# --- Questions ------------------------------------------------------------------------------


async def new_draft(incoming: Incoming, services: Services) -> list[Reply]:
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
    replies = await ask(services, draft)
    return [Reply(f"{t.INTRO}\n\n{replies[0].text}", choices=replies[0].choices)]


async def save(services: Services, draft: NominationDraft, *, renew: bool) -> None:
    """Store the draft; a new nonce makes the buttons of earlier questions stale."""
    if renew or not draft.nonce:
        draft.nonce = secrets.token_hex(4)
    draft.updated_at = services.now()
    await services.nominations.save_draft(draft)


async def ask(
    services: Services, draft: NominationDraft, *, error: str | None = None, renew: bool = True
) -> list[Reply]:
    """Save the draft and ask its current question (after `error` when an answer was bad)."""
    await save(services, draft, renew=renew)
    question = _question(services, draft)
    text = f"{error}\n\n{question.text}" if error else question.text
    return [Reply(text, choices=question.choices)]


def _question(services: Services, draft: NominationDraft) -> Reply:
    step, data = draft.step, draft.data
    if step == "review":
        return _review(services, draft)
    if step == "edit":
        choices = [Choice(t.EDIT_FIELDS[s], payload(draft, "field", s)) for s in EDITABLE]
        choices.append(Choice(t.BACK_TO_REVIEW, payload(draft, "review")))
        return Reply(numbered_step(step) + t.ASK_EDIT, choices=tuple(choices))
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
    elif step == "facts":
        award = services.catalog.name_of(data.get("award_kind", ""))
        lines.append(t.ASK_FACTS.format(award=award))
    current = _current_answer(services, step, data)
    if current:
        lines.append(t.CURRENT.format(value=current))
    if step != "type":  # the intro already says it, and there is no step before
        lines.append(t.FOOTER)
    text = numbered_step(step) + "\n".join(lines)
    if step == "files":
        return Reply(text, choices=files_choices(draft))
    options = step_options(services, draft)
    choices = tuple(Choice(label, payload(draft, "pick", key)) for label, key in options)
    return Reply(text, choices=choices)


def numbered_step(step: str) -> str:
    return t.STEP.format(number=STEP_NUMBER[step], total=TOTAL_STEPS)


def step_options(services: Services, draft: NominationDraft) -> list[tuple[str, str]]:
    """(label, key) of the choices the current question offers, in order."""
    step = draft.step
    if step == "type":
        return [(label, key) for key, label in t.NOMINEE_TYPES.items()]
    if step == "award":
        nominee_type = NomineeType(draft.data["nominee_type"])
        return [(kind.name, kind.code) for kind in services.catalog.for_nominee(nominee_type)]
    if step == "movement":
        options = [(item.name, item.code) for item in movements(services).movements]
        return [*options, (t.SKIP, SKIP_KEY)]
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


def files_choices(draft: NominationDraft) -> tuple[Choice, ...]:
    choices = [Choice(t.DONE, payload(draft, "done"))]
    if draft.data.get("attachments"):
        choices.append(Choice(t.CLEAR_FILES, payload(draft, "clear")))
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
        return movements(services).name_of(movement) if movement else t.NO_MOVEMENT
    if step == "summary" and "achievements" in data:
        summary = data["achievements"]
        return summary if len(summary) <= 200 else summary[:199] + "…"
    if step == "contact" and "contact_name" in data:
        phone = data.get("contact_phone")
        return f"{data['contact_name']}, {phone}" if phone else data["contact_name"]
    if step == "facts" and data.get("facts"):
        return facts_summary(data["facts"])
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
        numbered_step("review") + t.REVIEW,
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
        lines.append(review_verdict(services, data))
    lines += [
        t.REVIEW_MOVEMENT.format(
            value=movements(services).name_of(movement) if movement else t.NO_MOVEMENT
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
            Choice(t.CONFIRM, payload(draft, "ok")),
            Choice(t.EDIT, payload(draft, "edit")),
            Choice(t.CANCEL, payload(draft, "cancel")),
        ),
    )


def payload(draft: NominationDraft, verb: str, value: str = "") -> str:
    return NominationButton(draft.nonce, verb, value).pack()


def offer_reply(draft: NominationDraft) -> Reply:
    return Reply(
        t.OPEN_DRAFT.format(
            summary=_draft_summary(draft),
            number=STEP_NUMBER[draft.step],
            total=TOTAL_STEPS,
        ),
        choices=(
            Choice(t.RESUME, payload(draft, "resume")),
            Choice(t.RESTART, payload(draft, "restart")),
        ),
    )


def _draft_summary(draft: NominationDraft) -> str:
    data = draft.data
    name = data.get("nominee_name") or t.DRAFT_UNNAMED
    nominee_type = data.get("nominee_type")
    return f"{t.NOMINEE_TYPES[nominee_type]} {name}" if nominee_type else name


def movements(services: Services) -> MovementList:
    return movements_from(services.settings.movements_file)


# --- Expiry ---------------------------------------------------------------------------------


async def open_draft(
    incoming: Incoming, services: Services
) -> tuple[NominationDraft | None, list[Reply]]:
    """The chat's draft, or None; an expired one is deleted and the officer told so."""
    draft = await services.nominations.get_draft(incoming.channel, incoming.chat_id)
    if draft is None:
        return None, []
    if draft.expired(services.now(), services.settings.draft_ttl):
        await services.nominations.delete_draft(incoming.channel, incoming.chat_id)
        return None, [Reply(expired_text(services, draft))]
    return draft, []


def expired_text(services: Services, draft: NominationDraft) -> str:
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
        notice=lambda draft: {"text": expired_text(services, draft)},
    )
    return len(expired)


def review_verdict(services: Services, data: dict[str, Any]) -> str:
    """The eligibility line of the review card: the verdict on the facts given, or how to
    give them."""
    if not data.get("facts"):
        return t.REVIEW_NO_FACTS
    rules = eligibility_from(services.settings.eligibility_file)
    problems: list[str] = []
    facts = facts_from_values(
        dict(data["facts"]),
        data["nominee_type"],
        data["award_kind"].upper(),
        services.catalog,
        services.today().year,
        problems,
    )
    verdict = check(facts, rules, services.today().year)
    return t.REVIEW_VERDICT.format(
        verdict=verdict_text(verdict, rules, services.catalog, facts.award)
    )


def facts_summary(values: dict[str, str]) -> str:
    return "; ".join(f"{t.FACT_LABELS[key]}: {value}" for key, value in values.items() if value)
