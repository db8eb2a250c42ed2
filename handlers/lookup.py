"""Citizen lookup (tra cứu hồ sơ): dossier code, then the phone's last 4 digits, then the card.

Usage: send a code such as `000.00.21.H33-170626-0001`, or `/tracuu CODE`, or open the
receipt's deep link; answer with the last 4 digits of the phone number on the dossier.

Guessing policy (chính sách chống dò), all counted over the last hour:

- A chat may give wrong digits 5 times; then its lookups pause until the oldest of those five
  is an hour old. On the web page the chat is a client address, shared by many people behind
  CGNAT or the desk's Wi-Fi: there the 5 count per (address, dossier), and the address as a
  whole pauses only once its wrong digits reach 10 different dossiers in the hour.
- Per dossier, strangers' wrong digits (from chats that never proved that dossier) are
  checked at once 10 times; after that each further check waits 30 s after the last
  failure, doubled per failure, at most 15 minutes. The dossier is never locked: the owner
  waits at most 15 minutes after the guessing stops, and a chat that proved the dossier
  before is never held by strangers at all (only by its own limit).
- Per channel, strangers' wrong digits over all dossiers are capped by TDKT_GUESS_BUDGET
  (300); past it, chats that never proved the dossier wait until the hour rolls on.
- Whether a code exists is told at most 20 distinct codes per chat per hour, and 10 "not
  found" answers end in a cooldown. A chat in any cooldown gets the same answer whether the
  code exists or not, and the dossier's own state is told only after the digits are asked.

The limits are read, the digits compared and the attempt written in one write transaction
(`Database.transaction()`, BEGIN IMMEDIATE under the process-wide lock), so simultaneous
guesses never check more than the allowance.
"""

from __future__ import annotations

import hmac
import re
from datetime import datetime, timedelta

from db.attempts import ChatLimits, GuessState, ProbeState, Transaction
from db.models import Conversation, Dossier
from domain.codes import EXAMPLE_CODE, code_variants, normalize_code
from domain.statuses import FINISHED, RESOLVED, Status
from handlers import card_dates, lookup_otp
from handlers.conversation import new_conversation, start_flow
from handlers.follow_card import add_follow, with_follow_button
from handlers.formatting import vn_date, vn_datetime
from handlers.messages import Channel, Incoming, Reply
from handlers.router import Router
from handlers.services import Services
from handlers.texts import common as tc
from handlers.texts import lookup as t
from handlers.texts import newuser as tn

FLOW = "lookup"
FAILURE_WINDOW = timedelta(hours=1)
#: Wrong digits per chat (the web page: per client address and dossier) per hour.
MAX_FAILURES_PER_CHAT = 5
#: The web page: an address whose wrong digits reach this many dossiers in an hour pauses.
ADDRESS_DOSSIERS = 10
#: Strangers' wrong digits per dossier per hour checked at once; after them each check waits
#: SLOW_BASE, doubled per further failure, at most SLOW_CAP after the last one.
FREE_STRANGER_FAILURES = 10
SLOW_BASE = timedelta(seconds=30)
SLOW_CAP = timedelta(minutes=15)
#: Distinct codes answered "found"/"not found" per chat per hour, and "not found" answers.
MAX_CODES_PER_CHAT = 20
MAX_NOT_FOUND_PER_CHAT = 10
HISTORY_ON_CARD = 3
#: ASCII only: the door (router.clean_text) turned any script's digits into these.
_DIGITS_RE = re.compile(r"[0-9]{4}")
_OTP_RE = re.compile(r"[0-9]{6}")

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
    router.button(lookup_otp.OtpButton, _otp_button)


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
    # Probes are counted under the stored code, whichever province spelling was typed.
    stored = dossier.code if dossier else code
    # The limits, the code answer's record and the conversation step: one write.
    async with services.db.transaction() as conn:
        limits = await _chat_limits(services, conn, incoming, stored)
        refusal = _chat_lock(services, limits)
        if refusal is None:
            refusal = await _probe(
                services, conn, incoming, stored, limits.probes, found=dossier is not None
            )
        if refusal is None and dossier is None:
            await services.conversations.clear_on(conn, incoming.channel, incoming.chat_id)
        elif refusal is None and dossier is not None and dossier.phone_last4:
            data = {"code": dossier.code, "then": then}
            await services.conversations.save_on(
                conn, new_conversation(services, incoming, FLOW, "phone", data)
            )
    if refusal is not None:
        return [refusal]
    if dossier is None:
        return [_tagged(Reply(t.NOT_FOUND.format(code=code, example=EXAMPLE_CODE)), NOT_FOUND)]
    if not dossier.phone_last4:
        return [_tagged(Reply(t.NO_PHONE_ON_FILE.format(code=dossier.code)), NO_PHONE)]
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
    if conversation.step == "otp" and _OTP_RE.fullmatch(digits):
        return await verify_otp(
            incoming, services, conversation.data["code"], digits, conversation.data.get("then")
        )
    if not _DIGITS_RE.fullmatch(digits):
        return [Reply(t.PHONE_FORMAT)]
    return await verify(
        incoming, services, conversation.data["code"], digits, conversation.data.get("then")
    )


