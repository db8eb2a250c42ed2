"""A thin client of the Zalo Bot API on httpx: checks `ok` on every answer, never logs the token.

Every method is `POST <base>/bot<TOKEN>/<method>` with a JSON body and answers
`{"ok": true, "result": ...}` or `{"ok": false, "error_code": ..., "description": ...}` —
errors may come with HTTP 200, so the status code alone proves nothing. The token is part of
the URL path; it is put in by the transport just before a request leaves, so httpx's own log
lines ("HTTP Request: POST ...") and this module's exceptions only ever see `<base>/<method>`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from bot.telegram_channel import split_text

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://bot-api.zaloplatforms.com/bot"
#: sendMessage and photo captions take 1 to 2,000 characters.
TEXT_LIMIT = 2000
#: getUpdates answers this error code when nobody wrote during the poll: not an error.
NO_UPDATE = 408
POLL_TIMEOUT_SECONDS = 30
REQUEST_TIMEOUT_SECONDS = 15.0
MAX_POLL_BACKOFF_SECONDS = 60.0

Sleep = Callable[[float], Awaitable[None]]
UpdateHandler = Callable[[dict[str, Any]], Awaitable[None]]


class ZaloError(Exception):
    """The API refused a request (`code` is Zalo's error_code) or could not be reached."""

    def __init__(
        self,
        method: str,
        code: int | None,
        description: str,
        *,
        http_status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(f"{method}: {code if code is not None else '-'} {description}".strip())
        self.method = method
        self.code = code
        self.description = description
        self.http_status = http_status
        self.retry_after = retry_after


class ZaloNetworkError(ZaloError):
    """Timeout, refused connection, broken response: nothing was said by the API."""


class _TokenTransport(httpx.AsyncBaseTransport):
    """Adds `<TOKEN>` after the base path (`/bot/getMe` → `/bot<TOKEN>/getMe`) on the way out."""

    def __init__(self, inner: httpx.AsyncBaseTransport, token: str, base_path: str) -> None:
        self._inner = inner
        self._token = token
        self._prefix = base_path.rstrip("/")

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path.startswith(self._prefix + "/"):
            path = f"{self._prefix}{self._token}{path[len(self._prefix) :]}"
        outgoing = httpx.Request(
            request.method,
            request.url.copy_with(path=path),
            headers=request.headers,
            stream=request.stream,
            extensions=request.extensions,
        )
        return await self._inner.handle_async_request(outgoing)

    async def aclose(self) -> None:
        await self._inner.aclose()


def _error_code(value: object) -> int | None:
    """`error_code` is documented as a number but arrives as a string too."""
    try:
        return int(str(value).strip())
    except ValueError:
        return None


class ZaloClient:
    """getMe, getUpdates, setWebhook, deleteWebhook, sendMessage, sendPhoto, sendChatAction."""

    def __init__(
        self,
        token: str,
        *,
        base_url: str = DEFAULT_BASE_URL,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float = REQUEST_TIMEOUT_SECONDS,
    ) -> None:
        if not token:
            raise ValueError("a Zalo bot token is required")
        self._base = base_url.rstrip("/")
        self._token = token
        inner = transport or httpx.AsyncHTTPTransport()
        self._http = httpx.AsyncClient(
            transport=_TokenTransport(inner, token, httpx.URL(self._base).path),
            timeout=timeout,
        )

    async def aclose(self) -> None:
        await self._http.aclose()

    def _redact(self, text: str) -> str:
        return text.replace(self._token, "<token>")

    async def call(
        self,
        method: str,
        params: dict[str, Any] | None = None,
        *,
        http_timeout: float | None = None,
    ) -> Any:
        """The `result` of a successful call; ZaloError when `ok` is not true."""
        try:
            response = await self._http.post(
                f"{self._base}/{method}",
                json=params or {},
                timeout=http_timeout if http_timeout is not None else httpx.USE_CLIENT_DEFAULT,
            )
        except httpx.HTTPError as exc:
            # Only the type: some httpx messages quote the URL, and the URL holds the token.
            raise ZaloNetworkError(method, None, type(exc).__name__) from None
        try:
            data = response.json()
        except ValueError:
            data = None
        if not isinstance(data, dict):
            raise ZaloError(
                method,
                response.status_code if response.status_code != 200 else None,
                f"HTTP {response.status_code}: the answer is not a JSON object",
                http_status=response.status_code,
            )
        if data.get("ok") is True:
            return data.get("result")
        parameters = data.get("parameters")
        retry_after = parameters.get("retry_after") if isinstance(parameters, dict) else None
        code = _error_code(data.get("error_code"))
        if code is None and response.status_code != 200:
            code = response.status_code
        raise ZaloError(
            method,
            code,
            self._redact(str(data.get("description") or "no description")),
            http_status=response.status_code,
            retry_after=float(retry_after) if isinstance(retry_after, int | float) else None,
        )

    async def get_me(self) -> dict[str, Any]:
        result = await self.call("getMe")
        return result if isinstance(result, dict) else {}

    async def get_updates(self, poll_seconds: int = POLL_TIMEOUT_SECONDS) -> list[dict[str, Any]]:
        """Wait up to `poll_seconds` for updates; [] when none came (error 408)."""
        try:
            result = await self.call(
                "getUpdates", {"timeout": str(poll_seconds)}, http_timeout=poll_seconds + 10.0
            )
        except ZaloError as exc:
            if exc.code == NO_UPDATE:
                return []
            raise
        if isinstance(result, list):
            return [item for item in result if isinstance(item, dict) and item]
        if isinstance(result, dict) and result:
            return [result]
        return []

    async def set_webhook(self, url: str, secret_token: str) -> dict[str, Any]:
        result = await self.call("setWebhook", {"url": url, "secret_token": secret_token})
        return result if isinstance(result, dict) else {}

    async def delete_webhook(self) -> None:
        await self.call("deleteWebhook")

    async def get_webhook_info(self) -> dict[str, Any]:
        result = await self.call("getWebhookInfo")
        return result if isinstance(result, dict) else {}

    async def send_message(self, chat_id: str, text: str) -> dict[str, Any]:
        """One message of 1 to 2,000 characters (see `send_text` for longer ones)."""
        if not 1 <= len(text) <= TEXT_LIMIT:
            raise ValueError(f"sendMessage takes 1 to {TEXT_LIMIT} characters, not {len(text)}")
        result = await self.call("sendMessage", {"chat_id": chat_id, "text": text})
        return result if isinstance(result, dict) else {}

    async def send_text(self, chat_id: str, text: str) -> int:
        """Any text, split on line boundaries into messages of at most 2,000 characters."""
        parts = [part for part in split_text(text, TEXT_LIMIT) if part.strip()]
        for part in parts:
            await self.send_message(chat_id, part)
        return len(parts)

    async def send_photo(
        self, chat_id: str, photo_url: str, caption: str | None = None
    ) -> dict[str, Any]:
        """A photo by its public URL (the API does not take bytes)."""
        params: dict[str, Any] = {"chat_id": chat_id, "photo": photo_url}
        if caption:
            params["caption"] = caption[:TEXT_LIMIT]
        result = await self.call("sendPhoto", params)
        return result if isinstance(result, dict) else {}

    async def send_chat_action(self, chat_id: str, action: str = "typing") -> None:
        await self.call("sendChatAction", {"chat_id": chat_id, "action": action})

    async def long_poll(
        self,
        handle: UpdateHandler,
        stop: asyncio.Event,
        *,
        poll_seconds: int = POLL_TIMEOUT_SECONDS,
        sleep: Sleep | None = None,
    ) -> None:
        """Call `handle` for every update until `stop` is set, backing off after errors.

        A webhook makes getUpdates fail, so it is deleted first (and again after an error).
        """
        pause = sleep or _stop_aware_sleep(stop)
        failures = 0
        webhook_deleted = False
        while not stop.is_set():
            try:
                if not webhook_deleted:
                    await self.delete_webhook()
                    webhook_deleted = True
                updates = await self.get_updates(poll_seconds)
            except ZaloError as exc:
                failures += 1
                webhook_deleted = False
                delay = min(MAX_POLL_BACKOFF_SECONDS, 2.0 ** (failures - 1))
                level = logging.ERROR if exc.code == 401 else logging.WARNING
                log.log(level, "zalo long poll failed (%s), retry in %.0fs", exc, delay)
                await pause(delay)
                continue
            failures = 0
            for update in updates:
                try:
                    await handle(update)
                except Exception:
                    log.exception("zalo update could not be taken in")


def _stop_aware_sleep(stop: asyncio.Event) -> Sleep:
    async def pause(seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=seconds)

    return pause
