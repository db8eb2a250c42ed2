"""Bulk status updates (cập nhật hàng loạt): many dossiers, one status and note, one confirmation.

Usage: `/capnhat` followed by several codes (one per line, or pasted from an Excel column), or
"Cập nhật nhiều hồ sơ trong trang" under `/viec`, `/quahan`, `/tim` and then the row numbers
(`1,3,5-8`) → choose one status (each offered with how many of the dossiers may take it) → one
note (or skip) → a preview → one confirmation. Each dossier then gets its own history row and
its followers' notices (as a single /capnhat would write them); rows that cannot move are
listed with the reason, before and after.

Thirty dossiers marked returned: the codes, the status, "Bỏ qua", "Xác nhận" — four messages.
"""

from __future__ import annotations

import re
from typing import Any

from db.models import Conversation, Dossier
from domain.codes import CODE_RE, code_variants, normalize_code
from domain.statuses import Status
from domain.transitions import MOVES, NOTE_REQUIRED, can_move, supplement_refused
from handlers.actions.dossier_status import (
    change_status_bulk,
    checked_note,
    default_supplement_by,
    notice_line,
)
from handlers.buttons import ButtonData
from handlers.conversation import advance, current_flow, start_flow
from handlers.formatting import vn_date
from handlers.messages import Choice, Incoming, Reply
from handlers.roles import STAFF, role_of
from handlers.router import REPEAT_CHOICES, Router
from handlers.services import Services
from handlers.texts import casework as t
from handlers.texts import common as tc
from handlers.texts import deadlines as tsup
from handlers.texts import status as ts

FLOW = "bulk"
#: One confirmation covers at most this many dossiers (a page of an export's column).
LIMIT = 200
#: The preview names this many dossiers, then "… and N more".
PREVIEW_LINES = 15
_ORDER = list(Status)


class BulkButton(ButtonData, prefix="bk"):
    """A step of the update of many dossiers: `bk:<nonce>:<verb>[:<target>]`.

    Every field may be empty, so any `bk:` payload reaches the handler, which tells an
    earlier step's button (stale) from this step's itself.
    """

    nonce: str
    verb: str = ""
    arg: str = ""


_SEPARATORS = re.compile(r"[\n\r\t,;]+")
_DASHES = str.maketrans({"–": "-", "—": "-", "‐": "-", "‑": "-", "−": "-"})
_PICK = re.compile(r"\s*\d+\s*(-\s*\d+\s*)?(,\s*\d+\s*(-\s*\d+\s*)?)*")


def register(router: Router) -> None:
    router.flow(FLOW, on_text, roles=STAFF)
    router.button(BulkButton, on_button, roles=STAFF)


def split_codes(text: str) -> tuple[list[str], list[str]]:
    """The codes in pasted text (any order, duplicates kept) and the pieces that are none.

    A line may be an Excel row pasted whole (cells between tabs: code, name, unit…): it gives
    its codes and nothing is reported for the other cells. Otherwise every piece between
    commas or semicolons is meant as a code, so one that holds none (a stray `abc`) is
    reported, and a piece with codes side by side (`CODE2 CODE3`) gives each of them.
    """
    codes: list[str] = []
    bad: list[str] = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        if "\t" in line:
            found = [code for cell in line.split("\t") for code in _codes_in(cell)]
            if found:
                codes += found
            else:
                bad.append(line[:60])
            continue
        for piece in _SEPARATORS.split(line):
            piece = piece.strip()
            if not piece:
                continue
            found = _codes_in(piece)
            if found:
                codes += found
            else:
                bad.append(piece[:60])
    return codes, bad


def _codes_in(piece: str) -> list[str]:
    code = normalize_code(piece)
    if code is not None:
        return [code]
    tidy = re.sub(r"\s*-\s*", "-", piece.translate(_DASHES)).upper()
    return [m.group(0) for m in CODE_RE.finditer(tidy) if normalize_code(m.group(0))]


def several_codes(text: str) -> bool:
    """Whether a /capnhat argument names more than one dossier (or a list with bad lines):
    lines, cells, or codes side by side on one line (`CODE1, CODE2` or `CODE1 CODE2`)."""
    codes, bad = split_codes(text)
    return len(codes) + len(bad) > 1


