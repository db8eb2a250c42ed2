"""Runtime: channel adapters (console, Telegram, Zalo), scheduler, outbox and the CLI."""