async def verify(
    incoming: Incoming, services: Services, code: str, digits: str, then: str | None = None
) -> list[Reply]:
    """Check the last 4 phone digits for the stored `code`; the card when they match.

    The limits are read, the digits compared and the attempt written in one write
    transaction, so simultaneous guesses never check more than the allowance.
    """
    dossier = await services.dossiers.get_by_code(code)
    now = services.now()
    ok = False
    held_by_strangers = False
    async with services.db.transaction() as conn:
        limits = await _chat_limits(services, conn, incoming, code)
        chat_failures = limits.failures
        refusal = _chat_lock(services, limits)
        if refusal is None:
            # A direct call (the web page) that skipped begin() still spends the code budget.
            refusal = await _probe(
                services, conn, incoming, code, limits.probes, found=dossier is not None
            )
        if refusal is None and dossier is None:
            await services.conversations.clear_on(conn, incoming.channel, incoming.chat_id)
        elif refusal is None and dossier is not None and dossier.phone_last4:
            state = await services.attempts.guess_state(
                conn,
                channel=incoming.channel,
                chat_id=incoming.chat_id,
                dossier_code=code,
                since=now - FAILURE_WINDOW,
                channel_budget=services.settings.guess_budget,
            )
            refusal = _held(services, state, now)
            if refusal is None:
                ok = hmac.compare_digest(digits.encode(), dossier.phone_last4.encode())
                await services.attempts.record_on(
                    conn,
                    channel=incoming.channel,
                    chat_id=incoming.chat_id,
                    dossier_code=code,
                    at=now,
                    succeeded=ok,
                    proven=state.proven,
                    end_conversation=ok,
                )
                if not ok:
                    chat_failures = [now, *chat_failures]
            else:
                # Strangers' guessing holds this chat: offer the owner a way the stranger lacks.
                held_by_strangers = True
    if refusal is not None and held_by_strangers and dossier is not None:
        return [refusal, await lookup_otp.offer(services, dossier)]
    if refusal is not None:
        return [refusal]
    if dossier is None:
        return [_tagged(Reply(t.NOT_FOUND.format(code=code, example=EXAMPLE_CODE)), NOT_FOUND)]
    if not dossier.phone_last4:
        return [_tagged(Reply(t.NO_PHONE_ON_FILE.format(code=dossier.code)), NO_PHONE)]
    if ok:
        return await _card(incoming, services, dossier, then)
    left = MAX_FAILURES_PER_CHAT - len(chat_failures)
    if left <= 0:
        until = chat_failures[MAX_FAILURES_PER_CHAT - 1] + FAILURE_WINDOW
        return [_cooldown(services, t.COOLDOWN, until)]
    return [_tagged(Reply(t.WRONG_PHONE.format(left=left)), WRONG)]


async def _card(
    incoming: Incoming, services: Services, dossier: Dossier, then: str | None
) -> list[Reply]:
    card = _tagged(await status_card(services, dossier), CARD)
    if then == "follow":
        return [card, await add_follow(incoming, services, dossier)]
    return [await with_follow_button(incoming, services, dossier, card)]


async def _otp_button(
    incoming: Incoming, services: Services, button: lookup_otp.OtpButton
) -> list[Reply]:
    return await ask_code(incoming, services, button.code)


async def ask_code(incoming: Incoming, services: Services, code: str) -> list[Reply]:
    """The "Nhận mã qua Zalo" button: a one-time code to the phone on the dossier."""
    dossier = await services.dossiers.get_by_code(code)
    if dossier is None:
        return [Reply(tc.STALE_BUTTON)]
    conversation = await services.conversations.get(incoming.channel, incoming.chat_id)
    then = None
    if conversation is not None and conversation.flow == FLOW:
        then = conversation.data.get("then")
    data = {"code": dossier.code, "then": then}
    return [await lookup_otp.send_code(services, incoming, dossier, flow=FLOW, data=data)]


async def verify_otp(
    incoming: Incoming, services: Services, code: str, typed: str, then: str | None = None
) -> list[Reply]:
    """The one-time code sent by ZNS proves the phone like the digits do, past any hold."""
    dossier = await services.dossiers.get_by_code(code)
    if dossier is None:
        return [_tagged(Reply(t.NOT_FOUND.format(code=code, example=EXAMPLE_CODE)), NOT_FOUND)]
    ok, refusal = await lookup_otp.check_code(services, incoming, code, typed)
    if not ok:
        return [_tagged(refusal or Reply(t.PHONE_FORMAT), WRONG)]
    async with services.db.transaction() as conn:
        # Proven from now on: strangers' guessing never holds this chat for this dossier again.
        await services.attempts.record_on(
            conn,
            channel=incoming.channel,
            chat_id=incoming.chat_id,
            dossier_code=code,
            at=services.now(),
            succeeded=True,
            proven=False,
            end_conversation=True,
        )
    return await _card(incoming, services, dossier, then)


