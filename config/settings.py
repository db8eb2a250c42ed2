"""All settings of the bot in one place (pydantic-settings, prefix TDKT_, also read from .env)."""

from __future__ import annotations

import difflib
import ipaddress
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import time, timedelta
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from config.agency_codes import AgencyCodesError, load_agency_renames
from config.eligibility import EligibilityError, load_eligibility
from config.faq import FaqError, load_faq
from config.movements import MovementsError, load_movements
from domain.calendar import CalendarFileError, WorkCalendar
from domain.codes import AGENCY_RE
from domain.decisions import DEFAULT_PATTERN as DEFAULT_DECISION_PATTERN
from domain.periods import parse_year_start
from domain.secret_key import decode_key

ROOT = Path(__file__).resolve().parent.parent
CONFIG_DIR = Path(__file__).resolve().parent
DEFAULT_DATABASE = ROOT / "data" / "tdkt.sqlite3"
DEMO_DATABASE = ROOT / "data" / "demo.sqlite3"
POSTGRESQL_SCHEMES = ("postgresql://", "postgres://")
WEBHOOK_SECRET_RE = re.compile(r"[A-Za-z0-9_-]{8,256}")


@dataclass(frozen=True)
class SettingsProblem:
    """One invalid setting, as pydantic saw it: the CLI words it in Vietnamese from `kind`
    (pydantic's error type) and `context` (its limits), keeping `message` for the log."""

    variable: str
    kind: str
    context: dict[str, object]
    message: str
    value: str


class SettingsError(Exception):
    """A setting is invalid; the message names the variable and what is wrong."""

    def __init__(self, message: str, problems: tuple[SettingsProblem, ...] = ()) -> None:
        super().__init__(message)
        self.problems = problems


