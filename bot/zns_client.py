"""Zalo Notification Service (ZNS) sender: status notices to the phone number on the dossier.

`POST <TDKT_ZNS_BASE_URL>/message/template` with header `access_token` and the JSON body
`{phone: "84…", template_id, template_data, tracking_id}`; Zalo answers
`{"error": 0, "message": "Success", "data": {"msg_id": ...}}` or a negative `error` (often with
HTTP 200, so the body decides). The outbox dispatcher does the rest: a 429 or a quota answer
holds the message back, 5xx / network errors / an expired token are retried with backoff, and
a permanent refusal (a bad phone, not on Zalo, a wrong template) is dead-lettered with Zalo's
code and message. The quiet hours apply as for every notice.

The OA access token is taken from TDKT_ZNS_ACCESS_TOKEN as it is (no automatic refresh yet):
−124 is logged as an error asking for a new token, and the messages are retried meanwhile.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import httpx

from bot.outbox import PermanentError, RetryLater, TransientError
from config.settings import Settings
from db.phones import ZNS_CHANNEL, PhoneRepository
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
#: How often finished dossiers' numbers are looked for and erased.
ERASE_EVERY = timedelta(hours=1)


class ZnsSender:
    """The outbox's `zns` channel: chat ids are dossier ids, payloads carry the template data."""

    channel = ZNS_CHANNEL
    per_chat_interval = 1.0

    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        access_token: str,
        template_id: str,
        phone_of: Callable[[str], Awaitable[str | None]],
        rate: float = 10.0,
    ) -> None:
        self.client = client
        self.access_token = access_token
        self.template_id = template_id
        self.phone_of = phone_of
        self.rate = rate

    async def send(self, chat_id: str, payload: dict[str, Any]) -> None:
        data = dict(payload.get(PAYLOAD_KEY) or {})
        if not data:
            raise PermanentError("no ZNS template data in the notice")
        phone = await self.phone_of(chat_id)
        if phone is None:
            # Erased (retention, ZNS turned off) or unreadable under the current key.
            raise PermanentError("no phone number kept for this dossier")
        tracking_id = str(data.pop("tracking_id", chat_id))
        body = {
            "phone": phone,
            "template_id": self.template_id,
            "template_data": data,
            "tracking_id": tracking_id,
        }
        try:
            response = await self.client.post(
                "/message/template",
                json=body,
                headers={"access_token": self.access_token},
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
            log.error("ZNS refused TDKT_ZNS_ACCESS_TOKEN (-124): set a fresh OA access token")
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
        token = await phones.encrypted(int(chat_id))
        return vault.decrypt(token) if token is not None else None

    return phone_of


def build_zns_sender(
    settings: Settings,
    phones: PhoneRepository,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
) -> tuple[ZnsSender, httpx.AsyncClient] | None:
    """The sender and its HTTP client when ZNS is configured; None otherwise."""
    vault = phone_vault(settings)
    if vault is None or settings.zns_access_token is None or not settings.zns_template_status:
        return None
    client = httpx.AsyncClient(base_url=settings.zns_base_url, transport=transport)
    sender = ZnsSender(
        client,
        access_token=settings.zns_access_token.get_secret_value(),
        template_id=settings.zns_template_status,
        phone_of=phone_lookup(phones, vault),
    )
    return sender, client


async def erase_phones_loop(app: App, stop: asyncio.Event) -> None:
    """Background loop: erase the numbers no longer allowed (bot/runtime.py BACKGROUND_LOOPS)."""
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
