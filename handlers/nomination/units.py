"""The unit's path (đơn vị): invited for one unit, it checks its list and submits it as one.

`/moi donvi TÊN` (admin or leader) → `/dangky CODE` → `/maudenghi` → `/danhsach FILE.xlsx`
(the row list, then "Nộp N dòng") → one submission, one dossier per accepted row, one receipt
→ `/hosodonvi` shows only that unit's submissions and dossiers. `submit_list` is shared with
`python -m bot nominations submit FILE --unit NAME`.
"""

from __future__ import annotations

import logging
import secrets
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

from config.eligibility import eligibility_from
from db.models import Conversation
from db.submissions import SubmissionRowInput, Unit
from domain.statuses import FINISHED
from handlers.buttons import ButtonData
from handlers.formatting import vn_date, vn_datetime
from handlers.messages import Channel, Choice, Incoming, Reply
from handlers.nomination.fields import MAX_FILE_BYTES, normalize_phone, size_text
from handlers.nomination.unit_list import (
    ListCheck,
    ListUnreadable,
    check_workbook,
    report_lines,
    write_template,
)
from handlers.receipt_qr import receipt_link
from handlers.roles import LEADERS, STAFF, refusal, role_of
from handlers.services import Services
from handlers.texts import staff as ts
from handlers.texts import unit_list as t

log = logging.getLogger(__name__)


class ListButton(ButtonData, prefix="ul"):
    """After a list's check: `submit` it or `cancel`, for the check `nonce` names."""

    nonce: str
    verb: str


#: The conversation that waits for the list's file after `/danhsach` on a chat channel.
FLOW = "unit_list"
INVITE_TTL = timedelta(hours=72)
_INVITE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
#: Telegram and Zalo cut a message near this; a long row list goes in several.
_CHUNK_CHARS = 3500


async def template(incoming: Incoming, services: Services, _args: str) -> list[Reply]:
    """`/maudenghi`: the blank template as a document."""
    content = write_template(services.catalog, eligibility_from(services.settings.eligibility_file))
    return [Reply(t.TEMPLATE_CAPTION, document=content, document_name=t.TEMPLATE_FILE)]


async def invite_unit(incoming: Incoming, services: Services, name: str) -> list[Reply]:
    """`/moi donvi TÊN ĐƠN VỊ`: a one-time code for that unit's emulation officer."""
    role = await role_of(incoming, services)
    if role not in LEADERS:
        return [Reply(refusal(role, LEADERS))]
    name = " ".join(name.split())
    if sum(ch.isalpha() for ch in name) < 2 or len(name) > 200:
        return [Reply(t.INVITE_UNIT_USAGE)]
    now = services.now()
    unit = await services.submissions.unit_named(name, now)
    body = "".join(secrets.choice(_INVITE_ALPHABET) for _ in range(8))
    code = f"DV{body[:3]}-{body[3:]}"
    await services.submissions.create_invite(
        code=code, unit=unit, created_by=incoming.actor, now=now, expires_at=now + INVITE_TTL
    )
    expires = vn_datetime(now + INVITE_TTL, services.tz)
    return [Reply(t.INVITE_UNIT_CREATED.format(unit=unit.name, code=code, expires=expires))]


async def join_unit(incoming: Incoming, services: Services, code: str) -> list[Reply] | None:
    """`/dangky CODE` with a unit's code; None when the code is not a unit's (staff's then)."""
    found = await services.submissions.invite(code)
    if found is None:
        return None
    if found[0] is not None:
        return [Reply(ts.JOIN_USED)]
    if found[1] <= services.now():
        return [Reply(ts.JOIN_EXPIRED)]
    name = (incoming.sender_name or "").strip()[:100] or incoming.sender_id
    member = await services.submissions.redeem_invite(
        code=code,
        channel=incoming.channel,
        user_id=incoming.sender_id,
        chat_id=incoming.chat_id,
        name=name,
        now=services.now(),
    )
    if member is None:
        return [Reply(ts.JOIN_USED)]
    return [Reply(t.JOIN_UNIT_DONE.format(name=member.name, unit=member.unit.name))]


