"""`python -m bot migrate-db --to postgresql://…`: copy a SQLite database into PostgreSQL.

Every table, counts checked, in one transaction; an empty target only (db/copy.py).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from config.settings import Settings, is_postgresql_url, redact_url
from handlers.texts import postgresql as t

NAME = "migrate-db"
HELP = t.MIGRATE_HELP


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--to", required=True, help=t.MIGRATE_TO_HELP)
    parser.add_argument("--from", dest="source", type=Path, help=t.MIGRATE_FROM_HELP)


async def run(settings: Settings, args: argparse.Namespace) -> int:
    from db.copy import CopyError, copy_sqlite_to_postgresql
    from handlers.formatting import vn_number

    if not is_postgresql_url(args.to):
        print(t.MIGRATE_NOT_URL.format(target=args.to), file=sys.stderr)
        return 2
    source = args.source or settings.database_path()
    if is_postgresql_url(source):
        print(t.MIGRATE_SOURCE_NOT_SQLITE.format(source=redact_url(str(source))), file=sys.stderr)
        return 2
    target = redact_url(args.to)
    try:
        summary = await copy_sqlite_to_postgresql(Path(source), args.to)
    except CopyError as exc:
        reason = t.MIGRATE_REASONS[exc.reason].format(detail=exc.detail)
        print(t.MIGRATE_FAILED.format(reason=reason), file=sys.stderr)
        return 1
    print(
        t.MIGRATE_DONE.format(
            source=source,
            target=target,
            version=summary.schema_version,
            total=vn_number(sum(summary.tables.values())),
            tables=len(summary.tables),
        )
    )
    for table, rows in summary.tables.items():
        print(t.MIGRATE_TABLE_LINE.format(table=table, rows=vn_number(rows)))
    return 0
