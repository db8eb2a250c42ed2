"""A dossier will miss its due date: the apology with a new date (xin lỗi, hẹn lại ngày trả).

`draft_apology` writes (or rewrites) the draft for the due date about to be missed, with the
officers' message carrying the one-tap confirmation queued in the same transaction.
`confirm_apology` then, in one transaction: checks the dossier still stands where the draft
found it, moves its due date, writes the history row, files the form as a PDF with the dossier
and queues the notice to its followers and by ZNS. The PDF is drawn before the transaction.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from db.apologies import Apology, mark_confirmed, read_apology
from db.dossiers import enqueue_status_notices, read_by_id, write_change
from db.models import Dossier, instant_to_db
from db.reminders import Outgoing
from domain.statuses import Status
from handlers import zns
from handlers.apology_form import ApologyForm, render_pdf
from handlers.buttons import ButtonData
from handlers.formatting import vn_date
from handlers.services import Services
from handlers.texts import deadlines as t

#: Statuses whose due date runs: a paused (needs_supplement) or finished dossier has none to move.
RUNNING = frozenset({Status.received, Status.in_review})


@dataclass(frozen=True)
class Confirmed:
    """A confirmed apology: the dossier with its new date, and how many followers were told."""

    dossier: Dossier
    apology: Apology
    followers_notified: int


class ApologyButton(ButtonData, prefix="xl"):
    """A draft apology's button (thư xin lỗi): `ok` sends it, `no` leaves it for later; the
    draft is found by dossier and missed due date (ISO, as `old_due`)."""

    verb: str
    dossier_id: int
    old_due: str


def button(dossier_id: int, old_due: date, verb: str) -> str:
    """The payload of a draft's buttons: the draft is found by dossier and missed date."""
    return ApologyButton(verb, dossier_id, old_due.isoformat()).pack()


def draft_text(dossier: Dossier, apology: Apology) -> str:
    return t.APOLOGY_DRAFT.format(
        code=dossier.code,
        nominee=dossier.nominee,
        old=vn_date(apology.old_due),
        reason=apology.reason,
        new=vn_date(apology.new_due),
    )


def draft_choices(apology: Apology) -> list[list[str]]:
    """The draft's buttons as an outbox payload holds them ([label, payload] pairs)."""
    return [
        [t.APOLOGY_CONFIRM, button(apology.dossier_id, apology.old_due, "ok")],
        [t.APOLOGY_CANCEL, button(apology.dossier_id, apology.old_due, "no")],
    ]


async def draft_apology(
    services: Services,
    dossier: Dossier,
    *,
    new_due: date,
    reason: str,
    cause: str,
    actor: str,
    notify: Sequence[tuple[str, str]] = (),
) -> tuple[Apology, bool]:
    """Draft the apology for `dossier`'s current due date; `notify` are the officers' chats
    told of a new draft (the scheduler's prediction). Returns it and whether it was written."""
    preview = Apology(0, dossier.id, cause, reason, dossier.due_on, new_due, actor, None)
    payload = {
        "text": "\n".join(
            [
                t.APOLOGY_PREDICTED.format(code=dossier.code, old=vn_date(dossier.due_on)),
                draft_text(dossier, preview),
            ]
        ),
        "choices": draft_choices(preview),
    }
    notices = [
        Outgoing(
            key=f"apology:{dossier.id}:{dossier.due_on.isoformat()}:{channel}:{chat_id}",
            channel=channel,
            chat_id=chat_id,
            payload=payload,
        )
        for channel, chat_id in notify
    ]
    return await services.apologies.draft(
        dossier_id=dossier.id,
        cause=cause,
        reason=reason,
        old_due=dossier.due_on,
        new_due=new_due,
        actor=actor,
        now=services.now(),
        notices=notices,
    )


async def confirm_apology(
    services: Services, dossier: Dossier, apology: Apology, *, actor: str, actor_name: str
) -> Confirmed | None:
    """Send the drafted apology; None when it is stale (already sent, the dossier moved on,
    or its due date changed since the draft)."""
    now = services.now()
    form = ApologyForm(
        number=apology.id,
        agency=services.settings.controller_name,
        place=services.settings.board_place or "…………",
        issued_on=services.today(),
        nominee=dossier.nominee,
        unit=dossier.unit,
        award=services.catalog.name_of(dossier.award_kind),
        code=dossier.code,
        received_on=dossier.received_on,
        old_due=apology.old_due,
        new_due=apology.new_due,
        reason=apology.reason,
        confirmed_by=actor_name,
        confirmed_at=now.astimezone(services.tz),
    )
    # Drawing takes a moment of CPU: keep the event loop serving others meanwhile.
    pdf = await asyncio.to_thread(render_pdf, form)
    note = t.APOLOGY_HISTORY_NOTE.format(new=vn_date(apology.new_due), reason=apology.reason)
    async with services.db.transaction() as conn:
        current = await read_by_id(conn, dossier.id)
        draft = await read_apology(conn, dossier.id, apology.old_due)
        if (
            current is None
            or draft is None
            or draft.confirmed
            or draft != apology
            or current.status not in RUNNING
            or current.due_on != apology.old_due
        ):
            return None
        after = replace(current, due_on=apology.new_due)
        stamp = instant_to_db(now)
        entry = await write_change(
            conn, before=current, after=after, actor=actor, stamp=stamp, note=note
        )
        await mark_confirmed(
            conn, apology_id=apology.id, actor=actor, at=now, entry_id=entry.id, pdf=pdf
        )
        notified = await enqueue_status_notices(
            conn,
            dossier_id=current.id,
            entry_id=entry.id,
            payload=_notice(after, apology, entry.id),
            at=now,
        )
    return Confirmed(after, replace(apology, confirmed_at=now), notified)


def _notice(dossier: Dossier, apology: Apology, entry_id: int) -> dict[str, object]:
    text = t.APOLOGY_NOTICE.format(
        code=dossier.code,
        old=vn_date(apology.old_due),
        reason=apology.reason,
        new=vn_date(apology.new_due),
    )
    template = {
        "ma_ho_so": dossier.code,
        "trang_thai": t.APOLOGY_ZNS_STATUS,
        "ngay_hen_tra": vn_date(apology.new_due),
        "tracking_id": f"tdkt-{dossier.id}-{entry_id}"[: zns.MAX_TRACKING_ID],
    }
    return {"text": text, zns.PAYLOAD_KEY: template}