def _cooldown(services: Services, template: str, until: datetime) -> Reply:
    return _tagged(Reply(template.format(until=vn_datetime(until, services.tz))), COOLDOWN)


async def _chat_limits(
    services: Services, conn: Transaction, incoming: Incoming, code: str
) -> ChatLimits:
    """The chat's wrong digits and its code answers in the window: one read.

    On the web page the chat is a client address, which many people may share (CGNAT, the
    desk's Wi-Fi): its wrong digits count per (address, dossier), and the address as a whole
    pauses only once they reach ADDRESS_DOSSIERS different dossiers.
    """
    shared = incoming.channel == Channel.web
    return await services.attempts.chat_limits(
        conn,
        channel=incoming.channel,
        chat_id=incoming.chat_id,
        since=services.now() - FAILURE_WINDOW,
        failure_limit=MAX_FAILURES_PER_CHAT,
        not_found_limit=MAX_NOT_FOUND_PER_CHAT,
        dossier_code=code if shared else None,
        spread=ADDRESS_DOSSIERS if shared else 0,
    )


def _chat_lock(services: Services, limits: ChatLimits) -> Reply | None:
    """The chat's own wrong digits: 5 in an hour pause its lookups (on the page: of that
    dossier from that address; an address whose failures reach 10 dossiers pauses whole)."""
    failures = limits.failures
    if len(failures) >= MAX_FAILURES_PER_CHAT:
        # A full limit opens again when the failure that keeps it full leaves the window.
        until = failures[MAX_FAILURES_PER_CHAT - 1] + FAILURE_WINDOW
        return _cooldown(services, t.COOLDOWN, until)
    if limits.spread_full_at is not None:
        return _cooldown(services, t.ADDRESS_BUSY, limits.spread_full_at + FAILURE_WINDOW)
    return None


def _held(services: Services, state: GuessState, now: datetime) -> Reply | None:
    """A stranger's guess waits while the dossier is slowed or the channel's budget is spent.

    A chat that proved this dossier before is never held here: strangers cannot lock out
    the owner. The chat's own limit is checked in `_chat_lock`.
    """
    if state.proven:
        return None
    if state.channel_full_at is not None:
        return _cooldown(services, t.BUSY, state.channel_full_at + FAILURE_WINDOW)
    extra = state.dossier_failures - FREE_STRANGER_FAILURES
    if extra >= 0 and state.dossier_last is not None:
        gap = min(SLOW_BASE * 2**extra, SLOW_CAP)
        opens = state.dossier_last + gap
        if now < opens:
            return _cooldown(services, t.DOSSIER_SLOWED, opens)
    return None


async def _probe(
    services: Services,
    conn: Transaction,
    incoming: Incoming,
    code: str,
    state: ProbeState,
    *,
    found: bool,
) -> Reply | None:
    """Answer "found" or "not found" only within the chat's hourly budget, and record it.

    A code already answered in the window costs nothing more when found (the answer is
    known); each "not found" counts towards the burst limit.
    """
    now = services.now()
    if len(state.not_found) >= MAX_NOT_FOUND_PER_CHAT:
        until = state.not_found[MAX_NOT_FOUND_PER_CHAT - 1] + FAILURE_WINDOW
        return _cooldown(services, t.TOO_MANY_CODES, until)
    known = any(seen == code for seen, _at in state.codes)
    if not known and len(state.codes) >= MAX_CODES_PER_CHAT:
        until = state.codes[len(state.codes) - MAX_CODES_PER_CHAT][1] + FAILURE_WINDOW
        return _cooldown(services, t.TOO_MANY_CODES, until)
    if not known or not found:
        await services.attempts.record_probe(
            conn,
            channel=incoming.channel,
            chat_id=incoming.chat_id,
            code=code,
            found=found,
            at=now,
        )
    return None


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
        _status_line(dossier.status),
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
    supplement_by, date_lines = await card_dates.card_lines(services, dossier)
    if dossier.note and dossier.note != dossier.decision_no:
        template = {
            Status.rejected: t.CARD_REASON,
            Status.needs_supplement: t.CARD_SUPPLEMENT,
        }.get(dossier.status, t.CARD_NOTE)
        lines.append(template.format(note=dossier.note) + supplement_by)
    lines += date_lines
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


def _status_line(status: Status) -> str:
    """The portal's word first, except for a passed dossier: the board's part is resolved
    (the line below says when), only the higher authority's decision is awaited."""
    if status is Status.passed:
        return tn.CARD_STATUS_PASSED.format(label=status.label, portal=status.portal_label)
    return t.CARD_STATUS.format(label=status.citizen_label)


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
