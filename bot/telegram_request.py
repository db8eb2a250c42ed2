"""python-telegram-bot's network layer on aiohttp, for many chats served at once.

Under hundreds of concurrent updates, httpx/httpcore spends most of the bot's CPU in its pool
bookkeeping (every waiting request checked against every connection, with a readability
syscall per idle connection, on each change); bench/bench_telegram.py measured the echo bot
of python-telegram-bot at about 600 updates/s on httpx and well above that on this class.
aiohttp's connector keeps a plain queue of waiters and a capped pool of keep-alive connections.

Errors map onto python-telegram-bot's: timeouts → TimedOut, anything else on the wire →
NetworkError; their messages never carry the request URL (it holds the bot token).
"""

from __future__ import annotations

import json

import aiohttp
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

from bot.redaction import redact

_JSON = {"Content-Type": "application/json"}


class AiohttpRequest(BaseRequest):
    """A BaseRequest on one aiohttp session with at most `connection_pool_size` connections."""

    __slots__ = (
        "_connect_timeout",
        "_media_write_timeout",
        "_pool_size",
        "_pool_timeout",
        "_read_timeout",
        "_session",
        "_write_timeout",
    )

    def __init__(
        self,
        connection_pool_size: int = 32,
        *,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
        media_write_timeout: float | None = 20.0,
    ) -> None:
        self._pool_size = connection_pool_size
        self._read_timeout = read_timeout
        self._write_timeout = write_timeout
        self._connect_timeout = connect_timeout
        self._pool_timeout = pool_timeout
        self._media_write_timeout = media_write_timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool_size, ttl_dns_cache=300),
                headers={"User-Agent": self.USER_AGENT},
            )

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        files = request_data.multipart_data if request_data else None
        read = self._read_timeout if isinstance(read_timeout, DefaultValue) else read_timeout
        write = self._write_timeout if isinstance(write_timeout, DefaultValue) else write_timeout
        if files and isinstance(write_timeout, DefaultValue):
            write = self._media_write_timeout
        connect = (
            self._connect_timeout if isinstance(connect_timeout, DefaultValue) else connect_timeout
        )
        pool = self._pool_timeout if isinstance(pool_timeout, DefaultValue) else pool_timeout
        # aiohttp has no write timeout and counts waiting for a pooled connection as connecting.
        timeout = aiohttp.ClientTimeout(
            total=None,
            connect=None if connect is None or pool is None else connect + pool,
            sock_read=None if read is None or write is None else read + write,
        )
        data: aiohttp.FormData | bytes | None = None
        headers: dict[str, str] | None = None
        if files:
            form = aiohttp.FormData(quote_fields=False)
            for name, value in (request_data.json_parameters if request_data else {}).items():
                form.add_field(name, value)
            for name, (file_name, content, mime_type) in files.items():
                form.add_field(name, content, filename=file_name, content_type=mime_type)
            data = form
        elif request_data is not None:
            # One UTF-8 JSON body (the Bot API takes application/json for every call without
            # a file): a Vietnamese card percent-encoded byte by byte as a form, through
            # aiohttp's FormData (a multipart writer and a uuid4 a call), or with every letter
            # escaped as \uXXXX, is several times the bytes and CPU of the text itself.
            data = json.dumps(request_data.json_parameters, ensure_ascii=False).encode(
                "utf-8", "replace"
            )
            headers = _JSON
        try:
            async with self._session.request(
                method, url, data=data, headers=headers, timeout=timeout
            ) as response:
                return response.status, await response.read()
        except TimeoutError as exc:
            raise TimedOut from exc
        except aiohttp.ClientError as exc:
            # Not chained: the original's message may quote the URL, and a logged traceback
            # would print it with the token.
            raise NetworkError(f"aiohttp.{type(exc).__name__}: {redact(str(exc))}") from None
