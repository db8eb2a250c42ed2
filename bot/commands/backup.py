"""`python -m bot backup FILE`: copy the live database with SQLite's online backup.

Safe while the bot runs. To restore: stop the bot, copy FILE over the database file
(TDKT_DATABASE, by default data/tdkt.sqlite3) after deleting its `-wal` and `-shm` files, and
start the bot again (see README, "Backups").
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from config.settings import Settings, is_postgresql_url, redact_url

NAME = "backup"
#: Opens an existing database only: the CLI checks it is there and says which it is.
READS_DATABASE = True
HELP = "copy the live database to FILE with SQLite's online backup (safe while the bot runs)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, help="where to write the copy (must not exist)")


async def run(settings: Settings, args: argparse.Namespace) -> int:
    from db.backup import BackupError, backup
    from handlers.formatting import vn_number
    from handlers.texts import backup as t
    from handlers.texts import postgresql as tpg

    source = settings.database_path()
    if is_postgresql_url(source):
        print(tpg.BACKUP_USE_PG_DUMP.format(target=redact_url(str(source))), file=sys.stderr)
        return 1
    try:
        summary = await backup(Path(source), args.file)
    except BackupError as exc:
        reason = t.REASONS[exc.reason].format(detail=exc.detail)
        print(t.FAILED.format(reason=reason), file=sys.stderr)
        return 1
    megabytes = summary.size_bytes / 2**20
    size = f"{megabytes:.1f} MB".replace(".", ",")
    print(
        t.DONE.format(
            source=summary.source,
            target=summary.target,
            dossiers=vn_number(summary.dossiers),
            pending=vn_number(summary.outbox_pending),
            size=size,
            check=summary.check,
        )
    )
    return 0
