"""Keeps secrets out of the logs: bot tokens inside Bot API URLs, and the configured secrets.

Telegram's Bot API takes the token in the URL path (`/bot<TOKEN>/sendMessage`), and so does
Zalo's; any library that logs a request URL or quotes one in an error (httpx at INFO, a
connection error) would write the token into the log. `install()` puts a log record factory in
front of every logger that rewrites the message, and the traceback of a logged exception,
before any handler sees it: tokens in URL paths, anything shaped like a Telegram token, and
the exact values passed as secrets become `<redacted>`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from typing import Any

MASK = "<redacted>"
#: The token segment of a Bot API URL path: `/bot<TOKEN>/method`.
_URL_TOKEN = re.compile(r"(?<=[^/]/bot)[^/\s'\"<>]{6,}(?=/)")
#: A Telegram bot token on its own: the bot's id, a colon, 30 or more URL-safe characters.
_TELEGRAM_TOKEN = re.compile(r"\b\d{5,}:[A-Za-z0-9_-]{30,}")

_secrets: set[str] = set()
_installed = False


def redact(text: str) -> str:
    """`text` with every token and configured secret replaced by MASK."""
    for secret in sorted(_secrets, key=len, reverse=True):
        text = text.replace(secret, MASK)
    text = _URL_TOKEN.sub(MASK, text)
    return _TELEGRAM_TOKEN.sub(MASK, text)


def install(secrets: Iterable[str | None] = ()) -> None:
    """Redact from now on (idempotent); `secrets` adds exact values such as the tokens."""
    global _installed
    # Short values would mask ordinary words; real tokens and secrets are long.
    _secrets.update(secret for secret in secrets if secret and len(secret) >= 8)
    if _installed:
        return
    previous = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        _scrub(record)
        return record

    logging.setLogRecordFactory(factory)
    _installed = True


def secrets_of(settings: Any) -> list[str]:
    """Every secret setting's value (tokens, webhook secrets): each SecretStr field."""
    from pydantic import SecretStr

    return [
        value.get_secret_value()
        for name in type(settings).model_fields
        if isinstance(value := getattr(settings, name), SecretStr)
    ]


def _scrub(record: logging.LogRecord) -> None:
    try:
        message = record.getMessage()
    except Exception:  # a broken format string is the logging module's to report
        return
    clean = redact(message)
    if clean != message:
        record.msg, record.args = clean, ()
    if record.exc_info and record.exc_info[1] is not None:
        text = logging.Formatter().formatException(record.exc_info)
        clean = redact(text)
        if clean != text:
            # Handlers print exc_text when it is set instead of formatting the traceback again.
            record.exc_text = clean
