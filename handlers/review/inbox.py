"""`/denghimoi`: the board's inbox of submissions, oldest first; a submission, then a row."""

from __future__ import annotations

from collections import Counter
from datetime import date

from db.models import Dossier
from db.review import RowView, SubmissionHead
from domain.codes import code_variants, normalize_code
from domain.review import Step, days_left, return_due, share_text
from handlers.buttons import ButtonData
from handlers.formatting import vn_date
from handlers.messages import Choice, Incoming, Reply
from handlers.review.common import repository, rules, step_due, step_of
from handlers.services import Services
from handlers.texts import common as tc
from handlers.texts import review as t


class InboxButton(ButtonData, prefix="dx"):
    """Open from `/denghimoi`: `s` a submission, `r` a row, by the code it is shown with."""

    kind: str
    code: str


#: Buttons under one message: Telegram allows many, but a long list is unreadable.
SHOWN = 20


async def inbox(incoming: Incoming, services: Services, args: str) -> list[Reply]:
    """`/denghimoi` lists; `/denghimoi TT-…` opens a submission, `/denghimoi CODE` a row."""
    if args.strip():
        return await _open(services, args.strip())
    items = await repository(services).inbox(limit=SHOWN)
    if not items:
        return [Reply(t.INBOX_EMPTY)]
    today = services.today()
    lines, choices = [t.INBOX_HEAD], []
    for item in items:
        head = await repository(services).submission(item.code)
        assert head is not None  # listed a moment ago; submissions are never deleted
        rows = await repository(services).rows(head.id)
        checking = any(step_of(row) is Step.check for row in rows)
        lines.append(
            t.INBOX_LINE.format(
                code=item.code,
                unit=item.unit,
                rows=item.rows,
                eligible=item.eligible,
                review=item.review,
                submitted=vn_date(item.submitted_on),
                limit=_limit_text(services, item.submitted_on, today) if checking else t.LIMIT_DONE,
            )
        )
        choices.append(Choice(item.code, InboxButton("s", item.code).pack()))
    steps = await step_line(services)
    if steps:
        lines.append(steps)
    return [Reply("\n".join(lines), choices=tuple(choices))]


async def step_line(services: Services) -> str | None:
    """Rows per step and overdue per step over the waiting submissions (the inbox and the
    staff's digests); None when nothing waits."""
    summary = await step_summary(services)
    return summary[0] if summary else None


async def step_summary(services: Services) -> tuple[str, int] | None:
    """`step_line`'s text and how many rows are past their step's limit."""
    rows = await repository(services).waiting_rows()
    if not rows:
        return None
    today = services.today()
    steps: Counter[Step] = Counter()
    overdue: Counter[Step] = Counter()
    # Many rows share a submission: its return limit is worked out on the calendar once.
    return_limits: dict[date, date] = {}
    for submitted_on, row in rows:
        step = step_of(row)
        if step is Step.done:
            continue
        steps[step] += 1
        if step is Step.check:
            due = return_limits.get(submitted_on)
            if due is None:
                due = return_limits[submitted_on] = step_due(services, submitted_on, row)
        else:
            due = step_due(services, submitted_on, row)
        if due is not None and today > due:
            overdue[step] += 1
    counts = [
        t.INBOX_STEP_COUNT.format(
            label=t.STEP_LABELS[step.value], count=steps[step], overdue=overdue[step]
        )
        for step in Step
        if step is not Step.done
    ]
    return t.INBOX_STEPS.format(steps="; ".join(counts)), sum(overdue.values())


def _limit_text(services: Services, submitted_on: date, today: date) -> str:
    due = return_due(submitted_on, rules().limits, services.calendar)
    left = days_left(today, due, services.calendar)
    if left > 0:
        return t.LIMIT_LEFT.format(days=left)
    return t.LIMIT_TODAY if left == 0 else t.LIMIT_OVER.format(days=-left)