async def check_list(incoming: Incoming, services: Services, args: str) -> list[Reply]:
    """`/danhsach FILE.xlsx` (console), or `/danhsach` then the file (Telegram): every row's
    verdict; a unit's officer is then offered to submit."""
    member = await services.submissions.member(incoming.channel, incoming.sender_id)
    if member is None and await role_of(incoming, services) not in STAFF:
        return [Reply(t.LIST_NOT_ALLOWED)]
    if incoming.attachments:
        return await _from_attachment(incoming, services)
    if incoming.channel != Channel.console.value:
        if incoming.channel not in services.file_fetchers:
            return [Reply(t.LIST_ONLY_CONSOLE)]
        now = services.now()
        await services.conversations.save(
            Conversation(incoming.channel, incoming.chat_id, FLOW, "file", "", now)
        )
        return [Reply(t.LIST_SEND_FILE)]
    if not args.strip():
        return [Reply(t.LIST_USAGE)]
    path = Path(args.strip().strip('"'))
    try:
        content = path.read_bytes()
    except OSError:
        return [Reply(t.LIST_NO_FILE.format(file=path.name or args.strip()))]
    return await _checked(incoming, services, path.name, content)


async def on_file(
    incoming: Incoming, services: Services, _conversation: Conversation
) -> list[Reply]:
    """The file sent after `/danhsach`; anything else is asked for again."""
    if not incoming.attachments:
        return [Reply(t.LIST_SEND_FILE)]
    member = await services.submissions.member(incoming.channel, incoming.sender_id)
    if member is None and await role_of(incoming, services) not in STAFF:
        return [Reply(t.LIST_NOT_ALLOWED)]
    await services.conversations.clear(incoming.channel, incoming.chat_id)
    return await _from_attachment(incoming, services)


async def _from_attachment(incoming: Incoming, services: Services) -> list[Reply]:
    item = incoming.attachments[0]
    name = item.file_name or t.TEMPLATE_FILE
    fetch = services.file_fetchers.get(incoming.channel)
    if fetch is None:
        return [Reply(t.LIST_ONLY_CONSOLE)]
    if item.kind != "document" or not name.lower().endswith(".xlsx"):
        return [Reply(t.UNREADABLE.format(file=name, detail=t.NOT_XLSX))]
    if item.size is not None and item.size > MAX_FILE_BYTES:
        return [Reply(t.LIST_TOO_BIG.format(file=name, size=size_text(MAX_FILE_BYTES)))]
    try:
        content = await fetch(item.file_id)
    except Exception:  # the channel's download failed: say so, the unit sends it again
        log.exception("could not download a list from %s", incoming.channel)
        return [Reply(t.LIST_DOWNLOAD_FAILED.format(file=name))]
    return await _checked(incoming, services, name, content)


async def _checked(
    incoming: Incoming, services: Services, file_name: str, content: bytes
) -> list[Reply]:
    member = await services.submissions.member(incoming.channel, incoming.sender_id)
    try:
        result = _check(services, content)
    except ListUnreadable as exc:
        return [Reply(t.UNREADABLE.format(file=file_name, detail=exc))]
    replies = _chunks(report_lines(result, file_name))
    if member is None:
        return [*replies, Reply(t.LIST_BOARD_ONLY_CHECK)]
    count = sum(1 for row in result.rows if row.submittable)
    if count == 0:
        return [*replies, Reply(t.LIST_NOTHING_TO_SUBMIT)]
    nonce = secrets.token_hex(4)
    await services.submissions.keep_check(
        channel=incoming.channel,
        chat_id=incoming.chat_id,
        unit=member.unit,
        file_name=file_name,
        content=content,
        nonce=nonce,
        now=services.now(),
    )
    choices = (
        Choice(t.LIST_SUBMIT.format(count=count), ListButton(nonce, "submit").pack()),
        Choice(t.LIST_CANCEL, ListButton(nonce, "cancel").pack()),
    )
    return [*replies, Reply(t.LIST_OFFER.format(count=count), choices=choices)]


async def on_button(incoming: Incoming, services: Services, button: ListButton) -> list[Reply]:
    """`ul:<nonce>:submit|cancel` after a check; an older check's button is stale."""
    nonce, verb = button.nonce, button.verb
    member = await services.submissions.member(incoming.channel, incoming.sender_id)
    kept = await services.submissions.kept_check(incoming.channel, incoming.chat_id)
    if member is None or kept is None or kept["nonce"] != nonce:
        return [Reply(t.LIST_STALE)]
    if verb == "cancel":
        return [Reply(t.LIST_CANCELLED)]
    if verb != "submit":
        return [Reply(t.LIST_STALE)]
    replies = await submit_list(
        services,
        member.unit,
        kept["file_name"],
        bytes(kept["file_bytes"]),
        actor=incoming.actor,
        channel=incoming.channel,
        chat_id=incoming.chat_id,
        nonce=nonce,
    )
    return replies or [Reply(t.LIST_STALE)]


