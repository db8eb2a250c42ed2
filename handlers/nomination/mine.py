"""`/denghicuatoi`: the officer's own nominations, ten to a page, with status and due date."""

from __future__ import annotations

import math

from domain.statuses import FINISHED
from handlers.buttons import ButtonData
from handlers.formatting import vn_date
from handlers.messages import Choice, Incoming, Reply
from handlers.roles import STAFF, role_of
from handlers.services import Services
from handlers.texts import common as tc
from handlers.texts import nomination as t

PAGE_SIZE = 10


class MinePage(ButtonData, prefix="nl"):
    """A page of `/denghicuatoi`."""

    page: int


async def my_nominations(incoming: Incoming, services: Services, args: str) -> list[Reply]:
    page = int(args) if args.strip().isdecimal() else 1
    return [await _page(incoming, services, page)]


async def on_page(incoming: Incoming, services: Services, button: MinePage) -> list[Reply]:
    if await role_of(incoming, services) not in STAFF or button.page < 0:
        return [Reply(tc.STALE_BUTTON)]
    return [await _page(incoming, services, button.page)]


async def _page(incoming: Incoming, services: Services, page: int) -> Reply:
    total = await services.nominations.count_for_officer(incoming.actor)
    if total == 0:
        return Reply(t.MINE_EMPTY)
    pages = math.ceil(total / PAGE_SIZE)
    if not 1 <= page <= pages:
        return Reply(t.MINE_BAD_PAGE.format(page=page, pages=pages))
    items = await services.nominations.for_officer(
        incoming.actor, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE
    )
    today = services.today()
    lines = [t.MINE_HEADER.format(total=total, page=page, pages=pages)]
    for index, item in enumerate(items, start=(page - 1) * PAGE_SIZE + 1):
        overdue = item.status not in FINISHED and today > item.due_on
        lines.append(
            t.MINE_LINE.format(
                index=index,
                code=item.code,
                name=item.nominee_name,
                award=services.catalog.name_of(item.award_kind),
                status=item.status.label,
                due=vn_date(item.due_on),
                flag=t.MINE_OVERDUE if overdue else "",
            )
        )
    choices = []
    if page > 1:
        choices.append(Choice(t.MINE_PREV, MinePage(page - 1).pack()))
    if page < pages:
        choices.append(Choice(t.MINE_NEXT, MinePage(page + 1).pack()))
    return Reply("\n".join(lines), choices=tuple(choices))