class Settings(BaseSettings):
    """The bot's settings; every field is read from `TDKT_<NAME>`."""

    model_config = SettingsConfigDict(
        env_prefix="TDKT_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    #: A SQLite file, or a `postgresql://…` URL for several instances on one server.
    database: Path | str | None = None
    telegram_token: SecretStr | None = None
    telegram_base_url: str = "https://api.telegram.org/bot"
    telegram_bot_username: str | None = None
    agency_code: str = "000.00.21.H01"
    timezone: str = "Asia/Ho_Chi_Minh"
    award_catalog: Path = CONFIG_DIR / "award_catalog.toml"
    holidays_file: Path = CONFIG_DIR / "holidays.toml"
    #: Issue 12: Ngày Văn hóa Việt Nam (24/11) as a day off (`on`/`off`), once the Labour Code
    #: says so; a receipt at or after the end of office hours counts from the next working day;
    #: renamed agency identifiers (merged provinces); the reporting year's first day (DD/MM,
    #: 15/12 per Decree 09/2019/NĐ-CP art. 12: half-year 15/12–14/6, year 15/12–14/12).
    culture_day: bool = False
    office_hours_end: time = time(17, 0)
    agency_codes_file: Path = CONFIG_DIR / "agency_codes.toml"
    report_year_start: str = "15/12"
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
    #: Issue 24: the routes each award kind's nominees are checked against (config/eligibility.py).
    eligibility_file: Path = CONFIG_DIR / "eligibility.toml"
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
    # Privacy (issue 11, Law 91/2025/QH15): who controls the data and how to reach them, shown
    # in /baomat and the welcome; attempts, inbound updates and sent notices are purged after
    # `retention_days`.
    controller_name: str = Field(
        default="Ban Thi đua – Khen thưởng tỉnh (Sở Nội vụ)", min_length=1, max_length=200
    )
    controller_contact: str = Field(
        default="bộ phận một cửa của Ban Thi đua – Khen thưởng", min_length=1, max_length=300
    )
    retention_days: int = Field(default=90, ge=1, le=3650)
    #: Wrong digits from chats that never proved the dossier, per channel per hour, before the
    #: lookup stops checking new chats' digits until the hour rolls on.
    guess_budget: int = Field(default=300, ge=1, le=100_000)
    # The public lookup page (issue 13): client addresses come from X-Forwarded-For only when
    # the request's peer is one of these proxies (`127.0.0.1,10.0.0.2`; `*` trusts any peer).
    trusted_proxy: Annotated[tuple[str, ...], NoDecode] = ()
    #: The Zalo bot's link (https://zalo.me/...), shown under the card as "Nhận thông báo qua Zalo".
    zalo_bot_url: str | None = None
    # Zalo Notification Service (ZNS): status notices to the phone number on the dossier.
    zns_access_token: SecretStr | None = None
    zns_template_status: str | None = None
    zns_base_url: str = "https://business.openapi.zalo.me"
    # The OA access token lives 25 hours: with the app's id and secret and a first refresh
    # token the bot refreshes it itself, keeping the new pair (encrypted) in the database.
    zns_app_id: str | None = None
    zns_app_secret: SecretStr | None = None
    zns_refresh_token: SecretStr | None = None
    zns_oauth_url: str = "https://oauth.zaloapp.com/v4/oa/access_token"
    #: Encrypts the full phone numbers kept for ZNS (AES-256: 32 bytes in url-safe base64).
    phone_key: SecretStr | None = None
    #: Full phone numbers are erased this many days after a dossier is finished (returned, ...).
    phone_retention_days: int = Field(default=30, ge=0, le=3650)
    #: The ZNS template of the one-time lookup code (issue 23 item 5), parameter `otp`: offered
    #: when strangers' guessing holds a dossier; unset, the citizen is given the desk instead.
    zns_template_otp: str | None = None
    #: A phone notice that cannot go for a reason outside the bot (ZNS 5xx, network, an
    #: expired token nobody refreshes, OAuth down) waits this many hours, retried, then dies.
    notice_wait_hours: int = Field(default=48, ge=1, le=720)
    #: Decision numbers (issue 14): a regular expression, matched ignoring case, that a
    #: number must fit before it is stored and sent to citizens (default `123/QĐ-UBND`).
    decision_no_pattern: str = DEFAULT_DECISION_PATTERN
    # The citizen's questions (issue 26.2): the questions file, and the one-stop desk's contact
    # and hours that follow every answer (TDKT_DESK_PHONE unset: no phone line), also given to a
    # citizen held out by strangers' guessing (issue 23.5).
    faq_file: Path = CONFIG_DIR / "faq.toml"
    desk_phone: str | None = Field(default=None, max_length=60)
    desk_hours: str = Field(
        default="Sáng 7:30–11:30, chiều 13:30–17:00, thứ Hai đến thứ Sáu (trừ ngày lễ, Tết)",
        min_length=1,
        max_length=200,
    )
    desk_address: str = Field(
        default="Bộ phận Một cửa, Trung tâm Phục vụ hành chính công tỉnh",
        min_length=1,
        max_length=300,
    )
    #: Issue 26.3: the date to supplement by defaults to this many working days after the
    #: request. No rule found fixes it for commendation dossiers: it is the board's choice.
    supplement_days: int = Field(default=15, ge=1, le=60)
    #: When the supplement arrives: `continue` adds the working days waited to the due date
    #: (the clock paused); `restart` counts the award kind's processing time again from the
    #: day the complete dossier arrives (Decision 638/QĐ-BNV/2025's sheets count from a
    #: complete dossier). See config/one_stop_rules.toml for the sources.
    supplement_clock: Literal["continue", "restart"] = "continue"
    #: The place printed on the apology form ("An Giang, ngày …"); empty leaves a blank line.
    board_place: str = ""
    #: The import lists this many errors with their lines and only counts the rest, so a file
    #: of millions of bad lines neither prints nor holds millions of messages.
    import_max_errors: int = Field(default=1000, ge=1, le=1_000_000)

    @field_validator("database", "telegram_token", "telegram_bot_username", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        """`TDKT_DATABASE=` in a .env template means unset, not the current directory."""
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("database", mode="before")
    @classmethod
    def _url_or_path(cls, value: object) -> object:
        """A `postgresql://` URL stays a string (a Path would fold its `//` into a folder named
        `postgresql:`); anything else is a SQLite file."""
        if isinstance(value, str):
            value = value.strip()
            if not value:
                return None
            if is_postgresql_url(value):
                return value
            if "://" in value:
                raise ValueError(f"only postgresql:// URLs or a SQLite file path, not {value!r}")
            return Path(value)
        return value

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
        value = value.strip().upper()
        if not AGENCY_RE.fullmatch(value):
            raise ValueError("expected an agency identifier such as 000.00.21.H01")
        return value

    @field_validator("report_year_start")
    @classmethod
    def _report_year_start(cls, value: str) -> str:
        parse_year_start(value)
        return value.strip()

    @field_validator("holidays_file")
    @classmethod
    def _holidays(cls, value: Path) -> Path:
        if not value.is_file():
            raise ValueError(f"file not found: {value}")
        try:
            WorkCalendar.from_file(value)
        except CalendarFileError as exc:
            raise ValueError(str(exc)) from None
        return value

    @field_validator("agency_codes_file", "faq_file", "movements_file", "eligibility_file")
    @classmethod
    def _data_file(cls, value: Path, info: ValidationInfo) -> Path:
        """A data file the board edits is read once here, so a mistake stops start-up with
        the file's own message rather than at the first message that needs it."""
        load, error = _DATA_FILES[info.field_name]
        try:
            load(value)
        except error as exc:
            raise ValueError(str(exc)) from None
        return value

    @field_validator("award_catalog")
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
        "zalo_bot_url",
        "zns_access_token",
        "zns_template_status",
        "zns_app_id",
        "zns_app_secret",
        "zns_refresh_token",
        "phone_key",
        "zns_template_otp",
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

    @field_validator("trusted_proxy", mode="before")
    @classmethod
    def _proxies(cls, value: object) -> object:
        if isinstance(value, str):
            value = [item.strip() for item in value.split(",") if item.strip()]
        if isinstance(value, list | tuple):
            for item in value:
                if item != "*":
                    try:
                        ipaddress.ip_address(item)
                    except ValueError:
                        raise ValueError(f"expected IP addresses or *, got {item!r}") from None
            return tuple(value)
        return value

    @field_validator("zalo_bot_url", "zns_base_url", "zns_oauth_url")
    @classmethod
    def _https_link(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not value.startswith(("https://", "http://")):
            raise ValueError("must start with https://")
        return value.rstrip("/")

    @field_validator("phone_key")
    @classmethod
    def _fernet_key(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None:
            return None
        try:
            decode_key(value.get_secret_value())
        except ValueError:
            raise ValueError(
                "expected 32 random bytes in url-safe base64; make them with python3 -c "
                "'import base64, os; print(base64.urlsafe_b64encode(os.urandom(32)).decode())'"
            ) from None
        return value

    @property
    def zns_on(self) -> bool:
        """Phone notices need an OA token (or what refreshes one), the approved template and
        the encryption key."""
        return (
            (self.zns_access_token is not None or self.zns_refreshes)
            and self.zns_template_status is not None
            and self.phone_key is not None
        )

    @property
    def zns_refreshes(self) -> bool:
        """The bot refreshes the OA access token itself (app id, app secret, refresh token)."""
        return (
            self.zns_app_id is not None
            and self.zns_app_secret is not None
            and self.zns_refresh_token is not None
        )

    @field_validator("decision_no_pattern")
    @classmethod
    def _decision_pattern(cls, value: str) -> str:
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"not a valid regular expression: {exc}") from None
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

    def database_path(self, *, console: bool = False) -> Path | str:
        """The SQLite file or PostgreSQL URL: TDKT_DATABASE, else the demo file (console) or
        data/tdkt.sqlite3."""
        if self.database is not None:
            return self.database
        return DEMO_DATABASE if console else DEFAULT_DATABASE


def is_postgresql_url(target: object) -> bool:
    """`postgresql://…` or `postgres://…` (libpq's two spellings) names a PostgreSQL server."""
    return isinstance(target, str) and target.startswith(POSTGRESQL_SCHEMES)


def redact_url(url: str) -> str:
    """The URL with its password hidden, for banners and logs."""
    return re.sub(r"(://[^:/@]+):[^@/]*@", r"\1:***@", url)


def load_settings(**overrides: object) -> Settings:
    """Read the settings, turning a validation error into one line naming the variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        lines = []
        problems = []
        for error in exc.errors():
            name = "TDKT_" + str(error["loc"][0]).upper() if error["loc"] else "TDKT_?"
            message = str(error["msg"]).removeprefix("Value error, ")
            lines.append(f"{name}: {message}")
            context = {key: value for key, value in error.get("ctx", {}).items() if key != "error"}
            value = error.get("input")
            shown = value if isinstance(value, str | int | float) else ""
            problems.append(SettingsProblem(name, error["type"], context, message, str(shown)))
        raise SettingsError("; ".join(lines), tuple(problems)) from None


#: Variables with the prefix that are not settings yet are expected in the environment.
_NOT_SETTINGS = frozenset({"TDKT_TEST_POSTGRES"})


def unknown_variables(environ: Mapping[str, str]) -> list[tuple[str, str | None]]:
    """`TDKT_*` variables no setting reads, each with the nearest setting's name (or None).

    pydantic ignores them silently, so `TDKT_TELEGRAM_TOKKEN` would leave the bot without
    Telegram and nobody told."""
    known = {f"TDKT_{name.upper()}" for name in Settings.model_fields}
    found = []
    for name in sorted(environ):
        upper = name.upper()
        if not upper.startswith("TDKT_") or upper in known or upper in _NOT_SETTINGS:
            continue
        near = difflib.get_close_matches(upper, sorted(known), n=1, cutoff=0.8)
        found.append((name, near[0] if near else None))
    return found


#: The data files checked at start-up: the loader of each and the error it raises.
_DATA_FILES: dict[str | None, tuple[Callable[[Path], object], type[Exception]]] = {
    "agency_codes_file": (load_agency_renames, AgencyCodesError),
    "faq_file": (load_faq, FaqError),
    "movements_file": (load_movements, MovementsError),
    "eligibility_file": (load_eligibility, EligibilityError),
}
