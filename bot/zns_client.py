"""Zalo Notification Service (ZNS) sender: status notices to the phone number on the dossier.

`POST <TDKT_ZNS_BASE_URL>/message/template` with header `access_token` and the JSON body
`{phone: "84…", template_id, template_data, tracking_id}`; Zalo answers
`{"error": 0, "message": "Success", "data": {"msg_id": ...}}` or a negative `error` (often with
HTTP 200, so the body decides). The outbox dispatcher does the rest: a 429 or a quota answer
holds the message back, 5xx / network errors / an expired token are retried with backoff, and
a permanent refusal (a bad phone, not on Zalo, a wrong template) is dead-lettered with Zalo's
code and message. The quiet hours apply as for every notice.

The OA access token lives 25 hours. With TDKT_ZNS_APP_ID, TDKT_ZNS_APP_SECRET and a first
TDKT_ZNS_REFRESH_TOKEN the bot refreshes it itself (`POST https://oauth.zaloapp.com/v4/oa/
access_token`, header `secret_key`) an hour before it expires or when ZNS answers −124, and
keeps the new pair encrypted in the database at once: the refresh token is single-use.
Otherwise TDKT_ZNS_ACCESS_TOKEN is used as it is and −124 is logged as an error.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol

import httpx

from bot.outbox import PermanentError, RetryLater, TransientError
from config.settings import Settings
from db.connection import Database
from db.phones import ZNS_CHANNEL, PhoneRepository, StoredTokens, ZnsTokenRepository
from handlers.lookup_otp import OTP_TEMPLATE, TEMPLATE_KEY
from handlers.zns import PAYLOAD_KEY, PhoneVault, erase_expired, phone_vault

if TYPE_CHECKING:
    from bot.app import App

log = logging.getLogger(__name__)

REQUEST_TIMEOUT_SECONDS = 15.0
#: Zalo's codes that a later try may get past: unknown error, bad or expired access token.
RETRY_CODES = frozenset({-100, -124})
#: Out of quota / daily limit reached / outside the hours ZNS may be sent: wait, do not burn
#: the attempts (the dispatcher holds the message without counting one).
WAIT_CODES = frozenset({-115, -133, -144})
WAIT_SECONDS = 3600.0
TOKEN_EXPIRED = -124
#: The access token is refreshed this long before Zalo says it expires.
REFRESH_BEFORE = timedelta(hours=1)
#: What Zalo documents when an answer forgets `expires_in`: 25 hours.
DEFAULT_LIFETIME = 90000.0
ACCESS_CONTEXT, REFRESH_CONTEXT = "zns-oa-access-token", "zns-oa-refresh-token"
#: How often finished dossiers' numbers are looked for and erased.
ERASE_EVERY = timedelta(hours=1)


class TokenSource(Protocol):
    """Where the sender gets the OA access token, and tells that ZNS refused one."""

    async def current(self) -> str: ...

    def rejected(self, token: str) -> None: ...


class StaticToken:
    """TDKT_ZNS_ACCESS_TOKEN as configured: renewed by hand."""

    def __init__(self, token: str) -> None:
        self.token = token

    async def current(self) -> str:
        return self.token

    def rejected(self, token: str) -> None:
        log.error("ZNS refused TDKT_ZNS_ACCESS_TOKEN (-124): set a fresh OA access token")


class RefreshingToken:
    """The OA access token refreshed by the bot; the pair is kept encrypted in the database."""

    def __init__(
        self,
        settings: Settings,
        store: ZnsTokenRepository,
        vault: PhoneVault,
        client: httpx.AsyncClient,
        clock: Callable[[], datetime],
    ) -> None:
        assert settings.zns_refreshes
        self.settings = settings
        self.store = store
        self.vault = vault
        self.client = client
        self.clock = clock
        self._lock = asyncio.Lock()
        self._rejected: str | None = None

    async def current(self) -> str:
        async with self._lock:  # one refresh at a time: the refresh token works only once
            assert self.settings.zns_refresh_token is not None
            configured = self.settings.zns_refresh_token.get_secret_value()
            seed = hashlib.sha256(configured.encode()).hexdigest()
            stored = await self.store.get()
            if stored is None or stored.seed != seed:
                return await self._refresh(configured, seed)  # first start, or a new token
            access = self.vault.decrypt(stored.access_enc, ACCESS_CONTEXT)
            fresh = stored.expires_at - REFRESH_BEFORE > self.clock()
            if access is not None and fresh and access != self._rejected:
                return access
            refresh = self.vault.decrypt(stored.refresh_enc, REFRESH_CONTEXT)
            if refresh is None:
                raise TransientError(
                    "the stored ZNS tokens are unreadable (TDKT_PHONE_KEY changed)"
                )
            return await self._refresh(refresh, seed)

    def rejected(self, token: str) -> None:
        self._rejected = token  # the next send refreshes first

    async def _refresh(self, refresh_token: str, seed: str) -> str:
        assert self.settings.zns_app_id is not None and self.settings.zns_app_secret is not None
        try:
            response = await self.client.post(
                self.settings.zns_oauth_url,
                headers={"secret_key": self.settings.zns_app_secret.get_secret_value()},
                data={
                    "refresh_token": refresh_token,
                    "app_id": self.settings.zns_app_id,
                    "grant_type": "refresh_token",
                },
                timeout=REQUEST_TIMEOUT_SECONDS,
            )
            answer = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise TransientError(f"ZNS token refresh: {type(exc).__name__}") from None
        access = answer.get("access_token") if isinstance(answer, dict) else None
        renewed = answer.get("refresh_token") if isinstance(answer, dict) else None
        if not isinstance(access, str) or not isinstance(renewed, str) or not access:
            error = answer.get("error") if isinstance(answer, dict) else None
            detail = answer.get("error_description", "") if isinstance(answer, dict) else ""
            log.error(
                "ZNS token refresh refused (%s %s): set TDKT_ZNS_REFRESH_TOKEN", error, detail
            )
            raise TransientError(f"ZNS token refresh refused: {error} {str(detail)[:120]}")
        try:
            lifetime = float(answer.get("expires_in", DEFAULT_LIFETIME))
        except (TypeError, ValueError):
            lifetime = DEFAULT_LIFETIME
        now = self.clock()
        tokens = StoredTokens(
            self.vault.encrypt(access, ACCESS_CONTEXT),
            self.vault.encrypt(renewed, REFRESH_CONTEXT),
            now + timedelta(seconds=lifetime),
            seed,
        )
        try:
            await self.store.save(tokens, now)
        except Exception:
            # Zalo has already spent the old refresh token: only a new one from the OA can help.
            log.critical("the refreshed ZNS tokens could not be stored; set TDKT_ZNS_REFRESH_TOKEN")
            raise
        self._rejected = None
        log.info("ZNS access token refreshed, valid until %s", tokens.expires_at.isoformat())
        return access


class ZnsSender:
    """The outbox's `zns` channel: chat ids are dossier ids, payloads carry the template data."""

    channel = ZNS_CHANNEL
    per_chat_interval = 1.0

    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        base_url: str,
        tokens: TokenSource,
        template_id: str,
        phone_of: Callable[[str], Awaitable[str | None]],
        rate: float = 10.0,
        otp_template_id: str | None = None,
        wait_limit: timedelta | None = None,
    ) -> None:
        self.client = client
        #: Set: an outage is waited out this long (bot/outbox.py), not 8 attempts.
        self.wait_limit = wait_limit
        self.url = f"{base_url.rstrip('/')}/message/template"
        self.tokens = tokens
        self.template_id = template_id
        self.phone_of = phone_of
        self.rate = rate
        #: The one-time lookup code's template (handlers/lookup_otp.py), when registered.
        self.otp_template_id = otp_template_id

    async def send(self, chat_id: str, payload: dict[str, Any]) -> None:
        data = dict(payload.get(PAYLOAD_KEY) or {})
        if not data:
            raise PermanentError("no ZNS template data in the notice")
        phone = await self.phone_of(chat_id)
        if phone is None:
            # Erased (retention, ZNS turned off) or unreadable under the current key.
            raise PermanentError("no phone number kept for this dossier")
        tracking_id = str(data.pop("tracking_id", chat_id))
        template_id = self.template_id
        if payload.get(TEMPLATE_KEY) == OTP_TEMPLATE:
            if self.otp_template_id is None:
                raise PermanentError("no ZNS template for one-time codes (TDKT_ZNS_TEMPLATE_OTP)")
            template_id = self.otp_template_id
        body = {
            "phone": phone,
            "template_id": template_id,
            "template_data": data,
            "tracking_id": tracking_id,
        }
        token = await self.tokens.current()
        try:
            response = await self.client.post(
                self.url,
                json=body,
                headers={"access_token": token},
                timeout=REQUEST_TIMEOUT_SECONDS,
            )
        except httpx.HTTPError as exc:
            raise TransientError(f"network: {type(exc).__name__}") from None
        if response.status_code == 429:
            raise RetryLater(_retry_after(response), "429 Too Many Requests")
        if response.status_code >= 500:
            raise TransientError(f"HTTP {response.status_code}")
        try:
            answer = response.json()
            code = int(answer.get("error"))
        except (ValueError, TypeError, AttributeError):
            raise TransientError(f"HTTP {response.status_code}: unreadable answer") from None
        if code == 0:
            return
        detail = f"ZNS {code}: {str(answer.get('message', ''))[:200]}"
        if code == TOKEN_EXPIRED:
            self.tokens.rejected(token)
        if code in WAIT_CODES:
            raise RetryLater(WAIT_SECONDS, detail)
        if code in RETRY_CODES:
            raise TransientError(detail)
        raise PermanentError(detail)


