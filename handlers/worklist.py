"""Officers' work lists and their reminder switch.

Usage: `/viec` — open dossiers by due date, paged (officers: theirs and the unassigned ones;
leaders and admins: the whole board); `/quahan` — only the overdue ones; the "Trang sau"
button (or its number on the console and Zalo) turns the page. Each line has a button (its
number on Zalo and the console) that opens the dossier (/hoso), and "Cập nhật nhiều hồ sơ
trong trang" starts a bulk update of rows picked by number. `/nhacnho tat` and
`/nhacnho bat` turn the caller's reminders and digests off and on.
"""

from __future__ import annotations

from domain.text import fold
from handlers import bulk_update, supplement
from handlers.buttons import ButtonData
from handlers.casework_buttons import OpenDossier, WorkPage
from handlers.dossier_view import open_label
from handlers.formatting import vn_date
from handlers.messages import Choice, Incoming, Reply
from handlers.reminders import WorkdayIndex, item_phrase
from handlers.roles import STAFF, Role, role_of
from handlers.router import Router
from handlers.services import Services
from handlers.texts import casework as tw
from handlers.texts import common as tc
from handlers.texts import reminders as t
from handlers.texts import staff as ts

PAGE_SIZE = 10
#: Payload kinds of the page buttons: `wl:v:2` is page 2 of /viec, `wl:q:2` of /quahan.
ALL_DUE, OVERDUE = "v", "q"
_OFF_WORDS = frozenset({"tat", "off", "0", "khong", "ngung", "dung"})
_ON_WORDS = frozenset({"bat", "on", "1", "co", "mo"})


def register(router: Router) -> None:
    router.command("viec", show_work, t.COMMANDS["viec"], roles=STAFF)
    router.command("quahan", show_overdue, t.COMMANDS["quahan"], roles=STAFF)
    router.command("nhacnho", switch_reminders, t.COMMANDS["nhacnho"], roles=STAFF)
    router.button(WorkPage, on_page, roles=STAFF)
    router.button(BulkPage, on_bulk, roles=STAFF)


class BulkPage(ButtonData, prefix="wb"):
    """Cập nhật nhiều hồ sơ trong trang: the rows of this worklist page."""

    kind: str
    page: int


async def show_work(incoming: Incoming, services: Services, _args: str) -> list[Reply]:
    return await _page(incoming, services, ALL_DUE, 1)


async def show_overdue(incoming: Incoming, services: Services, _args: str) -> list[Reply]:
    return await _page(incoming, services, OVERDUE, 1)


async def on_page(incoming: Incoming, services: Services, button: WorkPage) -> list[Reply]:
    kind, page = button.kind, button.page
    if kind not in (ALL_DUE, OVERDUE) or not 1 <= page <= 9999:
        return [Reply(tc.STALE_BUTTON)]
    if await role_of(incoming, services) not in STAFF:
        return [Reply(ts.REFUSED)]
    return await _page(incoming, services, kind, page)


async def on_bulk(incoming: Incoming, services: Services, button: BulkPage) -> list[Reply]:
    """ "Cập nhật nhiều hồ sơ trong trang": which rows of this page, by number or by code."""
    kind, page = button.kind, button.page
    if kind not in (ALL_DUE, OVERDUE) or not 1 <= page <= 9999:
        return [Reply(tc.STALE_BUTTON)]
    items, _total = await services.reminders.worklist(
        officer_id=await _viewer(incoming, services),
        overdue_before=services.today() if kind == OVERDUE else None,
        limit=PAGE_SIZE,
        offset=(page - 1) * PAGE_SIZE,
    )
    if not items:
        return [Reply(t.PAGE_GONE)]
    lines = [
        tw.PICK_LINE.format(index=n, code=item.code, nominee=item.nominee)
        for n, item in enumerate(items, start=1)
    ]
    return await bulk_update.start_pick(incoming, services, [item.code for item in items], lines)


