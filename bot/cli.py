"""The command line: `python -m bot [run|console|import FILE]`.

`run` (the default) serves Telegram and/or Zalo when TDKT_TELEGRAM_TOKEN / TDKT_ZALO_TOKEN
is set (`run --console` adds this terminal as a chat); with no chat token but TDKT_PUBLIC_URL
or ZNS set, it serves the lookup page, the scheduler and the phone notices only; otherwise it
opens the console channel on the demo database (or on TDKT_DATABASE when it is set).
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import logging
import os
import pkgutil
import sqlite3
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import bot.commands as commands_package
from bot import redaction
from bot.app import open_app, setup_logging
from bot.settings_words import settings_error_text, unknown_variable_warnings
from bot.zns_client import zns_configured
from config.catalog import CatalogError
from config.settings import (
    Settings,
    SettingsError,
    is_postgresql_url,
    load_settings,
    redact_url,
)
from handlers.texts import console as tconsole
from handlers.texts import importing as timport
from handlers.texts import newuser as tnew
from handlers.texts import postgresql as tpg

log = logging.getLogger(__name__)

EXIT_OK, EXIT_FAILED, EXIT_CONFIG = 0, 1, 2


class Subcommand(Protocol):
    """A CLI module under bot/commands: `python -m bot NAME ...`."""

    NAME: str
    HELP: str

    def add_arguments(self, parser: argparse.ArgumentParser) -> None: ...

    async def run(self, settings: Settings, args: argparse.Namespace) -> int: ...


def subcommands() -> dict[str, Subcommand]:
    """Feature subcommands, one module each (so features do not edit one shared file)."""
    found: dict[str, Subcommand] = {}
    for info in pkgutil.iter_modules(commands_package.__path__):
        module = importlib.import_module(f"{commands_package.__name__}.{info.name}")
        if hasattr(module, "NAME") and hasattr(module, "run"):
            found[module.NAME] = module  # type: ignore[assignment]
    return found


def build_parser(extra: dict[str, Subcommand]) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description="TĐKT Bot")
    sub = parser.add_subparsers(dest="command")
    run = sub.add_parser("run", help="serve the configured channels (console when no token)")
    run.add_argument(
        "--console", action="store_true", help="also chat in this terminal while serving"
    )
    sub.add_parser("console", help="chat with the bot in this terminal")
    importer = sub.add_parser("import", help="import the one-stop system's CSV export")
    importer.add_argument("file", type=Path)
    for name, module in sorted(extra.items()):
        module.add_arguments(sub.add_parser(name, help=module.HELP))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    try:
        code = _main(argv)
        sys.stdout.flush()  # inside the try: a closed pipe is met here, not at exit
    except BrokenPipeError:
        # `bot calendar 2030 | head -3`: the reader has what it wanted. Python would still
        # flush stdout at exit and print a traceback; point it at /dev/null instead.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    return code


def _main(argv: Sequence[str] | None) -> int:
    extra = subcommands()
    args = build_parser(extra).parse_args(argv)
    for warning in unknown_variable_warnings():
        print(warning, file=sys.stderr)
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(tconsole.CONFIG_INVALID.format(detail=settings_error_text(exc)), file=sys.stderr)
        return EXIT_CONFIG
    command = args.command or "run"
    console = command == "console" or (command == "run" and not _has_channel(settings))
    # Only serving logs progress; one-off commands keep stderr for what the officer must read.
    serving = command == "run" and not console
    setup_logging(settings.log_level if serving else "WARNING")
    redaction.install(redaction.secrets_of(settings))
    try:
        if command == "import":
            print(_database_line(settings), file=sys.stderr)
            return asyncio.run(import_file(settings, args.file))
        if command in extra:
            if getattr(extra[command], "READS_DATABASE", False):
                problem = existing_database(settings)
                if problem is not None:
                    print(problem, file=sys.stderr)
                    return EXIT_FAILED
                print(_database_line(settings), file=sys.stderr)
            return asyncio.run(extra[command].run(settings, args))
        if console:
            return asyncio.run(run_console(settings))
        return run_channels(settings, console=getattr(args, "console", False))
    except CatalogError as exc:
        print(tconsole.CATALOG_INVALID.format(detail=exc), file=sys.stderr)
        return EXIT_CONFIG
    except sqlite3.OperationalError as exc:
        if not is_postgresql_url(settings.database_path()):
            raise
        # The server is down or refuses us: one line, not a traceback.
        target = redact_url(str(settings.database_path()))
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        print(tpg.DATABASE_UNREACHABLE.format(target=target, detail=detail), file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        return EXIT_OK


def existing_database(settings: Settings) -> str | None:
    """Why a command that only reads the database cannot run, or None when the file exists.

    The rule: such commands (outbox, qr, backup, export, report) open TDKT_DATABASE, else
    data/tdkt.sqlite3, and never create it; they never fall back to the demo database that
    `make run` uses, but say it is there and how to choose it.
    """
    from config.settings import DEMO_DATABASE

    path = settings.database_path()
    if is_postgresql_url(path):
        return None  # a server: whether it answers is told when it is opened
    path = Path(path)
    if path.is_file():
        return None
    if settings.database is None and DEMO_DATABASE.is_file():
        return tconsole.DATABASE_ONLY_DEMO.format(path=path, demo=DEMO_DATABASE)
    return tconsole.DATABASE_MISSING.format(path=path)


def _database_line(settings: Settings) -> str:
    path = settings.database_path()
    if is_postgresql_url(path):
        return tconsole.DATABASE_USED.format(path=redact_url(str(path)))
    template = tconsole.DATABASE_USED if Path(path).is_file() else tconsole.DATABASE_NEW
    return template.format(path=path)


def _has_channel(settings: Settings) -> bool:
    """Something to serve: a chat token, the page (TDKT_PUBLIC_URL) or phone notices (ZNS)."""
    return (
        settings.telegram_token is not None
        or settings.zalo_token is not None
        or settings.public_url is not None
        or zns_configured(settings)
    )


async def run_console(settings: Settings) -> int:
    from bot.console_channel import CHAT_ID
    from bot.console_channel import run_console as console_loop
    from bot.console_sender import console_sender
    from bot.console_web import lookup_page_beside
    from bot.demo import DEMO_PUBLIC_URL, demo_identities, ensure_demo_data
    from bot.outbox import OutboxDispatcher

    path = settings.database_path(console=True)
    demo = settings.database is None
    if demo and f"console:{CHAT_ID}" not in settings.admins:
        # Anyone trying the demo offline may also try the officers' commands.
        settings = settings.model_copy(update={"admins": [*settings.admins, f"console:{CHAT_ID}"]})
    if demo and settings.public_url is None:
        # The demo's /qr codes open the lookup page served beside the console (plain http on
        # this machine only; a real TDKT_PUBLIC_URL must be https).
        public_url = DEMO_PUBLIC_URL.format(port=settings.http_port)
        settings = settings.model_copy(update={"public_url": public_url})
    app = await open_app(settings, database=path)
    # Saved images and documents go beside the database, never into another one's folder.
    files: dict[str, Any] = {"files_dir": path.parent / "console"}
    if demo:  # `/vai canbo|lanhdao|congdan`: the demo's other users, in this terminal
        files["identities"] = demo_identities(CHAT_ID)
    dispatcher = OutboxDispatcher(
        app.services.outbox, {"console": console_sender(app.services, CHAT_ID)}, app.services.clock
    )
    try:
        banner = []
        if demo:
            dossiers = await ensure_demo_data(app.services, CHAT_ID)
            banner.append(tconsole.DEMO_HEADER.format(path=path))
            banner += [
                tconsole.DEMO_LINE.format(code=d.code, digits=d.phone_last4, label=d.status.label)
                for d in dossiers
            ]
            banner += [tconsole.ADMIN_HINT, tnew.ROLE_HINT]
        else:
            banner.append(tconsole.DATABASE_LINE.format(path=app.db.path))
        from bot.scheduler import tick

        await tick(app.services)  # reminders due now, like the served bot's first tick
        if settings.public_url is None:
            await console_loop(app.core, banner=banner, after_each=dispatcher.drain, **files)
        else:
            async with lookup_page_beside(app) as page_line:
                banner.append(page_line)
                await console_loop(app.core, banner=banner, after_each=dispatcher.drain, **files)
    finally:
        await app.close()
    return EXIT_OK


def run_channels(settings: Settings, *, console: bool = False) -> int:
    """Serve the configured channels until interrupted."""
    from bot.runtime import serve

    print(_database_line(settings), file=sys.stderr)
    asyncio.run(serve(settings, console=console))
    return EXIT_OK


async def import_file(settings: Settings, path: Path) -> int:
    """Check every row and write them all in one transaction, or nothing (chunk by chunk)."""
    from bot.progress import track_chunks
    from db.dossiers import ForbiddenMove
    from db.phones import PhoneRepository
    from db.reminders import UnknownOfficerError
    from domain.transitions import can_reach
    from handlers.assignment import import_error_lines
    from handlers.importing.files import read_chunks
    from handlers.importing.reading_process import ImportReaderError
    from handlers.importing.writer import import_chunks, rules_for
    from handlers.notices import status_notice_renderer
    from handlers.texts import report as treport
    from handlers.zns import erase_expired, phone_vault

    vault = phone_vault(settings)  # full numbers are kept only for ZNS phone notices
    try:
        size = path.stat().st_size
    except OSError as exc:
        print(timport.FILE_NOT_FOUND.format(path=path, reason=exc.strerror), file=sys.stderr)
        return EXIT_FAILED
    app = await open_app(settings)
    try:
        services = app.services
        rules = await rules_for(services, keep_phones=vault is not None)
        # CSV and .xlsx alike: read as a stream, chunk by chunk, never whole.
        chunks = read_chunks(path, rules, progress=track_chunks(treport.PROGRESS_IMPORT))
        # A CSV row takes 100–200 bytes; a workbook's, compressed, about a quarter of that.
        estimated = size // (25 if path.suffix.lower() == ".xlsx" else 100)
        try:
            outcome = await import_chunks(
                services,
                chunks,
                actor="import",
                estimated_rows=estimated,
                notice=status_notice_renderer(),
                allowed_move=can_reach,
                seal_phone=vault.seal if vault is not None else None,
            )
        except ForbiddenMove as exc:
            # An officer moved the dossier while the file was being read: nothing is written.
            print(
                timport.FORBIDDEN_MOVE.format(
                    code=exc.code, current=exc.stored.label, target=exc.target.label
                ),
                file=sys.stderr,
            )
            print(timport.NOTHING_WRITTEN.format(count=1), file=sys.stderr)
            return EXIT_FAILED
        except ImportReaderError as exc:
            print(exc, file=sys.stderr)  # the reading process failed: nothing is written
            return EXIT_FAILED
        except UnknownOfficerError as exc:
            for line in import_error_lines(exc):
                print(line, file=sys.stderr)
            print(timport.NOTHING_WRITTEN.format(count=len(exc.problems)), file=sys.stderr)
            return EXIT_FAILED
        if not outcome.ok:
            for line in outcome.error_lines():
                print(line, file=sys.stderr)
            print(outcome.summary(), file=sys.stderr)
            return EXIT_FAILED
        if vault is not None:
            # A finished dossier re-imported past its retention period keeps no number.
            await erase_expired(PhoneRepository(app.db), settings, app.services.now())
    finally:
        await app.close()
    counts = outcome.counts
    print(
        timport.DONE.format(
            total=outcome.rows,
            inserted=counts.inserted,
            updated=counts.updated,
            unchanged=counts.unchanged,
        )
    )
    return EXIT_OK
