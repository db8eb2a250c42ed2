"""A citizen's message with several dossier codes: named back, and asked for one at a time."""

from __future__ import annotations

from handlers.bulk_update import split_codes
from handlers.messages import Incoming, Reply
from handlers.router import Router
from handlers.services import Services
from handlers.texts import newuser as t


def register(router: Router) -> None:
    # After lookup's own text handler: one code is its; this one takes what it left.
    router.text(several_codes_in_text)


async def several_codes_in_text(incoming: Incoming, services: Services) -> list[Reply] | None:
    codes, _bad = split_codes(incoming.text or "")
    distinct = list(dict.fromkeys(codes))
    if len(distinct) < 2:
        return None
    # No guess between them: the second factor belongs to one dossier, so ask for one.
    # Nothing is looked up, so nothing is told about whether the codes exist.
    shown = ", ".join(distinct[:5]) + (", …" if len(distinct) > 5 else "")
    return [Reply(t.SEVERAL_CODES.format(count=len(distinct), codes=shown))]