async def start_with(incoming: Incoming, services: Services, text: str) -> list[Reply]:
    """Read the codes, look the dossiers up and offer the statuses they may move to."""
    codes, bad = split_codes(text)
    if len(codes) > LIMIT:
        return [Reply(t.BULK_TOO_MANY.format(limit=LIMIT, count=len(codes)))]
    refused: list[tuple[str, str]] = [(piece, t.REASON_BAD_CODE) for piece in bad]
    found: dict[str, Dossier] = {}
    for code in codes:
        dossier = await services.dossiers.find_first(code_variants(code, services.legacy_provinces))
        if dossier is None:
            refused.append((code, t.REASON_NOT_FOUND))
        elif dossier.code in found:
            refused.append((code, t.REASON_DUPLICATE))
        else:
            found[dossier.code] = dossier
    if not found:
        await services.conversations.clear(incoming.channel, incoming.chat_id)
        return [Reply("\n".join([t.BULK_NONE, *_refused_lines(refused)]))]
    counts: dict[Status, int] = {}
    for dossier in found.values():
        for target in MOVES[dossier.status]:
            counts[target] = counts.get(target, 0) + 1
    targets = sorted(counts, key=_ORDER.index)
    conversation = await start_flow(
        services,
        incoming,
        FLOW,
        "choose",
        {
            "items": [[d.code, d.status.value] for d in found.values()],
            "refused": refused,
        },
    )
    nonce = conversation.nonce
    lines = [t.BULK_CHOOSE.format(count=len(found))]
    if refused:
        lines += ["", t.BULK_REFUSED_HEADER.format(count=len(refused)), *_refused_lines(refused)]
    choices = [
        Choice(
            t.BULK_TARGET.format(label=target.label, count=counts[target], total=len(found)),
            BulkButton(nonce, "to", target.value).pack(),
        )
        for target in targets
    ]
    choices.append(Choice(ts.NO, BulkButton(nonce, "no").pack()))
    return [Reply("\n".join(lines), choices=tuple(choices))]


async def start_pick(
    incoming: Incoming, services: Services, codes: list[str], lines: list[str]
) -> list[Reply]:
    """From a list (/viec, /quahan, /tim): ask which of its rows, by number or by code."""
    await start_flow(services, incoming, FLOW, "pick", {"page": codes})
    return [Reply("\n".join([*lines, "", t.BULK_ASK_PICK]))]


def _picked(text: str, count: int) -> list[int] | None:
    """`1,3,5-8` → [1, 3, 5, 6, 7, 8]; None when not of that form or out of 1..count."""
    if not _PICK.fullmatch(text):
        return None
    picked: list[int] = []
    for part in text.split(","):
        low, _, high = part.partition("-")
        first, last = int(low), int(high or low)
        if not 1 <= first <= last <= count:
            return None
        picked += [n for n in range(first, last + 1) if n not in picked]
    return picked


async def on_text(
    incoming: Incoming, services: Services, conversation: Conversation
) -> list[Reply]:
    text = incoming.text or ""
    if conversation.step == "pick":
        page: list[str] = conversation.data["page"]
        numbers = _picked(text, len(page))
        if numbers is not None:
            return await start_with(incoming, services, "\n".join(page[n - 1] for n in numbers))
        if split_codes(text)[0]:
            return await start_with(incoming, services, text)
        return [Reply(t.BULK_PICK_BAD.format(text=text[:40], count=len(page)))]
    if conversation.step == "note":
        return await _take_note(services, conversation, text)
    if split_codes(text)[0]:
        return await start_with(incoming, services, text)
    return [Reply(tc.CHOICE_EXPECTED, extra=dict(REPEAT_CHOICES))]


async def on_button(incoming: Incoming, services: Services, button: BulkButton) -> list[Reply]:
    nonce, verb, arg = button.nonce, button.verb, button.arg
    conversation = await current_flow(services, incoming, FLOW, nonce)
    if conversation is None or await role_of(incoming, services) not in STAFF:
        return [Reply(tc.STALE_BUTTON)]
    if verb == "no":
        await services.conversations.clear(incoming.channel, incoming.chat_id)
        return [Reply(ts.CANCELLED)]
    if verb == "to" and conversation.step == "choose" and arg in Status.__members__:
        conversation.data["to"] = arg
        conversation = await advance(services, conversation, "note")
        target = Status(arg)
        if target in NOTE_REQUIRED:
            return [Reply(ts.ASK_NOTE_REQUIRED[target.value])]
        return [
            Reply(
                ts.ASK_NOTE_OPTIONAL,
                choices=(Choice(ts.SKIP, BulkButton(conversation.nonce, "skip").pack()),),
            )
        ]
    if verb == "skip" and conversation.step == "note":
        return await _take_note(services, conversation, "")
    if verb == "ok" and conversation.step == "confirm":
        return await _apply(incoming, services, conversation)
    return [Reply(tc.STALE_BUTTON)]