async def _viewer(incoming: Incoming, services: Services) -> int | None:
    """The officer whose list it is; None for leaders and admins, who see the whole board."""
    role = await role_of(incoming, services)
    if role != Role.officer.value:
        return None
    member = await services.staff.by_user(incoming.channel, incoming.sender_id)
    return member.id if member is not None else None


async def _page(incoming: Incoming, services: Services, kind: str, page: int) -> list[Reply]:
    officer_id = await _viewer(incoming, services)
    today = services.today()
    items, total = await services.reminders.worklist(
        officer_id=officer_id,
        overdue_before=today if kind == OVERDUE else None,
        limit=PAGE_SIZE,
        offset=(page - 1) * PAGE_SIZE,
    )
    waiting = await services.reminders.supplement_count(officer_id) if kind == ALL_DUE else 0
    # Supplements not arrived by their date (issue 26.3) follow the overdue list's first page.
    late = (
        await supplement.late_lines(services, officer_id) if kind == OVERDUE and page == 1 else []
    )
    if total == 0:
        if late:
            return [Reply("\n".join(late))]
        text = t.QUAHAN_EMPTY if kind == OVERDUE else t.VIEC_EMPTY
        if waiting:
            text += "\n" + t.LIST_SUPPLEMENT.format(count=waiting)
        return [Reply(text)]
    pages = (total + PAGE_SIZE - 1) // PAGE_SIZE
    if not items:
        return [Reply(t.PAGE_GONE)]
    headers = {
        (ALL_DUE, True): t.VIEC_HEADER_MINE,
        (ALL_DUE, False): t.VIEC_HEADER_ALL,
        (OVERDUE, True): t.QUAHAN_HEADER_MINE,
        (OVERDUE, False): t.QUAHAN_HEADER_ALL,
    }
    lines = [headers[(kind, officer_id is not None)].format(count=total)]
    index = WorkdayIndex(services.calendar, today)
    # Numbered from 1 on every page: on Zalo and the console the number opens that line.
    for number, item in enumerate(items, start=1):
        # An officer's own dossiers need no name; unassigned ones (and every line of the
        # board-wide list) say who is in charge.
        mine = officer_id is not None and item.officer_id is not None
        lines.append(
            (t.LIST_LINE if mine else t.LIST_LINE_OFFICER).format(
                index=number,
                code=item.code,
                nominee=item.nominee,
                due=vn_date(item.due_on),
                phrase=item_phrase(item, today, index),
                officer=item.officer_name or t.UNASSIGNED,
            )
        )
    if pages > 1:
        lines.append(t.LIST_PAGE.format(page=page, pages=pages))
    if waiting:
        lines.append(t.LIST_SUPPLEMENT.format(count=waiting))
    if late:
        lines += ["", *late]
    choices = [
        Choice(open_label(item.nominee, item.code), OpenDossier(item.code).pack()) for item in items
    ]
    if page < pages:
        choices.append(Choice(t.NEXT_PAGE, WorkPage(kind, page + 1).pack()))
    if page > 1:
        choices.append(Choice(t.PREVIOUS_PAGE, WorkPage(kind, page - 1).pack()))
    choices.append(Choice(tw.ACTION_BULK, BulkPage(kind, page).pack()))
    return [Reply("\n".join(lines), choices=tuple(choices))]


async def switch_reminders(incoming: Incoming, services: Services, args: str) -> list[Reply]:
    member = await services.staff.by_user(incoming.channel, incoming.sender_id)
    if member is None:
        return [Reply(t.REMINDERS_NOT_STAFF)]
    word = fold(args)
    at = services.settings.digest_time.strftime("%H:%M")
    if not word:
        state = t.REMINDERS_STATE_ON if member.reminders_enabled else t.REMINDERS_STATE_OFF
        return [Reply(state.format(time=at) + "\n" + t.REMINDERS_USAGE)]
    if word in _OFF_WORDS:
        await services.staff.set_reminders(member.id, False)
        return [Reply(t.REMINDERS_OFF)]
    if word in _ON_WORDS:
        await services.staff.set_reminders(member.id, True)
        return [Reply(t.REMINDERS_ON.format(time=at))]
    return [Reply(t.REMINDERS_USAGE)]