async def on_button(incoming: Incoming, services: Services, button: InboxButton) -> list[Reply]:
    if button.kind not in ("s", "r") or not button.code:
        return [Reply(tc.STALE_BUTTON)]
    return await _open(services, button.code)


async def _open(services: Services, text: str) -> list[Reply]:
    head = await repository(services).submission(text)
    if head is not None:
        return [await submission_view(services, head)]
    dossier = await find_dossier(services, text)
    if dossier is not None:
        found = await repository(services).submission_of(dossier.id)
        if found is not None:
            (row,) = await repository(services).rows(found.id, dossier.id)
            return [row_view(services, found, row)]
    return [Reply(t.NOT_FOUND.format(text=text[:60]))]


async def find_dossier(services: Services, text: str) -> Dossier | None:
    code = normalize_code(text)
    if code is None:
        return None
    return await services.dossiers.find_first(code_variants(code, services.legacy_provinces))


async def submission_view(services: Services, head: SubmissionHead) -> Reply:
    rows = await repository(services).rows(head.id)
    lines = [
        t.SUBMISSION_HEAD.format(
            code=head.code,
            unit=head.unit,
            campaign=f" — {head.campaign}" if head.campaign else "",
            submitted=vn_date(head.submitted_on),
            return_due=vn_date(return_due(head.submitted_on, rules().limits, services.calendar)),
        )
    ]
    choices = []
    for row in rows:
        due = step_due(services, head.submitted_on, row)
        step = t.STEP_LABELS[step_of(row).value] + (f" (hạn {vn_date(due)})" if due else "")
        lines.append(
            t.SUBMISSION_ROW.format(
                row=row.row_number,
                nominee=row.dossier.nominee,
                award=services.catalog.name_of(row.dossier.award_kind),
                code=row.dossier.code,
                status=row.dossier.status.label,
                step=step,
            )
        )
        label = t.OPEN_ROW.format(row=row.row_number, nominee=row.dossier.nominee)
        choices.append(Choice(label[:60], InboxButton("r", row.dossier.code).pack()))
    return Reply("\n".join(lines), choices=tuple(choices[:SHOWN]))


def row_view(services: Services, head: SubmissionHead, row: RowView) -> Reply:
    dossier = row.dossier
    lines = [
        t.ROW_CARD.format(
            row=row.row_number,
            submission=head.code,
            unit=head.unit,
            nominee=dossier.nominee,
            unit_text=dossier.unit,
            award=services.catalog.name_of(dossier.award_kind),
            code=dossier.code,
            status=dossier.status.label,
            verdict=row.verdict_text,
            step=t.STEP_LABELS[step_of(row).value],
            due=vn_date(step_due(services, head.submitted_on, row)),
        )
    ]
    if row.resubmit_by is not None:
        lines.append(t.ROW_RESUBMIT.format(date=vn_date(row.resubmit_by)))
    if row.meets_on is not None:
        lines.append(t.ROW_COUNCIL.format(date=vn_date(row.meets_on)))
    if row.votes_for is not None and row.members:
        result = t.VOTE_PASSED if row.passed else t.VOTE_FAILED
        lines.append(t.ROW_VOTE.format(share=share_text(row.votes_for, row.members), result=result))
    lines += ["", t.ROW_ACTIONS.format(code=dossier.code)]
    return Reply("\n".join(lines))


async def step_text(services: Services, dossier: Dossier) -> str | None:
    """For `/hoso`: the submission row's step and its last day; None outside a submission."""
    head = await repository(services).submission_of(dossier.id)
    if head is None:
        return None
    (row,) = await repository(services).rows(head.id, dossier.id)
    due = step_due(services, head.submitted_on, row)
    return t.VIEW_STEP.format(
        submission=head.code,
        row=row.row_number,
        step=t.STEP_LABELS[step_of(row).value],
        due=f" — hạn {vn_date(due)}" if due else "",
    )