async def _take_note(services: Services, conversation: Conversation, text: str) -> list[Reply]:
    target = Status(conversation.data["to"])
    note = checked_note(services, target, text)
    if isinstance(note, Reply):
        return [note]
    ready, refused = await _sort(services, conversation.data, target)
    conversation.data["note"] = note
    if not ready:
        await services.conversations.clear(conversation.channel, conversation.chat_id)
        return [Reply("\n".join([t.BULK_NONE, *_refused_lines(refused)]))]
    conversation = await advance(services, conversation, "confirm")
    if not note:
        note_line = ts.CONFIRM_NO_NOTE
    elif target is Status.decided:
        note_line = ts.CONFIRM_DECISION.format(note=note)
    else:
        note_line = ts.CONFIRM_NOTE.format(note=note)
    lines = [t.BULK_PREVIEW.format(count=len(ready), target=target.label, note_line=note_line)]
    if target is Status.needs_supplement:
        by, days = default_supplement_by(services), services.settings.supplement_days
        lines.append(tsup.BULK_SUPPLEMENT_BY.format(date=vn_date(by), days=days))
    lines += [
        t.BULK_PREVIEW_LINE.format(code=d.code, nominee=d.nominee, label=d.status.label)
        for d in ready[:PREVIEW_LINES]
    ]
    if len(ready) > PREVIEW_LINES:
        lines.append(t.BULK_PREVIEW_MORE.format(count=len(ready) - PREVIEW_LINES))
    if refused:
        lines += ["", t.BULK_REFUSED_HEADER.format(count=len(refused)), *_refused_lines(refused)]
    nonce = conversation.nonce
    return [
        Reply(
            "\n".join(lines),
            choices=(
                Choice(ts.YES, BulkButton(nonce, "ok").pack()),
                Choice(ts.NO, BulkButton(nonce, "no").pack()),
            ),
        )
    ]


async def _sort(
    services: Services, data: dict[str, Any], target: Status
) -> tuple[list[Dossier], list[tuple[str, str]]]:
    """The dossiers that may move to `target` now, and the others with the reason."""
    refused: list[tuple[str, str]] = [tuple(item) for item in data.get("refused", [])]  # type: ignore[misc]
    ready: list[Dossier] = []
    for code, status in data["items"]:
        dossier = await services.dossiers.get_by_code(code)
        if dossier is None:
            refused.append((code, t.REASON_NOT_FOUND))
        elif dossier.status.value != status:
            refused.append((code, t.REASON_CHANGED.format(label=dossier.status.label)))
        elif not can_move(dossier.status, target):
            refused.append(
                (code, t.REASON_NOT_ALLOWED.format(label=dossier.status.label, target=target.label))
            )
        elif supplement_refused(
            target, await services.casework.supplement_requests(dossier.id), override=False
        ):
            # A second request is a leader's decision on one dossier, never a bulk one.
            refused.append((code, t.REASON_SUPPLEMENT_ONCE))
        else:
            ready.append(dossier)
    return ready, refused


async def _apply(incoming: Incoming, services: Services, conversation: Conversation) -> list[Reply]:
    await services.conversations.clear(incoming.channel, incoming.chat_id)
    target = Status(conversation.data["to"])
    note = conversation.data.get("note") or None
    ready, refused = await _sort(services, conversation.data, target)
    # One transaction: each dossier its row, its history and its notices, as a single /capnhat.
    changes = await change_status_bulk(services, ready, target, note, incoming.actor)
    refused += [
        (change.dossier.code, t.REASON_CHANGED.format(label=change.dossier.status.label))
        for change in changes
        if not change.applied
    ]
    done = sum(1 for change in changes if change.applied)
    lines = [t.BULK_DONE.format(count=done, target=target.label)]
    line = notice_line(services, changes)
    if line:
        lines.append(line)
    if refused:
        lines += ["", t.BULK_REFUSED_HEADER.format(count=len(refused)), *_refused_lines(refused)]
    return [Reply("\n".join(lines))]


#: Refused rows listed one by one up to this many (a pasted sheet may hold hundreds).
REFUSED_LINES = 30


def _refused_lines(refused: list[tuple[str, str]]) -> list[str]:
    lines = [
        t.BULK_REFUSED_LINE.format(code=code, reason=reason)
        for code, reason in refused[:REFUSED_LINES]
    ]
    if len(refused) > REFUSED_LINES:
        lines.append(t.BULK_REFUSED_MORE.format(count=len(refused) - REFUSED_LINES))
    return lines
