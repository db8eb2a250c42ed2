"""Return with reasons (trả lại để bổ sung) and the unit's corrected file (nộp lại).

`/tralai CODE 1,3 | ghi chú | dd/mm/yyyy`: CODE is a dossier (one row) or a submission (every
row still at the check). The one-stop rule holds as for `/capnhat`: a second return of the same
dossier needs a leader. Each row moves to needs_supplement with the reasons and the date as
its note, so the unit (which follows its dossiers) and any other follower are told at once by
the outbox; a reminder waits in the outbox for 2 working days before the date.
`/nopbosung CODE [file]`: the unit resubmits; the row goes back to review in the same
submission, with the same dossier code.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from db.models import Dossier
from db.review import SubmissionHead
from domain.review import resubmit_reminder_on, return_due
from domain.statuses import Status
from domain.transitions import supplement_refused
from handlers.formatting import vn_date
from handlers.messages import Incoming, Reply
from handlers.review.common import change_status, parse_date, repository, rules, sent_file
from handlers.review.inbox import find_dossier
from handlers.roles import LEADERS, STAFF, role_of
from handlers.services import Services
from handlers.texts import casework as tw
from handlers.texts import review as t

#: Reminders go out at the start of the office day.
REMIND_AT = time(8, 0)
_RETURNABLE = (Status.received, Status.in_review)


def usage() -> str:
    reasons = "\n".join(f"{n}. {text}" for n, text in enumerate(t.RETURN_REASONS, 1))
    return t.RETURN_USAGE.format(reasons=reasons)


async def return_rows(incoming: Incoming, services: Services, args: str) -> list[Reply]:
    target, _, rest = args.strip().partition(" ")
    parts = [part.strip() for part in rest.split("|")]
    if not target or len(parts) != 3:
        return [Reply(usage())]
    picked, free_text, date_text = parts
    reasons = _reasons(picked)
    if isinstance(reasons, Reply):
        return [reasons]
    resubmit_by = parse_date(date_text)
    if resubmit_by is None or resubmit_by <= services.today():
        return [Reply(t.RETURN_BAD_DATE.format(text=date_text[:30]))]
    text = "; ".join([*reasons, *([free_text] if free_text else [])])[:800]
    found = await _targets(services, target)
    if isinstance(found, Reply):
        return [found]
    head, dossiers = found
    leader = await role_of(incoming, services) in LEADERS
    refused: list[str] = []
    allowed = []
    for dossier in dossiers:
        earlier = await services.casework.supplement_requests(dossier.id)
        if supplement_refused(Status.needs_supplement, earlier, override=leader):
            refused.append(tw.SUPPLEMENT_ONCE.format(code=dossier.code, count=earlier))
        else:
            allowed.append(dossier)
    dossiers = allowed
    note = t.RETURN_NOTE.format(date=vn_date(resubmit_by), reasons=text)
    count = 0
    late = services.today() > return_due(head.submitted_on, rules().limits, services.calendar)
    for dossier in dossiers:
        if await change_status(services, dossier, Status.needs_supplement, note, incoming.actor):
            await repository(services).record_return(
                submission_id=head.id,
                dossier_id=dossier.id,
                reasons=text,
                resubmit_by=resubmit_by,
                returned_on=services.today(),
                within_limit=not late,
                actor=incoming.actor,
                now=services.now(),
                reminder=_reminder(services, head, dossier, text, resubmit_by),
            )
            count += 1
    done = t.RETURN_DONE.format(
        count=count, date=vn_date(resubmit_by), late=t.RETURN_LATE if late else ""
    )
    return [Reply("\n".join([done, *refused] if count else refused))]


def _reasons(picked: str) -> list[str] | Reply:
    chosen = []
    for piece in picked.replace(" ", "").split(","):
        if not piece.isdigit() or not 1 <= int(piece) <= len(t.RETURN_REASONS):
            return Reply(t.RETURN_BAD_REASON.format(text=piece[:20], count=len(t.RETURN_REASONS)))
        chosen.append(t.RETURN_REASONS[int(piece) - 1])
    return list(dict.fromkeys(chosen))


async def _targets(services: Services, target: str) -> tuple[SubmissionHead, list[Dossier]] | Reply:
    head = await repository(services).submission(target)
    if head is not None:
        rows = await repository(services).rows(head.id)
        # The whole submission: the rows still at the check (a row in appraisal goes alone).
        dossiers = [row.dossier for row in rows if row.dossier.status is Status.received]
        if not dossiers:
            return Reply(t.RETURN_NOTHING.format(code=head.code))
        return head, dossiers
    dossier = await find_dossier(services, target)
    if dossier is None:
        return Reply(t.NOT_FOUND.format(text=target[:60]))
    head = await repository(services).submission_of(dossier.id)
    if head is None:
        return Reply(t.RETURN_NOT_ROW.format(code=dossier.code))
    if dossier.status not in _RETURNABLE:
        return Reply(t.RETURN_WRONG_STATUS.format(code=dossier.code, label=dossier.status.label))
    return head, [dossier]


def _reminder(
    services: Services, head: SubmissionHead, dossier: Dossier, reasons: str, resubmit_by: date
) -> tuple[str, str, dict[str, str], datetime] | None:
    if not (head.channel and head.chat_id):
        return None
    day = resubmit_reminder_on(resubmit_by, rules().limits, services.calendar)
    if day <= services.today():
        return None  # a date that close: the return's own notice is the reminder
    at = datetime.combine(day, REMIND_AT, tzinfo=services.tz).astimezone(UTC)
    text = t.REMINDER.format(
        code=dossier.code,
        nominee=dossier.nominee,
        submission=head.code,
        date=vn_date(resubmit_by),
        reasons=reasons,
    )
    return head.channel, head.chat_id, {"text": text}, at


async def resubmit(incoming: Incoming, services: Services, args: str) -> list[Reply]:
    """`/nopbosung CODE [file]` by the unit that sent the submission (or board staff)."""
    code, _, path_text = args.strip().partition(" ")
    if not code:
        return [Reply(t.RESUBMIT_USAGE)]
    dossier = await find_dossier(services, code)
    if dossier is None:
        return [Reply(t.NOT_FOUND.format(text=code[:60]))]
    head = await repository(services).submission_of(dossier.id)
    if head is None or not await _may_resubmit(incoming, services, head):
        return [Reply(t.RESUBMIT_NOT_ALLOWED)]
    if dossier.status is not Status.needs_supplement:
        return [Reply(t.RESUBMIT_NOT_RETURNED.format(code=dossier.code))]
    name: str | None = None
    content: bytes | None = None
    if path_text.strip() or incoming.attachments:
        sent = await sent_file(incoming, services, path_text)
        if isinstance(sent, str):
            return [Reply(sent)]
        name, content = sent
    if not await repository(services).resubmitted(dossier.id, name, content, services.now()):
        return [Reply(t.RESUBMIT_NOT_RETURNED.format(code=dossier.code))]
    note = t.RESUBMIT_NOTE.format(file=f": {name}" if name else "")
    if not await change_status(services, dossier, Status.in_review, note, incoming.actor):
        await repository(services).reopen_return(dossier.id)
        return [Reply(t.RESUBMIT_NOT_RETURNED.format(code=dossier.code))]
    return [Reply(t.RESUBMIT_DONE.format(code=dossier.code, submission=head.code))]


async def _may_resubmit(incoming: Incoming, services: Services, head: SubmissionHead) -> bool:
    member = await services.submissions.member(incoming.channel, incoming.sender_id)
    if member is not None:
        return member.unit.name == head.unit
    return await role_of(incoming, services) in STAFF
