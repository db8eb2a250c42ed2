"""`python -m bot qr CODE -o FILE.png`: the receipt's QR code for a dossier."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.app import open_app
from config.settings import Settings

NAME = "qr"
#: Opens an existing database only: the CLI checks it is there and says which it is.
READS_DATABASE = True
HELP = "write the receipt QR code (the lookup page, or the deep link) as a PNG"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("code")
    parser.add_argument("-o", "--output", type=Path, required=True)


async def run(settings: Settings, args: argparse.Namespace) -> int:
    from domain.codes import EXAMPLE_CODE, code_variants, normalize_code
    from handlers.receipt_qr import qr_png, receipt_link
    from handlers.texts import lookup as tl
    from handlers.texts import newuser as tn
    from handlers.texts import qr as t

    if args.output.suffix.lower() != ".png":
        print(tn.QR_NOT_PNG.format(name=args.output.name), file=sys.stderr)
        return 1
    code = normalize_code(args.code)
    if code is None:
        print(tl.BAD_FORMAT.format(text=args.code[:60], example=EXAMPLE_CODE), file=sys.stderr)
        return 1
    username = None
    if settings.public_url is None:
        username = settings.telegram_bot_username or await _username_from_api(settings)
    if settings.public_url is None and not username:
        print(t.NO_USERNAME, file=sys.stderr)
        return 1
    app = await open_app(settings)
    try:
        services = app.services
        dossier = await services.dossiers.find_first(code_variants(code, services.legacy_provinces))
    finally:
        await app.close()
    if dossier is None:
        print(tl.NOT_FOUND.format(code=code, example=EXAMPLE_CODE), file=sys.stderr)
        return 1
    link = receipt_link(settings.public_url, username, dossier.code)
    assert link is not None  # a public URL or a username, checked above
    args.output.write_bytes(qr_png(link, dossier.code))
    print(t.WRITTEN.format(path=args.output, link=link))
    return 0


async def _username_from_api(settings: Settings) -> str | None:
    """Ask getMe when only the token is configured."""
    if settings.telegram_token is None:
        return None
    from telegram import Bot
    from telegram.error import TelegramError

    bot = Bot(settings.telegram_token.get_secret_value(), base_url=settings.telegram_base_url)
    try:
        async with bot:
            return bot.username
    except TelegramError:
        return None
