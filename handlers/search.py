"""Staff search (/tim, tìm hồ sơ): by nominee, unit or a fragment of the code, accents optional.

Usage: `/tim nguyen van an`, `/tim THCS Lê Quý Đôn`, `/tim 0042`. Results are ranked (the exact
code, a code fragment, the nominee's name, the unit), open dossiers first, a page at a time;
each line has a button (Telegram) or a number (Zalo, console) that opens it in /hoso.
"""

from __future__ import annotations

from db.casework import Found
from domain.codes import normalize_code
from domain.search import quick_fold
from handlers import bulk_update
from handlers.buttons import ButtonData
from handlers.casework_buttons import OpenDossier
from handlers.dossier_view import open_label
from handlers.messages import Choice, Incoming, Reply
from handlers.roles import STAFF
from handlers.router import Router
from handlers.services import Services
from handlers.texts import casework as t
from handlers.texts import common as tc

PAGE_SIZE = 8
MIN_CHARS = 2
#: More matches than this means the words are too common: the officer is asked to add one.
MAX_RESULTS = 200
#: The query (ASCII once folded) travels in the page buttons' payload; Telegram allows 64 bytes.
MAX_QUERY_BYTES = 48


def register(router: Router) -> None:
    router.command("tim", search, t.COMMANDS["tim"], roles=STAFF)
    router.button(SearchPage, on_page, roles=STAFF)
    router.button(SearchBulk, on_bulk, roles=STAFF)


class SearchPage(ButtonData, prefix="tm"):
    """A page of /tim's results; the query (folded, at most MAX_QUERY_BYTES) goes last."""

    page: int
    query: str


class SearchBulk(ButtonData, prefix="tb"):
    """Cập nhật nhiều hồ sơ trong trang: the rows of this page of results."""

    page: int
    query: str


def clean_query(text: str) -> str:
    """Folded as the names are (lower case, no accents), cut to what a button can carry."""
    code = normalize_code(text)
    return quick_fold(code if code is not None else text)[:MAX_QUERY_BYTES].strip()


async def search(incoming: Incoming, services: Services, args: str) -> list[Reply]:
    if not args.strip():
        return [Reply(t.SEARCH_USAGE)]
    query = clean_query(args)
    if len(query) < MIN_CHARS:
        return [Reply(t.SEARCH_TOO_SHORT.format(minimum=MIN_CHARS))]
    return await _page(services, query, 1, args.strip()[:60])


async def on_page(incoming: Incoming, services: Services, button: SearchPage) -> list[Reply]:
    page, query = button.page, button.query
    if not 1 <= page <= 9999 or len(query) < MIN_CHARS:
        return [Reply(tc.STALE_BUTTON)]
    return await _page(services, query, page, query)


async def on_bulk(incoming: Incoming, services: Services, button: SearchBulk) -> list[Reply]:
    """ "Cập nhật nhiều hồ sơ trong trang": which rows of this page, by number."""
    page, query = button.page, button.query
    if not 1 <= page <= 9999 or len(query) < MIN_CHARS:
        return [Reply(tc.STALE_BUTTON)]
    offset = (page - 1) * PAGE_SIZE
    found = (await services.casework.search(query, limit=MAX_RESULTS))[offset : offset + PAGE_SIZE]
    if not found:
        return [Reply(tc.STALE_BUTTON)]
    lines = _lines(found)
    return await bulk_update.start_pick(incoming, services, [item.code for item in found], lines)


async def _page(services: Services, query: str, page: int, shown: str) -> list[Reply]:
    matches = await services.casework.search(query, limit=MAX_RESULTS + 1)
    total = len(matches)
    if total == 0:
        return [Reply(t.SEARCH_NONE.format(query=shown))]
    capped = total > MAX_RESULTS
    matches = matches[:MAX_RESULTS]
    total = len(matches)
    found = matches[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    if not found:
        return [Reply(tc.STALE_BUTTON)]
    pages = (total + PAGE_SIZE - 1) // PAGE_SIZE
    header = t.SEARCH_HEADER_MANY if capped else t.SEARCH_HEADER
    lines = [header.format(count=total, query=shown)]
    # Numbered from 1 on every page, so a number typed on Zalo or the console is the line's.
    lines += _lines(found)
    if pages > 1:
        lines.append(t.PAGE.format(page=page, pages=pages))
    lines.append(t.SEARCH_PICK)
    choices = [
        Choice(open_label(item.nominee, item.code), OpenDossier(item.code).pack()) for item in found
    ]
    if page < pages:
        choices.append(Choice(t.NEXT_PAGE, SearchPage(page + 1, query).pack()))
    if page > 1:
        choices.append(Choice(t.PREVIOUS_PAGE, SearchPage(page - 1, query).pack()))
    choices.append(Choice(t.ACTION_BULK, SearchBulk(page, query).pack()))
    return [Reply("\n".join(lines), choices=tuple(choices))]


def _lines(found: list[Found]) -> list[str]:
    return [
        t.SEARCH_LINE.format(
            index=n,
            code=item.code,
            nominee=item.nominee,
            unit=item.unit or "—",
            label=item.status.label,
        )
        for n, item in enumerate(found, start=1)
    ]
