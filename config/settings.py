"""All settings of the bot in one place (pydantic-settings, prefix TDKT_, also read from .env)."""

from __future__ import annotations

import re
from datetime import time, timedelta
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent
CONFIG_DIR = Path(__file__).resolve().parent
DEFAULT_DATABASE = ROOT / "data" / "tdkt.sqlite3"
DEMO_DATABASE = ROOT / "data" / "demo.sqlite3"
WEBHOOK_SECRET_RE = re.compile(r"[A-Za-z0-9_-]{8,256}")


class SettingsError(Exception):
    """A setting is invalid; the message names the variable and what is wrong."""


class Settings(BaseSettings):
    """The bot's settings; every field is read from `TDKT_<NAME>`."""

    model_config = SettingsConfigDict(
        env_prefix="TDKT_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    database: Path | None = None
    telegram_token: SecretStr | None = None
    telegram_base_url: str = "https://api.telegram.org/bot"
    telegram_bot_username: str | None = None
    agency_code: str = "000.00.21.H01"
    timezone: str = "Asia/Ho_Chi_Minh"
    award_catalog: Path = CONFIG_DIR / "award_catalog.toml"
    holidays_file: Path = CONFIG_DIR / "holidays.toml"
    admins: Annotated[list[str], NoDecode] = Field(default_factory=list)
    #: Outbox messages per second per channel. Telegram allows 30/s; the sliding window never
    #: lets more than this go in any second, so 28 sustains above 25/s with a margin under 30.
    send_rate: int = Field(default=28, ge=1, le=30)
    digest_time: time = time(7, 30)
    #: Reminders (issue 4): working days before the due date (`3,1`), escalation to the leaders
    #: after this many working days overdue (0 = never), quiet hours when nothing is sent.
    reminder_days_before: Annotated[tuple[int, ...], NoDecode] = (3, 1)
    escalate_after_days: int = Field(default=2, ge=0, le=60)
    quiet_start: time = time(21, 0)
    quiet_end: time = time(7, 0)
    log_level: str = "INFO"
    #: Emulation movements and thematic topics a nomination may name (config/movements.py).
    movements_file: Path = CONFIG_DIR / "movements.toml"
    #: An untouched nomination draft expires after this: `24h`, `90m`, `2d`, or hours as a number.
    draft_ttl: timedelta = timedelta(hours=24)
    # Zalo Bot API (issue 7): the token is part of every request URL, so it is never logged.
    zalo_token: SecretStr | None = None
    zalo_base_url: str = "https://bot-api.zaloplatforms.com/bot"
    # Webhook mode: with a public HTTPS URL both channels register PUBLIC_URL/telegram and
    # PUBLIC_URL/zalo; the secrets are checked on every request (generated when unset).
    public_url: str | None = None
    telegram_webhook_secret: SecretStr | None = None
    zalo_webhook_secret: SecretStr | None = None
    http_host: str = "127.0.0.1"
    http_port: int = Field(default=8080, ge=1, le=65535)

    @field_validator("database", "telegram_token", "telegram_bot_username", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        """`TDKT_DATABASE=` in a .env template means unset, not the current directory."""
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("reminder_days_before", mode="before")
    @classmethod
    def _days_before(cls, value: object) -> object:
        """`3,1` → (3, 1): distinct working-day counts, largest first; empty means none."""
        if isinstance(value, str):
            parts = [part.strip() for part in value.split(",") if part.strip()]
            if not all(part.isdecimal() and 1 <= int(part) <= 60 for part in parts):
                raise ValueError("expected working days from 1 to 60 separated by commas, e.g. 3,1")
            value = [int(part) for part in parts]
        if isinstance(value, list | tuple):
            return tuple(sorted({int(item) for item in value}, reverse=True))
        return value

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("telegram_base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value

    @field_validator("agency_code")
    @classmethod
    def _agency_code(cls, value: str) -> str:
        from handlers.domain.codes import AGENCY_RE

        value = value.strip().upper()
        if not AGENCY_RE.fullmatch(value):
            raise ValueError("expected an agency identifier such as 000.00.21.H01")
        return value

    @field_validator("award_catalog", "holidays_file")
    @classmethod
    def _file_exists(cls, value: Path) -> Path:
        if not value.is_file():
            raise ValueError(f"file not found: {value}")
        return value

    @field_validator("admins", mode="before")
    @classmethod
    def _admin_list(cls, value: object) -> object:
        if isinstance(value, str):
            items = [item.strip() for item in value.split(",") if item.strip()]
            for item in items:
                channel, _, ident = item.partition(":")
                if channel not in ("telegram", "zalo", "console") or not ident:
                    raise ValueError(f"expected channel:id such as telegram:123456, got {item!r}")
            return items
        return value

    @field_validator(
        "zalo_token",
        "public_url",
        "telegram_webhook_secret",
        "zalo_webhook_secret",
        mode="before",
    )
    @classmethod
    def _blank_channel_setting(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("zalo_base_url")
    @classmethod
    def _zalo_http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/")

    @field_validator("public_url")
    @classmethod
    def _public_https_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.strip().rstrip("/")
        # Telegram and Zalo deliver webhooks to HTTPS addresses only.
        if not value.startswith("https://") or len(value) <= len("https://"):
            raise ValueError("must be the public https:// address, e.g. https://bot.example.vn")
        return value

    @field_validator("telegram_webhook_secret", "zalo_webhook_secret")
    @classmethod
    def _webhook_secret(cls, value: SecretStr | None) -> SecretStr | None:
        # Zalo asks for 8 to 256 characters; Telegram allows only A-Z, a-z, 0-9, _ and -.
        if value is not None and not WEBHOOK_SECRET_RE.fullmatch(value.get_secret_value()):
            raise ValueError("expected 8 to 256 characters among A-Z, a-z, 0-9, _ and -")
        return value

    @field_validator("movements_file")
    @classmethod
    def _movements(cls, value: Path) -> Path:
        from config.movements import MovementsError, load_movements

        try:
            load_movements(value)
        except MovementsError as exc:
            raise ValueError(str(exc)) from None
        return value

    @field_validator("draft_ttl", mode="before")
    @classmethod
    def _draft_ttl(cls, value: object) -> object:
        if isinstance(value, str):
            value = value.strip().lower()
            units = {"m": 60, "h": 3600, "d": 86400}
            number, unit = (value[:-1], value[-1]) if value[-1:] in units else (value, "h")
            try:
                value = timedelta(seconds=float(number) * units[unit])
            except (ValueError, OverflowError):
                raise ValueError("expected a duration such as 24h, 90m or 2d") from None
        elif isinstance(value, int | float) and not isinstance(value, bool):
            value = timedelta(hours=value)
        if isinstance(value, timedelta) and not timedelta(minutes=5) <= value <= timedelta(days=30):
            raise ValueError("must be between 5 minutes and 30 days")
        return value

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def database_path(self, *, console: bool = False) -> Path:
        """The SQLite file: TDKT_DATABASE, else the demo file (console) or data/tdkt.sqlite3."""
        if self.database is not None:
            return self.database
        return DEMO_DATABASE if console else DEFAULT_DATABASE


def load_settings(**overrides: object) -> Settings:
    """Read the settings, turning a validation error into one line naming the variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        lines = []
        for error in exc.errors():
            name = "TDKT_" + str(error["loc"][0]).upper() if error["loc"] else "TDKT_?"
            message = str(error["msg"]).removeprefix("Value error, ")
            lines.append(f"{name}: {message}")
        raise SettingsError("; ".join(lines)) from None
