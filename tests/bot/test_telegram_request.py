"""The aiohttp network layer under python-telegram-bot, against a Bot API fake on loopback.

aiohttp has no mock transport like httpx's, so the fake is an aiohttp server on 127.0.0.1
answering real Bot API JSON; nothing leaves the machine.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from aiohttp import web
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import NetworkError, RetryAfter, TimedOut

from bot.telegram_request import AiohttpRequest

TOKEN = "123456:SECRET-token-never-in-errors"
CARD = "📄 Hồ sơ 000.00.21.H01-250704-0001\nTrạng thái: Đã xử lý xong (đúng hạn)."
BOT_USER = {"id": 123456, "is_bot": True, "first_name": "TĐKT", "username": "tdkt_bot"}


class FakeApi:
    """Records each call's method, content type and raw body; `answer` may be replaced."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, bytes]] = []
        self.answer: Callable[[str], Awaitable[web.Response]] = self.sent

    async def sent(self, method: str) -> web.Response:
        message = {
            "message_id": len(self.calls),
            "date": 1_700_000_000,
            "chat": {"id": 42, "type": "private"},
            "from": BOT_USER,
            "text": "ok",
        }
        return web.json_response({"ok": True, "result": message})

    async def handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        self.calls.append((method, request.headers.get("Content-Type", ""), await request.read()))
        return await self.answer(method)


@pytest.fixture
async def api() -> AsyncIterator[tuple[FakeApi, str]]:
    fake = FakeApi()
    app = web.Application()
    app.router.add_post("/bot{token}/{method}", fake.handle)
    runner = web.AppRunner(app, shutdown_timeout=0.1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    yield fake, f"http://127.0.0.1:{port}/bot"
    await runner.cleanup()


async def _bot(base_url: str, **request: Any) -> Bot:
    bot = Bot(TOKEN, base_url=base_url, request=AiohttpRequest(**request))
    await bot._request[1].initialize()
    return bot


async def test_a_message_goes_as_one_utf8_json_body(api: tuple[FakeApi, str]) -> None:
    fake, base_url = api
    bot = await _bot(base_url)
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Theo dõi hồ sơ", callback_data="f:1")]])
    try:
        message = await bot.send_message(42, CARD, reply_markup=markup)
    finally:
        await bot._request[1].shutdown()
    assert message.text == "ok"
    method, content_type, body = fake.calls[-1]
    assert method == "sendMessage"
    assert content_type.startswith("application/json")
    # The letters travel as UTF-8, not as \uXXXX escapes or %XX form bytes.
    assert "Hồ sơ".encode() in body
    sent = json.loads(body)
    assert sent["text"] == CARD
    assert int(sent["chat_id"]) == 42
    buttons = json.loads(sent["reply_markup"])["inline_keyboard"]
    assert buttons == [[{"text": "Theo dõi hồ sơ", "callback_data": "f:1"}]]


async def test_a_file_goes_as_multipart(api: tuple[FakeApi, str]) -> None:
    fake, base_url = api
    bot = await _bot(base_url)
    try:
        await bot.send_document(42, b"ma,ten\n1,An\n", filename="hoso.csv", caption="Xuất")
    finally:
        await bot._request[1].shutdown()
    method, content_type, body = fake.calls[-1]
    assert method == "sendDocument"
    assert content_type.startswith("multipart/form-data")
    assert b'filename="hoso.csv"' in body
    assert b"ma,ten\n1,An\n" in body
    assert "Xuất".encode() in body


async def test_a_flood_wait_reaches_the_caller_as_retry_after(api: tuple[FakeApi, str]) -> None:
    fake, base_url = api

    async def flood(_method: str) -> web.Response:
        payload = {
            "ok": False,
            "error_code": 429,
            "description": "Too Many Requests: retry after 7",
            "parameters": {"retry_after": 7},
        }
        return web.json_response(payload, status=429)

    fake.answer = flood
    bot = await _bot(base_url)
    try:
        with pytest.raises(RetryAfter) as raised:
            await bot.send_message(42, CARD)
    finally:
        await bot._request[1].shutdown()
    assert raised.value.retry_after in (7, 7.0) or raised.value.retry_after.total_seconds() == 7


async def test_a_slow_api_times_out_without_the_token(api: tuple[FakeApi, str]) -> None:
    fake, base_url = api

    async def slow(method: str) -> web.Response:
        await asyncio.sleep(1)
        return await fake.sent(method)

    fake.answer = slow
    bot = await _bot(base_url, read_timeout=0.05, write_timeout=0.05)
    try:
        with pytest.raises(TimedOut) as raised:
            await bot.send_message(42, CARD)
    finally:
        await bot._request[1].shutdown()
    assert TOKEN not in str(raised.value)


async def test_an_unreachable_api_is_a_network_error_without_the_token() -> None:
    # A port nobody listens on: take a free one and close it again.
    server = await asyncio.start_server(lambda _r, _w: None, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    server.close()
    await server.wait_closed()
    bot = await _bot(f"http://127.0.0.1:{port}/bot")
    try:
        with pytest.raises(NetworkError) as raised:
            await bot.send_message(42, CARD)
    finally:
        await bot._request[1].shutdown()
    assert TOKEN not in str(raised.value)
    assert TOKEN.split(":")[1] not in str(raised.value)
