"""Personal data (dữ liệu cá nhân, Law 91/2025/QH15): the notice, the chat's data, erasing it.

Usage: `/baomat` tells who controls the data, why, what is kept and how long, and how to use
each right; `/dulieucuatoi` shows the data itself; `/xoadulieu` asks for confirmation, then
erases or anonymises everything the chat owns and says what stays and why. Old attempts,
inbound update ids and settled notices are purged after TDKT_RETENTION_DAYS (`purge`, run by
the scheduler).
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from db.personal_data import Entry, PersonalDataRepository, Purged
from handlers.buttons import ButtonData
from handlers.conversation import current_flow, start_flow
from handlers.formatting import vn_datetime
from handlers.lookup import FAILURE_WINDOW
from handlers.messages import Choice, Incoming, Reply
from handlers.router import Router
from handlers.services import Services
from handlers.texts import citizen as tcz
from handlers.texts import common as tc
from handlers.texts import follow as tf
from handlers.texts import privacy as t
from handlers.texts import staff as ts

FLOW = "erase"
#: Items of each kind shown by /dulieucuatoi; older ones are counted.
SHOWN = 20
_DETAIL_CHARS = 80
#: What an erasure keeps (the last hour's wrong digits and code answers) is deleted this long
#: after it, by the scheduler's purge (every minute): the guessing limits look back one hour.
ERASURE_HOLD = FAILURE_WINDOW


def register(router: Router) -> None:
    router.command("baomat", notice, t.COMMANDS["baomat"])
    router.command("dulieucuatoi", my_data, tf.COMMANDS["dulieucuatoi"])
    router.command("xoadulieu", erase, tf.COMMANDS["xoadulieu"])
    router.button(EraseAnswer, on_button)


class EraseAnswer(ButtonData, prefix="pd"):
    """The answer (`yes`/`no`) to "Xóa dữ liệu của bạn?"; `nonce` ties it to that question."""

    nonce: str
    answer: str


def short_notice(services: Services) -> str:
    """The few lines a person reads at first contact (the /start welcome)."""
    return t.SHORT_NOTICE.format(
        controller=services.settings.controller_name, days=services.settings.retention_days
    )


async def notice(incoming: Incoming, services: Services, _args: str) -> list[Reply]:
    settings = services.settings
    return [
        Reply(
            t.NOTICE.format(
                controller=settings.controller_name,
                contact=settings.controller_contact,
                days=settings.retention_days,
                zns=t.NOTICE_ZNS.format(days=settings.phone_retention_days)
                if settings.zns_on
                else "",
            )
        )
    ]


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _DETAIL_CHARS else text[: _DETAIL_CHARS - 1] + "…"


def _draft_text(data: str) -> str:
    try:
        values: Any = json.loads(data)
    except ValueError:
        return ""
    if not isinstance(values, dict):
        return ""
    return _short("; ".join(str(value) for value in values.values() if value not in ("", None)))


async def my_data(incoming: Incoming, services: Services, _args: str) -> list[Reply]:
    data = await PersonalDataRepository(services.db).of_chat(
        incoming.channel, incoming.chat_id, limit=SHOWN
    )
    member = await services.staff.by_user(incoming.channel, incoming.sender_id)
    days = services.settings.retention_days

    def when(entry: Entry) -> str:
        return vn_datetime(entry.at, services.tz)

    def section(title: str, entries: list[Entry], total: int, detail: dict[str, str]) -> list[str]:
        if not entries:
            return []
        lines = ["", title.format(count=total, days=days)]
        for entry in entries:
            shown = detail.get(entry.detail, _short(entry.detail))
            template = t.MY_DATA_LINE if shown else t.MY_DATA_SHORT_LINE
            lines.append(template.format(when=when(entry), what=_short(entry.what), detail=shown))
        if total > len(entries):
            lines.append(t.MY_DATA_MORE.format(count=total - len(entries)))
        return lines

    lines: list[str] = []
    if data.follows:
        lines += ["", t.MY_DATA_FOLLOWS.format(count=len(data.follows))]
        for entry in data.follows:
            template = t.MY_DATA_FOLLOW_OFF if entry.detail else t.MY_DATA_FOLLOW
            lines.append(template.format(what=entry.what, when=when(entry)))
    hold = await PersonalDataRepository(services.db).erasure_hold(
        incoming.channel, incoming.chat_id
    )
    kept: list[str] = []
    if hold is not None:
        # Kept by /xoadulieu for the guessing limits: deleted at keep_until, not in 90 days.
        data.probes, kept_probes = _split(data.probes, hold.erased_at)
        data.attempts, kept_attempts = _split(data.attempts, hold.erased_at)
        data.probes_total -= len(kept_probes)
        data.attempts_total -= len(kept_attempts)
        if kept_probes or kept_attempts:
            kept = [
                "",
                t.MY_DATA_ERASURE_KEPT.format(
                    erased=when(Entry(hold.erased_at, "")),
                    attempts=len(kept_attempts),
                    probes=len(kept_probes),
                    until=when(Entry(hold.keep_until, "")),
                ),
            ]
    lines += section(t.MY_DATA_PROBES, data.probes, data.probes_total, t.PROBE_RESULTS)
    lines += section(t.MY_DATA_ATTEMPTS, data.attempts, data.attempts_total, t.ATTEMPT_RESULTS)
    lines += kept
    lines += section(t.MY_DATA_NOTICES, data.notices, data.notices_total, t.NOTICE_STATES)
    lines += section(t.MY_DATA_NOMINATIONS, data.nominations, len(data.nominations), {})
    lines += section(t.MY_DATA_FILES, data.files, len(data.files), {})
    lines += section(tcz.MY_DATA_RATINGS, data.ratings, len(data.ratings), {})
    extra = []
    if data.conversation is not None:
        flow = t.FLOW_NAMES.get(data.conversation.what, data.conversation.what)
        extra.append(t.MY_DATA_CONVERSATION.format(what=flow, when=when(data.conversation)))
    if data.draft is not None:
        extra.append(
            t.MY_DATA_DRAFT.format(what=_draft_text(data.draft.detail), when=when(data.draft))
        )
    if data.blocked_at is not None:
        extra.append(t.MY_DATA_BLOCKED.format(when=vn_datetime(data.blocked_at, services.tz)))
    if member is not None:
        extra.append(t.MY_DATA_STAFF.format(role=ts.ROLE_NAMES[member.role], name=member.name))
    if extra:
        lines += ["", *extra]
    if not lines:
        return [Reply(t.MY_DATA_EMPTY)]
    return [Reply("\n".join([t.MY_DATA_HEADER, *lines, "", t.MY_DATA_FOOTER]))]


def _split(entries: list[Entry], erased_at: datetime) -> tuple[list[Entry], list[Entry]]:
    """(newer than the erasure, kept by it)."""
    return [e for e in entries if e.at > erased_at], [e for e in entries if e.at <= erased_at]


async def erase(incoming: Incoming, services: Services, _args: str) -> list[Reply]:
    conversation = await start_flow(services, incoming, FLOW, "confirm", {})
    nonce = conversation.nonce
    return [
        Reply(
            t.ERASE_CONFIRM,
            choices=(
                Choice(t.ERASE_YES, EraseAnswer(nonce, "yes").pack()),
                Choice(t.ERASE_NO, EraseAnswer(nonce, "no").pack()),
            ),
        )
    ]


async def on_button(incoming: Incoming, services: Services, button: EraseAnswer) -> list[Reply]:
    nonce, answer = button.nonce, button.answer
    if await current_flow(services, incoming, FLOW, nonce) is None:
        return [Reply(tc.STALE_BUTTON)]
    if answer == "yes":
        now = services.now()
        await PersonalDataRepository(services.db).erase_chat(
            incoming.channel,
            incoming.chat_id,
            keep_limits_since=now - FAILURE_WINDOW,
            now=now,
            keep_until=now + ERASURE_HOLD,
        )
        member = await services.staff.by_user(incoming.channel, incoming.sender_id)
        return [Reply(t.ERASED.format(staff_line=t.ERASED_STAFF if member else ""))]
    await services.conversations.clear(incoming.channel, incoming.chat_id)
    return [Reply(t.ERASE_KEPT)]


async def purge(services: Services) -> Purged:
    """Delete what is older than TDKT_RETENTION_DAYS, and what erased chats kept for an hour
    once the hour is over (the scheduler runs this every minute)."""
    now = services.now()
    repository = PersonalDataRepository(services.db)
    erased = await repository.purge_erased(now)
    old = await repository.purge(now - timedelta(days=services.settings.retention_days))
    return Purged(
        old.attempts + erased.attempts,
        old.probes + erased.probes,
        old.inbound,
        old.notices,
        erased.erased,
    )
