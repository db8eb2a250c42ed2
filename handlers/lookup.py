"""Citizen lookup (tra cứu hồ sơ): dossier code, then the phone's last 4 digits, then the card.

Usage: send a code such as `000.00.21.H33-170626-0001`, or `/tracuu CODE`, or open the
receipt's deep link; answer with the last 4 digits of the phone number on the dossier.
"""

from __future__ import annotations

import hmac
import re
from datetime import datetime, timedelta

from db.models import Conversation, Dossier
from handlers.conversation import start_flow
from handlers.domain.codes import EXAMPLE_CODE, code_variants, normalize_code
from handlers.domain.statuses import FINISHED, RESOLVED, Status
from handlers.formatting import vn_date, vn_datetime
from handlers.messages import Incoming, Reply
from handlers.router import Router
from handlers.services import Services
from handlers.texts import common as tc
from handlers.texts import lookup as t

FLOW = "lookup"
MAX_FAILURES_PER_CHAT = 5
MAX_FAILURES_PER_DOSSIER = 10
FAILURE_WINDOW = timedelta(hours=1)
HISTORY_ON_CARD = 3
_DIGITS_RE = re.compile(r"\d{4}")

#: `Reply.extra["lookup"]` says what a lookup reply is, so channels without a chat (the web
#: page) can tell a status card from a refusal without parsing text.
OUTCOME = "lookup"
ASK_PHONE, CARD, WRONG, COOLDOWN, NOT_FOUND, NO_PHONE = (
    "ask_phone",
    "card",
    "wrong",
    "cooldown",
    "not_found",
    "no_phone",
)


def _tagged(reply: Reply, outcome: str) -> Reply:
    return Reply(
        reply.text,
        reply.choices,
        reply.image,
        reply.image_name,
        reply.document,
        reply.document_name,
        {**reply.extra, OUTCOME: outcome},
    )


def register(router: Router) -> None:
    router.command("tracuu", tracuu, tc.COMMAND_DESCRIPTIONS["tracuu"])
    router.flow(FLOW, continue_lookup)
    router.text(code_in_text)


async def tracuu(incoming: Incoming, services: Services, args: str) -> list[Reply]:
    if not args:
        await start_flow(services, incoming, FLOW, "code", {})
        return [Reply(t.ASK_CODE.format(example=EXAMPLE_CODE))]
    code = normalize_code(args)
    if code is None:
        return [Reply(t.BAD_FORMAT.format(text=_shorten(args), example=EXAMPLE_CODE))]
    return await begin(incoming, services, code)


async def code_in_text(incoming: Incoming, services: Services) -> list[Reply] | None:
    """A plain message that is a dossier code starts a lookup; anything else is not ours."""
    code = normalize_code(incoming.text or "")
    if code is None:
        if _looks_like_code(incoming.text or ""):
            return [
                Reply(t.BAD_FORMAT.format(text=_shorten(incoming.text or ""), example=EXAMPLE_CODE))
            ]
        return None
    return await begin(incoming, services, code)


async def begin(
    incoming: Incoming, services: Services, code: str, *, then: str | None = None
) -> list[Reply]:
    """Find the dossier and ask for the second factor; `then="follow"` follows it after."""
    dossier = await services.dossiers.find_first(code_variants(code, services.legacy_provinces))
    # Failures are counted under the stored code, whichever province spelling was typed.
    cooldown = await _cooldown_until(services, incoming, dossier.code if dossier else code)
    if cooldown is not None:
        return [
            _tagged(Reply(t.COOLDOWN.format(until=vn_datetime(cooldown, services.tz))), COOLDOWN)
        ]
    if dossier is None:
        await services.conversations.clear(incoming.channel, incoming.chat_id)
        return [_tagged(Reply(t.NOT_FOUND.format(code=code, example=EXAMPLE_CODE)), NOT_FOUND)]
    if not dossier.phone_last4:
        return [_tagged(Reply(t.NO_PHONE_ON_FILE.format(code=dossier.code)), NO_PHONE)]
    await start_flow(services, incoming, FLOW, "phone", {"code": dossier.code, "then": then})
    return [_tagged(Reply(t.ASK_PHONE.format(code=dossier.code)), ASK_PHONE)]


async def continue_lookup(
    incoming: Incoming, services: Services, conversation: Conversation
) -> list[Reply]:
    text = incoming.text or ""
    if not text:
        return [Reply(tc.TEXT_EXPECTED if incoming.attachments else t.PHONE_FORMAT)]
    code = normalize_code(text)
    if code is not None:
        return await begin(incoming, services, code)
    if conversation.step == "code":
        return [Reply(t.BAD_FORMAT.format(text=_shorten(text), example=EXAMPLE_CODE))]
    digits = re.sub(r"[\s.\-]", "", text)
    if not _DIGITS_RE.fullmatch(digits):
        return [Reply(t.PHONE_FORMAT)]
    return await verify(
        incoming, services, conversation.data["code"], digits, conversation.data.get("then")
    )


