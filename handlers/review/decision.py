"""The Chairman's signed decision (quyết định khen thưởng) for the rows the council passed.

`/quyetdinh 123/QĐ-UBND dd/mm/yyyy FILE.pdf`: every passed row not yet under a decision moves
to decided in one transaction; each unit gets one message listing its awarded people with the
number, every other follower its own notice. `decision_sheet` is the list attached to it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import aiosqlite

from db.review import Awarded, DecisionRow
from domain.decisions import EXAMPLE, normalize_decision_no
from domain.statuses import Status
from handlers.actions.dossier_status import StatusChange, change_status_bulk
from handlers.formatting import vn_date
from handlers.messages import Incoming, Reply
from handlers.review.common import parse_date, repository, sent_file
from handlers.services import Services
from handlers.spreadsheet import Cell, xlsx_book
from handlers.texts import review as t


async def decide(incoming: Incoming, services: Services, args: str) -> list[Reply]:
    parts = args.split(maxsplit=2)
    if len(parts) < 2:
        return [Reply(t.DECISION_USAGE)]
    number = normalize_decision_no(parts[0], services.settings.decision_no_pattern)
    if number is None:
        return [Reply(t.DECISION_BAD_NUMBER.format(text=parts[0][:60], example=EXAMPLE))]
    signed_on = parse_date(parts[1])
    if signed_on is None or signed_on > services.today():
        return [Reply(t.DECISION_BAD_DATE.format(text=parts[1][:30]))]
    sent = await sent_file(incoming, services, parts[2] if len(parts) > 2 else "")
    if isinstance(sent, str):
        return [Reply(sent)]
    name, content = sent
    if not content.startswith(b"%PDF"):
        return [Reply(t.DECISION_NOT_PDF)]
    rows = await repository(services).decision_rows()
    if not rows:
        return [Reply(t.DECISION_NONE)]
    decided = await _record(incoming, services, rows, number, signed_on, name, content)
    if decided is None:
        return [Reply(t.DECISION_TAKEN.format(number=number))]
    if not decided:
        return [Reply(t.DECISION_NONE)]
    return [
        Reply(t.DECISION_DONE.format(number=number, date=vn_date(signed_on), count=len(decided)))
    ]


class _NumberTaken(Exception):
    """Another decision holds the number: the moves made in its transaction are undone."""


async def _record(
    incoming: Incoming,
    services: Services,
    rows: list[DecisionRow],
    number: str,
    signed_on: date,
    file_name: str,
    content: bytes,
) -> list[StatusChange] | None:
    """The rows move to decided through the one status change, and the decision, its rows and
    each unit's one message are written in the same transaction; None when the number is
    taken. A row someone moved since it was read is left out."""
    by_id = {row.dossier.id: row for row in rows}
    unit_chats = {
        row.dossier.id: (row.unit_channel, row.unit_chat)
        for row in rows
        if row.unit_channel and row.unit_chat
    }

    async def write_decision(conn: aiosqlite.Connection, changes: list[StatusChange]) -> None:
        applied = [change.dossier for change in changes if change.applied]
        if not applied:
            return
        by_unit: dict[tuple[str, str, str], list[Awarded]] = {}
        for dossier in applied:
            row = by_id[dossier.id]
            item = Awarded(dossier.nominee, dossier.unit, dossier.award_kind, row.unit)
            by_unit.setdefault((row.unit_channel, row.unit_chat, row.unit), []).append(item)
        recorded = await repository(services).record_decision(
            conn,
            number=number,
            signed_on=signed_on,
            file_name=file_name,
            content=content,
            actor=incoming.actor,
            now=services.now(),
            dossier_ids=[dossier.id for dossier in applied],
            unit_notices=[
                (channel, chat_id, _unit_notice(services, number, signed_on, unit, items))
                for (channel, chat_id, unit), items in by_unit.items()
                if channel and chat_id
            ],
        )
        if not recorded:
            raise _NumberTaken(number)

    try:
        changes = await change_status_bulk(
            services,
            [row.dossier for row in rows],
            Status.decided,
            number,
            incoming.actor,
            told_otherwise=unit_chats,
            also=write_decision,
        )
    except _NumberTaken:
        return None
    return [change for change in changes if change.applied]


def _unit_notice(
    services: Services, number: str, signed_on: date, unit: str, items: list[Awarded]
) -> dict[str, Any]:
    """The unit's one message: its awarded people, each with the award, under the number."""
    lines = "\n".join(
        t.UNIT_DECISION_LINE.format(
            nominee=item.nominee, award=services.catalog.name_of(item.award_kind)
        )
        for item in items
    )
    text = t.UNIT_DECISION.format(
        number=number, date=vn_date(signed_on), unit=unit, count=len(items), lines=lines
    )
    return {"text": text}


async def decision_sheet(services: Services, number: str) -> bytes | None:
    """The list attached to a decision (STT, name, position and unit, award) as .xlsx; None
    when no decision has that number."""
    found = await repository(services).decision_list(number)
    if found is None:
        return None
    _signed_on, items = found
    rows: list[list[Cell]] = [list(t.EXPORT_HEADERS)]
    for index, item in enumerate(items, 1):
        award = services.catalog.name_of(item.award_kind)
        rows.append([index, item.nominee, item.unit_text or item.unit, award])
    return xlsx_book([(t.EXPORT_SHEET, [6, 32, 48, 40], rows)])
