"""`python -m bot outbox`: counts of the outbox by state and its last errors."""

from __future__ import annotations

import argparse

from bot.app import open_app
from config.settings import Settings

NAME = "outbox"
#: Opens an existing database only: the CLI checks it is there and says which it is.
READS_DATABASE = True
HELP = "show the notification outbox: counts by state and the last errors"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--errors", type=int, default=10, help="how many recent errors to show")


async def run(settings: Settings, args: argparse.Namespace) -> int:
    from handlers.texts import outbox as t

    app = await open_app(settings)
    try:
        counts = await app.services.outbox.counts()
        print(t.COUNTS.format(**counts))
        errors = await app.services.outbox.last_errors(args.errors)
        if errors:
            print(t.ERRORS_HEADER)
        for message in errors:
            print(
                t.ERROR_LINE.format(
                    id=message.id,
                    state=message.state,
                    channel=message.channel,
                    attempts=message.attempts,
                    error=message.last_error,
                )
            )
    finally:
        await app.close()
    return 0
