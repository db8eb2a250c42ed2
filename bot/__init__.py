"""Runtime: channel adapters (console, Telegram, Zalo), scheduler, outbox and the CLI."""

import os

# python-telegram-bot 22 warns on every flood-wait unless time periods are timedeltas; the
# adapters read `retry_after` either way, so opt in to the future behaviour now.
os.environ.setdefault("PTB_TIMEDELTA", "1")
