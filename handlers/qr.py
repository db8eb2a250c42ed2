"""`/qr CODE` (officers): the receipt's QR code, a deep link that opens the dossier's lookup."""

from __future__ import annotations

from handlers.domain.codes import EXAMPLE_CODE, code_variants, normalize_code
from handlers.messages import Incoming, Reply
from handlers.receipt_qr import deep_link, qr_png
from handlers.roles import STAFF
from handlers.router import Router
from handlers.services import Services
from handlers.texts import lookup as tl
from handlers.texts import qr as t


def register(router: Router) -> None:
    router.command("qr", qr_command, t.COMMAND, roles=STAFF)


async def qr_command(incoming: Incoming, services: Services, args: str) -> list[Reply]:
    if not args:
        return [Reply(t.USAGE)]
    code = normalize_code(args)
    if code is None:
        return [Reply(tl.BAD_FORMAT.format(text=args[:60], example=EXAMPLE_CODE))]
    dossier = await services.dossiers.find_first(code_variants(code, services.legacy_provinces))
    if dossier is None:
        return [Reply(tl.NOT_FOUND.format(code=code, example=EXAMPLE_CODE))]
    if not services.bot_username:
        return [Reply(t.NO_USERNAME)]
    link = deep_link(services.bot_username, dossier.code)
    return [
        Reply(
            t.CAPTION.format(code=dossier.code, link=link),
            image=qr_png(link, dossier.code),
            image_name=f"qr-{dossier.code}.png",
        )
    ]