async def submit_list(
    services: Services,
    unit: Unit,
    file_name: str,
    content: bytes,
    *,
    actor: str,
    channel: str = "",
    chat_id: str = "",
    nonce: str | None = None,
) -> list[Reply]:
    """Check `content` again and submit its eligible and for-review rows as one submission.

    Raises ListUnreadable for a file that cannot be read; [] when a chat's button was pressed
    twice (nothing written the second time).
    """
    result = _check(services, content)
    received_at = services.local_now()
    rows = _rows(services, result, received_at)
    if not rows:
        return [Reply(t.LIST_NOTHING_TO_SUBMIT)]
    campaigns = Counter(r.values.get("movement", "") for r in result.rows if r.submittable)
    campaign = campaigns.most_common(1)[0][0]
    done = await services.submissions.submit(
        unit=unit,
        campaign=campaign,
        file_name=file_name,
        content=content,
        rows=rows,
        agency=services.settings.agency_code,
        received_on=received_at.date(),
        actor=actor,
        history_note=t.HISTORY_NOTE,
        now=services.now(),
        channel=channel,
        chat_id=chat_id,
        nonce=nonce,
    )
    if done is None:
        return []
    code, codes = done
    lines = [
        t.SUBMITTED.format(
            code=code, unit=unit.name, count=len(codes), received=vn_date(received_at.date())
        )
    ]
    for row, dossier in zip(rows, codes, strict=True):
        line = t.SUBMITTED_LINE.format(
            row=row.row_number, name=row.nominee, code=dossier, due=vn_date(row.due_on)
        )
        # The link the receipt's QR code opens (`/qr CODE` prints the code itself).
        link = receipt_link(services.settings.public_url, services.bot_username, dossier)
        lines.append(f"{line} — {link}" if link else line)
    if chat_id:
        lines.append(t.SUBMITTED_FOLLOW)
    return _chunks(lines)


async def unit_dossiers(incoming: Incoming, services: Services, _args: str) -> list[Reply]:
    """`/hosodonvi`: the unit's own submissions and dossiers, nobody else's."""
    member = await services.submissions.member(incoming.channel, incoming.sender_id)
    if member is None:
        return [Reply(t.LIST_NOT_ALLOWED)]
    submissions = await services.submissions.for_unit(member.unit)
    if not submissions:
        return [Reply(t.UNIT_NONE.format(unit=member.unit.name))]
    dossiers = await services.submissions.dossiers_of_unit(member.unit)
    lines = [t.UNIT_HEADER.format(unit=member.unit.name, count=len(submissions))]
    for item in submissions:
        campaign = f", {item.campaign}" if item.campaign else ""
        lines.append(
            t.UNIT_SUBMISSION.format(
                code=item.code, date=vn_date(item.submitted_on), rows=item.rows, campaign=campaign
            )
        )
        for dossier in (d for d in dossiers if d.submission_code == item.code):
            due = vn_date(dossier.due_on) if dossier.status not in FINISHED else "—"
            lines.append(
                t.UNIT_DOSSIER.format(
                    code=dossier.code,
                    name=dossier.nominee,
                    award=services.catalog.name_of(dossier.award_kind),
                    status=dossier.status.label,
                    due=due,
                )
            )
    return _chunks(lines)


def _check(services: Services, content: bytes) -> ListCheck:
    rules = eligibility_from(services.settings.eligibility_file)
    return check_workbook(content, services.catalog, rules, services.today().year)


def _rows(services: Services, result: ListCheck, received_at: datetime) -> list[SubmissionRowInput]:
    rows = []
    for row in result.rows:
        if not row.submittable or row.facts is None or row.verdict is None:
            continue
        kind = services.catalog.get(row.facts.award)
        assert kind is not None  # the check found it in this catalogue
        phone = normalize_phone(row.values.get("phone", "")) or ""
        rows.append(
            SubmissionRowInput(
                row_number=row.row,
                nominee_type=row.facts.nominee_type,
                nominee=row.name,
                unit_text=row.values.get("unit", ""),
                award_kind=kind.code,
                phone_last4=phone[-4:],
                due_on=services.calendar.due_date_at(received_at, kind.working_days),
                verdict=row.verdict.kind.value,
                verdict_text=row.text,
            )
        )
    return rows


def _chunks(lines: list[str]) -> list[Reply]:
    """Lines joined into as few messages as fit a chat message."""
    replies: list[Reply] = []
    current: list[str] = []
    size = 0
    for line in lines:
        if current and size + len(line) + 1 > _CHUNK_CHARS:
            replies.append(Reply("\n".join(current)))
            current, size = [], 0
        current.append(line)
        size += len(line) + 1
    if current:
        replies.append(Reply("\n".join(current)))
    return replies
