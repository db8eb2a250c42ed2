"""A citizen's message with several dossier codes: the first is looked up, the rest named."""

from __future__ import annotations

from handlers import lookup
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
    # One lookup at a time: the second factor is asked for one dossier, as the rules count.
    replies = await lookup.begin(incoming, services, distinct[0])
    return [Reply(t.SEVERAL_CODES.format(count=len(distinct), code=distinct[0])), *replies]