async def verify(
    incoming: Incoming, services: Services, code: str, digits: str, then: str | None = None
) -> list[Reply]:
    """Check the last 4 phone digits for the stored `code`; the card when they match."""
    cooldown = await _cooldown_until(services, incoming, code)
    if cooldown is not None:
        return [
            _tagged(Reply(t.COOLDOWN.format(until=vn_datetime(cooldown, services.tz))), COOLDOWN)
        ]
    dossier = await services.dossiers.get_by_code(code)
    if dossier is None:
        await services.conversations.clear(incoming.channel, incoming.chat_id)
        return [_tagged(Reply(t.NOT_FOUND.format(code=code, example=EXAMPLE_CODE)), NOT_FOUND)]
    now = services.now()
    ok = hmac.compare_digest(digits.encode(), dossier.phone_last4.encode())
    await services.attempts.record(
        channel=incoming.channel,
        chat_id=incoming.chat_id,
        dossier_code=code,
        at=now,
        succeeded=ok,
        end_conversation=ok,
    )
    if ok:
        from handlers import follow  # follow starts lookups too; import here, not at the top

        card = _tagged(await status_card(services, dossier), CARD)
        if then == "follow":
            return [card, await follow.add_follow(incoming, services, dossier)]
        return [await follow.with_follow_button(incoming, services, dossier, card)]
    left = await _attempts_left(services, incoming, code)
    if left <= 0:
        until = await _cooldown_until(services, incoming, code)
        until_text = vn_datetime(until or now, services.tz)
        return [_tagged(Reply(t.COOLDOWN.format(until=until_text)), COOLDOWN)]
    return [_tagged(Reply(t.WRONG_PHONE.format(left=left)), WRONG)]


async def _attempts_left(services: Services, incoming: Incoming, code: str) -> int:
    since = services.now() - FAILURE_WINDOW
    by_chat = await services.attempts.failures_for_chat(incoming.channel, incoming.chat_id, since)
    by_dossier = await services.attempts.failures_for_dossier(code, since)
    return min(MAX_FAILURES_PER_CHAT - by_chat, MAX_FAILURES_PER_DOSSIER - by_dossier)


async def _cooldown_until(services: Services, incoming: Incoming, code: str) -> datetime | None:
    """When the lookup opens again, or None when the chat and the dossier are not locked."""
    by_chat, by_dossier = await services.attempts.recent_failures(
        services.now() - FAILURE_WINDOW,
        channel=incoming.channel,
        chat_id=incoming.chat_id,
        dossier_code=code,
    )
    # A full limit opens again when the failure that keeps it full leaves the window.
    opens = [
        times[len(times) - limit]
        for times, limit in (
            (by_chat, MAX_FAILURES_PER_CHAT),
            (by_dossier, MAX_FAILURES_PER_DOSSIER),
        )
        if len(times) >= limit
    ]
    return max(opens) + FAILURE_WINDOW if opens else None


async def status_card(services: Services, dossier: Dossier) -> Reply:
    """The status card (thẻ trạng thái) a verified citizen sees."""
    lines = [
        t.CARD_TITLE.format(code=dossier.code),
        t.CARD_AWARD.format(award=services.catalog.name_of(dossier.award_kind)),
        t.CARD_NOMINEE.format(nominee=dossier.nominee),
    ]
    if dossier.unit:
        lines.append(t.CARD_UNIT.format(unit=dossier.unit))
    kind = services.catalog.get(dossier.award_kind)
    # Decided above the province: the due date is the board's own step (issue 12).
    above = kind if kind is not None and kind.board_step_only else None
    # The portal's word first (what the citizen also sees on Cổng DVC), our step in brackets.
    lines += [
        t.CARD_STATUS.format(label=dossier.status.citizen_label),
        t.CARD_RECEIVED.format(date=vn_date(dossier.received_on)),
        (t.CARD_DUE_BOARD_STEP if above else t.CARD_DUE).format(date=vn_date(dossier.due_on)),
    ]
    if above is not None and dossier.status not in FINISHED:
        lines.append(t.CARD_BOARD_STEP_NOTE.format(authority=above.authority))
    if above is not None and dossier.status is Status.passed:
        submitted = dossier.resolved_on or dossier.due_on
        lines.append(t.CARD_SUBMITTED.format(date=vn_date(submitted), authority=above.authority))
    else:
        lines.append(_deadline_line(services, dossier))
    if dossier.decision_no:
        lines.append(t.CARD_DECISION.format(decision=dossier.decision_no))
    if dossier.note and dossier.note != dossier.decision_no:
        template = {
            Status.rejected: t.CARD_REASON,
            Status.needs_supplement: t.CARD_SUPPLEMENT,
        }.get(dossier.status, t.CARD_NOTE)
        lines.append(template.format(note=dossier.note))
    history = await services.dossiers.history(dossier.id, limit=HISTORY_ON_CARD)
    if history:
        lines += ["", t.CARD_HISTORY]
        for entry in history:
            line = t.CARD_HISTORY_LINE.format(
                when=vn_datetime(entry.changed_at, services.tz), label=entry.to_status.label
            )
            if entry.note:
                line += t.CARD_HISTORY_NOTE.format(note=entry.note)
            lines.append(line)
    return Reply("\n".join(line for line in lines if line is not None))


def _deadline_line(services: Services, dossier: Dossier) -> str | None:
    if dossier.status in RESOLVED and dossier.resolved_on is not None:
        template = (
            t.CARD_RESOLVED_ON_TIME
            if dossier.resolved_on <= dossier.due_on
            else t.CARD_RESOLVED_LATE
        )
        return template.format(date=vn_date(dossier.resolved_on))
    if dossier.status in FINISHED:
        return None
    if dossier.status is Status.needs_supplement:
        return t.CARD_PAUSED
    today = services.today()
    if today > dossier.due_on:
        overdue = services.calendar.working_days_between(dossier.due_on, today)
        return t.CARD_OVERDUE.format(days=max(overdue, 1))
    left = services.calendar.working_days_between(today, dossier.due_on)
    return t.CARD_DUE_TODAY if left == 0 else t.CARD_DAYS_LEFT.format(days=left)


def _looks_like_code(text: str) -> bool:
    """Something with the shape of a code (digits and dashes) that did not parse."""
    compact = text.strip()
    return 10 <= len(compact) <= 60 and compact.count("-") >= 2 and " " not in compact


def _shorten(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
