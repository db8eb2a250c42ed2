"""The Chairman's signed decision (quyết định khen thưởng) for the rows the council passed.

`/quyetdinh 123/QĐ-UBND dd/mm/yyyy FILE.pdf`: every passed row not yet under a decision moves
to decided in one transaction; each unit gets one message listing its awarded people with the
number, every other follower its own notice. `decision_sheet` is the list attached to it.
"""

from __future__ import annotations

from typing import Any

from db.review import Awarded
from domain.decisions import EXAMPLE, normalize_decision_no
from handlers.formatting import vn_date
from handlers.messages import Incoming, Reply
from handlers.notices import status_notice_renderer
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
    if not await repository(services).awaiting_decision():
        return [Reply(t.DECISION_NONE)]

    def unit_notice(unit: str, items: list[Awarded]) -> dict[str, Any]:
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

    awarded = await repository(services).decide(
        number=number,
        signed_on=signed_on,
        file_name=name,
        content=content,
        actor=incoming.actor,
        now=services.now(),
        notice=status_notice_renderer(),
        unit_notice=unit_notice,
    )
    if awarded is None:
        return [Reply(t.DECISION_TAKEN.format(number=number))]
    if not awarded:
        return [Reply(t.DECISION_NONE)]
    return [
        Reply(t.DECISION_DONE.format(number=number, date=vn_date(signed_on), count=len(awarded)))
    ]


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
