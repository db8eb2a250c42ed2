"""`/qr CODE` (officers): the receipt's QR code, opening the dossier's lookup page or deep link."""

from __future__ import annotations

from domain.codes import EXAMPLE_CODE, code_variants, normalize_code
from handlers.messages import Incoming, Reply
from handlers.receipt_qr import qr_png, receipt_link
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
    link = receipt_link(services.settings.public_url, services.bot_username, dossier.code)
    if link is None:
        return [Reply(t.NO_USERNAME)]
    return [
        Reply(
            t.CAPTION.format(code=dossier.code, link=link),
            image=qr_png(link, dossier.code),
            image_name=f"qr-{dossier.code}.png",
        )
    ]