def _retry_after(response: httpx.Response) -> float:
    value = response.headers.get("retry-after", "")
    return float(value) if value.isdecimal() else 60.0


def phone_lookup(
    phones: PhoneRepository, vault: PhoneVault
) -> Callable[[str], Awaitable[str | None]]:
    """Decrypt a dossier's kept number at the moment of sending, and only then."""

    async def phone_of(chat_id: str) -> str | None:
        if not chat_id.isdecimal():
            return None
        found = await phones.encrypted(int(chat_id))
        return vault.decrypt(found[1], found[0]) if found is not None else None

    return phone_of


def zns_configured(settings: Settings) -> bool:
    """Whether phone notices go out: a vault for the numbers and a template to send."""
    return phone_vault(settings) is not None and bool(settings.zns_template_status)


def build_zns_sender(
    settings: Settings,
    db: Database,
    clock: Callable[[], datetime],
    *,
    transport: httpx.AsyncBaseTransport | None = None,
) -> tuple[ZnsSender, httpx.AsyncClient] | None:
    """The sender and its HTTP client when ZNS is configured; None otherwise."""
    vault = phone_vault(settings)
    if vault is None or not settings.zns_template_status:
        return None
    client = httpx.AsyncClient(transport=transport)
    tokens: TokenSource
    if settings.zns_refreshes:
        tokens = RefreshingToken(settings, ZnsTokenRepository(db), vault, client, clock)
    else:
        assert settings.zns_access_token is not None
        tokens = StaticToken(settings.zns_access_token.get_secret_value())
    sender = ZnsSender(
        client,
        base_url=settings.zns_base_url,
        tokens=tokens,
        template_id=settings.zns_template_status,
        phone_of=phone_lookup(PhoneRepository(db), vault),
        otp_template_id=settings.zns_template_otp,
        wait_limit=timedelta(hours=settings.notice_wait_hours),
    )
    return sender, client


async def erase_phones_loop(app: App, stop: asyncio.Event) -> None:
    """Background loop: erase the numbers no longer allowed (bot/runtime.py background_loops)."""
    phones = PhoneRepository(app.services.db)
    while not stop.is_set():
        try:
            erased = await erase_expired(phones, app.settings, app.services.now())
            if erased:
                log.info("erased %d phone numbers kept for ZNS", erased)
        except Exception:
            log.exception("erasing kept phone numbers failed; trying again later")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=ERASE_EVERY.total_seconds())
