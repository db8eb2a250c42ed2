"""Faults: the Bot API answers 429, 500, times out or says 403 (blocked), 20% of the time each.

The outbox dispatcher drives python-telegram-bot over httpx.MockTransport; a seeded generator
picks each answer, so a failure replays. The clock is moved, never slept. Every notice must
end delivered or dead with the reason written down, and the dispatcher must keep going.
"""

from __future__ import annotations

import asyncio
import json
import random
from collections import Counter
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest
from telegram.request import HTTPXRequest

from bot.outbox import MAX_ATTEMPTS, OutboxDispatcher
from bot.telegram_channel import TelegramSender, build_application
from handlers.router import BotCore
from handlers.services import Services
from tests.conftest import MovableClock

TOKEN = "123:ABC"
BOT = {"id": 123, "is_bot": True, "first_name": "TDKT", "username": "tdkt_bot"}
CHATS = 60
PER_CHAT = 5
#: Every request to this chat fails with 500: its notices must die after MAX_ATTEMPTS.
BROKEN_CHAT = "990"


class FaultyBotApi:
    """sendMessage fails one way or another 80% of the time, decided by a seeded generator."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.faults: Counter[str] = Counter()
        #: (chat id, text) of every message the API accepted.
        self.delivered: list[tuple[str, str]] = []

    def handler(self, request: httpx.Request) -> httpx.Response:
        method = request.url.path.rsplit("/", 1)[-1]
        if method == "getMe":
            return httpx.Response(200, json={"ok": True, "result": BOT})
        assert method == "sendMessage", method
        fields = {k: v[-1] for k, v in parse_qs(request.content.decode()).items()}
        chat_id, text = fields["chat_id"], fields["text"]
        draw = self.rng.random()
        if chat_id == BROKEN_CHAT:
            draw = 0.3
        if draw < 0.2:
            self.faults["429"] += 1
            return _error(429, "Too Many Requests: retry after 5", retry_after=5)
        if draw < 0.4:
            self.faults["500"] += 1
            return _error(500, "Internal Server Error")
        if draw < 0.6:
            self.faults["timeout"] += 1
            raise httpx.ReadTimeout("timed out", request=request)
        if draw < 0.8:
            self.faults["403"] += 1
            return _error(403, "Forbidden: bot was blocked by the user")
        self.delivered.append((chat_id, text))
        message = {
            "message_id": len(self.delivered),
            "date": 1795572000,
            "chat": {"id": int(chat_id), "type": "private"},
            "from": BOT,
            "text": text,
        }
        return httpx.Response(200, json={"ok": True, "result": message})


def _error(status: int, description: str, **parameters: Any) -> httpx.Response:
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if parameters:
        body["parameters"] = parameters
    return httpx.Response(status, json=body)


async def _outbox_rows(services: Services) -> list[Any]:
    return await services.db.fetch_all(
        "SELECT id, chat_id, payload, state, attempts, last_error FROM outbox ORDER BY id"
    )


@pytest.mark.parametrize("seed", [8, 2026])
async def test_every_notice_ends_delivered_or_dead_with_its_reason(
    services: Services, core: BotCore, clock: MovableClock, seed: int
) -> None:
    api = FaultyBotApi(seed)
    transport = httpx.MockTransport(api.handler)
    application = build_application(
        core,
        TOKEN,
        request=HTTPXRequest(httpx_kwargs={"transport": transport}),
        get_updates_request=HTTPXRequest(httpx_kwargs={"transport": transport}),
    )
    await application.initialize()
    chats = [str(1000 + n) for n in range(CHATS)] + [BROKEN_CHAT]
    for round_ in range(PER_CHAT):
        for chat in chats:
            await services.outbox.enqueue(
                key=f"fault:{chat}:{round_}",
                channel="telegram",
                chat_id=chat,
                payload={"text": f"Thông báo {round_} cho {chat}"},
                at=clock(),
            )
    dispatcher = OutboxDispatcher(
        services.outbox,
        {"telegram": TelegramSender(application, rate=25)},
        clock,
        rng=random.Random(seed),
    )
    passes = 0
    try:
        # The dispatcher must never stop: every pass returns, whatever the API answered.
        while (await services.outbox.counts())["pending"] and passes < 20_000:
            await dispatcher.run_once()
            clock.advance(seconds=1)
            passes += 1
    finally:
        await application.shutdown()

    rows = await _outbox_rows(services)
    assert len(rows) == len(chats) * PER_CHAT
    assert {row["state"] for row in rows} <= {"sent", "dead"}, "a notice was left pending"
    # Every kind of fault happened, and some notices still got through.
    assert min(api.faults[kind] for kind in ("429", "500", "timeout", "403")) > 10
    delivered = Counter(api.delivered)
    reasons: Counter[str] = Counter()
    for row in rows:
        key = (row["chat_id"], json.loads(row["payload"])["text"])
        if row["state"] == "sent":
            # Marked sent only after the API accepted it, and accepted once.
            assert delivered[key] == 1, key
        else:
            assert delivered[key] == 0, key
            assert row["last_error"], f"dead without a reason: {row['id']}"
            reasons[row["last_error"].split(":", 1)[0]] += 1
    states = Counter(row["state"] for row in rows)
    assert states["sent"] > 0 and states["dead"] > 0
    # A chat that blocked the bot loses its pending notices at once, with the 403 as reason.
    assert reasons["403"] > 0
    # The chat whose requests always fail gave up after MAX_ATTEMPTS, naming the error.
    broken = [row for row in rows if row["chat_id"] == BROKEN_CHAT]
    assert all(row["state"] == "dead" for row in broken)
    assert all(row["attempts"] == MAX_ATTEMPTS for row in broken)
    assert all("NetworkError" in row["last_error"] for row in broken)
    # Retries backed off instead of hammering: far fewer passes than the loop allowed.
    assert passes < 20_000


async def test_the_dispatcher_survives_a_failing_database_pass(
    services: Services, core: BotCore, clock: MovableClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An error outside the send (here the database read) is logged; the loop goes on."""
    api = FaultyBotApi(1)
    api.rng = random.Random(0)
    transport = httpx.MockTransport(api.handler)
    application = build_application(
        core, TOKEN, request=HTTPXRequest(httpx_kwargs={"transport": transport})
    )
    await application.initialize()
    dispatcher = OutboxDispatcher(
        services.outbox, {"telegram": TelegramSender(application, rate=25)}, clock
    )
    calls = 0
    real_due = services.outbox.due

    async def flaky_due(*args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls <= 2:
            raise RuntimeError("disk I/O error")
        stop.set()
        return await real_due(*args, **kwargs)

    monkeypatch.setattr(services.outbox, "due", flaky_due)
    monkeypatch.setattr("bot.outbox.IDLE_POLL_SECONDS", 0.0)
    stop = asyncio.Event()
    try:
        await asyncio.wait_for(dispatcher.run(stop), timeout=30)
    finally:
        await application.shutdown()
    assert calls == 3  # two failed passes, then a good one: the loop never died
