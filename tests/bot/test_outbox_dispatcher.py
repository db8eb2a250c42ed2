"""The outbox dispatcher against a python-telegram-bot Application on httpx.MockTransport.

The transport answers real Bot API JSON (429 with retry_after, 500, timeouts, 403, 400) and
records the moved clock at every accepted message, so limits are checked on the clock.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import random
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from telegram.ext import Application

from bot.outbox import MAX_ATTEMPTS, OutboxDispatcher
from bot.telegram_channel import TelegramSender
from config.settings import Settings
from db.connection import Database, open_database
from db.outbox import OutboxRepository
from domain.statuses import Status
from handlers.actions.dossier_status import change_status
from handlers.router import BotCore
from handlers.services import Services
from handlers.texts import outbox as t_outbox
from tests.cli import run_cli
from tests.conftest import MovableClock
from tests.fakes import (
    BOT_USER,
    Updates,
    api_error,
    decode_body,
    feed,
    ok,
    running_application,
    sent_message,
    start_application,
)
from tests.handlers.test_status_update import follow_verified, outbox_rows, seed_dossier

Action = Callable[[httpx.Request], httpx.Response]
CITIZEN = {"id": 777, "is_bot": False, "first_name": "Dân"}
TOO_MANY = api_error(429, "Too Many Requests: retry after 7", retry_after=7)
SERVER_ERROR = api_error(500, "Internal Server Error")
BLOCKED = api_error(403, "Forbidden: bot was blocked by the user")
NOT_FOUND = api_error(400, "Bad Request: chat not found")


class Crash(BaseException):
    """Stands for the process dying: not an Exception, so nothing on the way catches it."""


@dataclass
class FakeBotApi:
    """The Bot API behind the mock transport: scripted failures per chat, a log of accepted."""

    clock: MovableClock
    #: chat id → the answers to its next sendMessage requests (then success).
    script: dict[str, list[httpx.Response | BaseException]] = field(default_factory=dict)
    #: Every accepted message: (chat id, text, the clock when it was accepted).
    accepted: list[tuple[str, str, datetime]] = field(default_factory=list)
    #: Every sendMessage request: (chat id, the clock).
    requests: list[tuple[str, datetime]] = field(default_factory=list)
    bodies: list[dict[str, Any]] = field(default_factory=list)
    #: Called with the request's fields before a message is accepted.
    before_accept: Callable[[dict[str, Any]], Awaitable[None]] | None = None
    #: Raise `Crash` after accepting the message with this number (1-based); None: never.
    crash_after: int | None = None

    async def handler(self, request: httpx.Request) -> httpx.Response:
        method = request.url.path.rsplit("/", 1)[-1]
        if method == "getMe":
            return ok(BOT_USER)
        if method in ("setMyCommands", "answerCallbackQuery"):
            return ok(True)
        assert method == "sendMessage", method
        fields, _files = decode_body(request)
        chat_id = fields["chat_id"]
        self.requests.append((chat_id, self.clock()))
        self.bodies.append(fields)
        queued = self.script.get(chat_id)
        if queued:
            answer = queued.pop(0)
            if isinstance(answer, BaseException):
                raise answer
            return answer
        if self.before_accept is not None:
            await self.before_accept(fields)
        self.accepted.append((chat_id, fields["text"], self.clock()))
        if self.crash_after is not None and len(self.accepted) > self.crash_after:
            # Telegram has the message; the bot dies before it hears back.
            raise Crash
        return ok(
            sent_message(
                chat_id,
                len(self.accepted),
                date=int(self.clock().timestamp()),
                text=fields["text"],
            )
        )

    def sent_to(self, chat_id: str) -> list[str]:
        return [text for chat, text, _at in self.accepted if chat == chat_id]


@pytest.fixture
def api(clock: MovableClock) -> FakeBotApi:
    return FakeBotApi(clock)


@pytest.fixture
async def application(core: BotCore, api: FakeBotApi) -> AsyncIterator[Application]:
    async with running_application(core, api.handler) as application:
        yield application


@pytest.fixture
def dispatcher(
    services: Services, application: Application, clock: MovableClock
) -> OutboxDispatcher:
    sender = TelegramSender(application, rate=25)
    return OutboxDispatcher(services.outbox, {"telegram": sender}, clock, rng=random.Random(3))


async def put(
    outbox: OutboxRepository, clock: MovableClock, chat_id: str, text: str, **extra: Any
) -> None:
    key = f"test:{chat_id}:{text}"
    payload = {"text": text, **extra}
    assert await outbox.enqueue(
        key=key, channel="telegram", chat_id=chat_id, payload=payload, at=clock()
    )


async def row_of(db: Database, text: str) -> dict[str, Any]:
    for row in await outbox_rows(db):
        if row["payload"]["text"] == text:
            return row
    raise AssertionError(text)


async def run_until(
    dispatcher: OutboxDispatcher, clock: MovableClock, seconds: float, step: float = 0.1
) -> None:
    """Run a pass, move the clock by `step`, repeat for `seconds` of the clock."""
    end = clock() + timedelta(seconds=seconds)
    while clock() < end:
        await dispatcher.run_once()
        clock.advance(seconds=step)


# --- delivery -------------------------------------------------------------------------------


async def test_marked_sent_only_after_the_api_accepted(
    services: Services, dispatcher: OutboxDispatcher, api: FakeBotApi, clock: MovableClock
) -> None:
    await put(services.outbox, clock, "1001", "Hồ sơ đã chuyển", choices=[["Xem", "fl:X"]])
    states: list[str] = []

    async def check(_fields: dict[str, Any]) -> None:
        states.append((await row_of(services.db, "Hồ sơ đã chuyển"))["state"])

    api.before_accept = check
    assert await dispatcher.run_once() == 1
    assert states == ["pending"]
    row = await row_of(services.db, "Hồ sơ đã chuyển")
    assert (row["state"], row["attempts"], row["last_error"]) == ("sent", 1, None)
    assert row["sent_at"] is not None
    assert api.sent_to("1001") == ["Hồ sơ đã chuyển"]
    markup = json.loads(api.bodies[0]["reply_markup"])
    assert markup["inline_keyboard"][0][0] == {"text": "Xem", "callback_data": "fl:X"}
    # Nothing is sent twice.
    clock.advance(seconds=5)
    assert await dispatcher.drain() == 0
    assert len(api.requests) == 1


async def test_429_holds_only_that_chat_for_retry_after(
    services: Services, dispatcher: OutboxDispatcher, api: FakeBotApi, clock: MovableClock
) -> None:
    api.script["1001"] = [TOO_MANY]
    await put(services.outbox, clock, "1001", "A1")
    await put(services.outbox, clock, "1001", "A2")
    await put(services.outbox, clock, "1002", "B1")
    start = clock()
    assert await dispatcher.run_once() == 1
    assert api.sent_to("1002") == ["B1"]
    held = await row_of(services.db, "A1")
    assert held["state"] == "pending" and held["attempts"] == 0
    assert "429" in held["last_error"]
    assert datetime.fromisoformat(held["next_attempt_at"]) == start + timedelta(seconds=7)
    # Other chats proceed while chat 1001 waits.
    await put(services.outbox, clock, "1002", "B2")
    await run_until(dispatcher, clock, 6.9)
    assert api.sent_to("1002") == ["B1", "B2"]
    assert api.sent_to("1001") == []
    assert [chat for chat, _at in api.requests].count("1001") == 1
    await run_until(dispatcher, clock, 3)
    assert api.sent_to("1001") == ["A1", "A2"]  # in order, after the wait
    times = [at for chat, _text, at in api.accepted if chat == "1001"]
    assert times[0] >= start + timedelta(seconds=7)
    assert times[1] - times[0] >= timedelta(seconds=1)


async def test_429_wait_survives_a_restart(
    services: Services, core: BotCore, application: Application, clock: MovableClock
) -> None:
    api = FakeBotApi(clock)
    api.script["1001"] = [TOO_MANY]
    app = await start_application(core, api.handler)
    first = OutboxDispatcher(services.outbox, {"telegram": TelegramSender(app, rate=25)}, clock)
    await put(services.outbox, clock, "1001", "A1")
    await put(services.outbox, clock, "1001", "A2")
    start = clock()
    await first.run_once()
    # A new dispatcher (after a restart) knows nothing in memory, only the database.
    second = OutboxDispatcher(services.outbox, {"telegram": TelegramSender(app, rate=25)}, clock)
    await run_until(second, clock, 10)
    await app.shutdown()
    assert api.sent_to("1001") == ["A1", "A2"]
    assert all(at >= start + timedelta(seconds=7) for _c, _t, at in api.accepted)


async def test_server_errors_back_off_then_dead(
    services: Services, dispatcher: OutboxDispatcher, api: FakeBotApi, clock: MovableClock
) -> None:
    api.script["1001"] = [SERVER_ERROR] * 20
    await put(services.outbox, clock, "1001", "A1")
    await put(services.outbox, clock, "1002", "B1")
    delays: list[float] = []
    for attempt in range(1, MAX_ATTEMPTS + 1):
        before = clock()
        await dispatcher.run_once()
        row = await row_of(services.db, "A1")
        assert len([c for c, _ in api.requests if c == "1001"]) == attempt
        assert row["attempts"] == attempt
        assert "500" in row["last_error"] or "Internal Server Error" in row["last_error"]
        if attempt == MAX_ATTEMPTS:
            assert row["state"] == "dead"
            break
        assert row["state"] == "pending"
        due = datetime.fromisoformat(row["next_attempt_at"])
        delay = (due - before).total_seconds()
        base = 2.0 * 2 ** (attempt - 1)
        assert 0.5 * base <= delay <= 1.5 * base, (attempt, delay)
        delays.append(delay)
        # Not a moment earlier than the backoff says.
        clock.current = due - timedelta(milliseconds=1)
        await dispatcher.run_once()
        assert len([c for c, _ in api.requests if c == "1001"]) == attempt
        clock.current = due
    assert api.sent_to("1002") == ["B1"]
    assert len(delays) == MAX_ATTEMPTS - 1
    assert delays == sorted(delays)  # exponential: each wait longer than the last
    assert len({round(d / (2.0 * 2**i), 6) for i, d in enumerate(delays)}) > 1  # jittered
    # Dead means dead: no more requests.
    clock.advance(hours=2)
    await dispatcher.drain()
    assert len([c for c, _ in api.requests if c == "1001"]) == MAX_ATTEMPTS


async def test_timeout_is_retried(
    services: Services, dispatcher: OutboxDispatcher, api: FakeBotApi, clock: MovableClock
) -> None:
    api.script["1001"] = [httpx.ReadTimeout("read timed out")]
    await put(services.outbox, clock, "1001", "A1")
    assert await dispatcher.run_once() == 0
    row = await row_of(services.db, "A1")
    assert row["state"] == "pending" and row["attempts"] == 1
    assert "TimedOut" in row["last_error"]
    assert api.sent_to("1001") == []
    await run_until(dispatcher, clock, 4)
    row = await row_of(services.db, "A1")
    assert (row["state"], row["attempts"], row["last_error"]) == ("sent", 2, None)
    assert api.sent_to("1001") == ["A1"]


async def test_network_error_is_retried(
    services: Services, dispatcher: OutboxDispatcher, api: FakeBotApi, clock: MovableClock
) -> None:
    api.script["1001"] = [httpx.ConnectError("connection refused"), api_error(502, "Bad Gateway")]
    await put(services.outbox, clock, "1001", "A1")
    await run_until(dispatcher, clock, 15)
    row = await row_of(services.db, "A1")
    assert (row["state"], row["attempts"]) == ("sent", 3)
    assert api.sent_to("1001") == ["A1"]


async def test_403_blocked_chat(
    services: Services,
    core: BotCore,
    dispatcher: OutboxDispatcher,
    application: Application,
    api: FakeBotApi,
    clock: MovableClock,
) -> None:
    dossier = await seed_dossier(services, status=Status.in_review)
    await follow_verified(core, "telegram", "777")
    await follow_verified(core, "telegram", "555")
    api.script["777"] = [BLOCKED]
    await put(services.outbox, clock, "777", "C1")
    await put(services.outbox, clock, "777", "C2")
    await put(services.outbox, clock, "555", "D1")
    await dispatcher.run_once()
    first, second = await row_of(services.db, "C1"), await row_of(services.db, "C2")
    assert (first["state"], first["attempts"]) == ("dead", 1)
    assert "403" in first["last_error"] and "blocked" in first["last_error"]
    assert second["state"] == "dead" and second["attempts"] == 0
    assert [chat for chat, _at in api.requests].count("777") == 1
    assert api.sent_to("555") == ["D1"]
    assert await services.follows.for_chat("telegram", "777") == []
    assert len(await services.follows.for_chat("telegram", "555")) == 1
    blocked = await services.db.fetch_all("SELECT channel, chat_id FROM blocked_chats")
    assert [tuple(row) for row in blocked] == [("telegram", "777")]
    # Later changes do not notify the blocked chat; nothing more is tried there.
    await change_status(services, dossier, Status.passed, None, "telegram:1")
    clock.advance(minutes=1)
    await dispatcher.drain()
    assert [chat for chat, _at in api.requests].count("777") == 1
    assert len(api.sent_to("555")) == 2

    # The person unblocks the bot and presses Start: a real update through the Application.
    update = Updates(CITIZEN, update_id=0).text("/start", date=int(clock().timestamp()))
    await feed(application, update)
    assert await services.db.fetch_all("SELECT * FROM blocked_chats") == []
    assert "Xin chào" in api.sent_to("777")[-1]


async def test_messages_of_a_channel_without_sender_do_not_block_the_others(
    services: Services, dispatcher: OutboxDispatcher, api: FakeBotApi, clock: MovableClock
) -> None:
    """Notices for a channel this process does not serve (Zalo, console) wait for it."""
    for index in range(250):
        assert await services.outbox.enqueue(
            key=f"zalo:{index}",
            channel="zalo",
            chat_id=f"z{index}",
            payload={"text": "Z"},
            at=clock(),
        )
    clock.advance(seconds=1)
    await put(services.outbox, clock, "1001", "A1")
    assert await dispatcher.run_once() == 1
    assert api.sent_to("1001") == ["A1"]
    assert (await services.outbox.counts())["pending"] == 250


async def test_400_is_dead_at_once(
    services: Services, dispatcher: OutboxDispatcher, api: FakeBotApi, clock: MovableClock
) -> None:
    api.script["1001"] = [NOT_FOUND]
    await put(services.outbox, clock, "1001", "A1")
    await put(services.outbox, clock, "1001", "A2")
    await run_until(dispatcher, clock, 3)
    row = await row_of(services.db, "A1")
    assert row["state"] == "dead" and "Chat not found" in row["last_error"]
    # Only that message: the chat is not treated as blocked.
    assert api.sent_to("1001") == ["A2"]
    assert await services.db.fetch_all("SELECT * FROM blocked_chats") == []


# --- restarts ---------------------------------------------------------------------------------


async def test_second_dispatcher_after_a_crash_loses_nothing(
    settings: Settings, core: BotCore, clock: MovableClock
) -> None:
    assert settings.database is not None
    path: Path = settings.database
    total, crash_after = 12, 5
    first_db = await open_database(path)
    first_outbox = OutboxRepository(first_db)
    for index in range(total):
        await put(first_outbox, clock, str(2000 + index), f"N{index}")
    api_1 = FakeBotApi(clock, crash_after=crash_after)
    app_1 = await start_application(core, api_1.handler)
    first = OutboxDispatcher(first_outbox, {"telegram": TelegramSender(app_1, rate=25)}, clock)
    stop = asyncio.Event()
    with pytest.raises(Crash):
        await asyncio.create_task(first.run(stop))
    await app_1.shutdown()
    await first_db.close()
    assert len(api_1.accepted) == crash_after + 1  # the last one was in flight

    clock.advance(seconds=30)
    second_db = await open_database(path)
    api_2 = FakeBotApi(clock)
    app_2 = await start_application(core, api_2.handler)
    second_outbox = OutboxRepository(second_db)
    second = OutboxDispatcher(second_outbox, {"telegram": TelegramSender(app_2, rate=25)}, clock)
    await second.drain()
    await app_2.shutdown()
    counts = await second_outbox.counts()
    await second_db.close()

    delivered = [text for _c, text, _at in api_1.accepted + api_2.accepted]
    assert set(delivered) == {f"N{index}" for index in range(total)}
    assert len(delivered) - len(set(delivered)) <= 1  # at most the one in flight, once
    assert len(api_2.accepted) == total - crash_after
    assert counts == {"pending": 0, "sent": total, "dead": 0}


async def test_follower_gets_one_notice_across_a_restart(
    services: Services, settings: Settings, core: BotCore, clock: MovableClock
) -> None:
    """Done when: an officer's change reaches the follower exactly once, restart in between."""
    dossier = await seed_dossier(services, status=Status.in_review)
    await follow_verified(core, "telegram", "555")
    await change_status(services, dossier, Status.passed, None, "telegram:1")
    assert settings.database is not None
    # The bot stops before sending; a new process opens the same database file.
    reopened = await open_database(settings.database)
    api = FakeBotApi(clock)
    app = await start_application(core, api.handler)
    dispatcher = OutboxDispatcher(
        OutboxRepository(reopened), {"telegram": TelegramSender(app, rate=25)}, clock
    )
    await dispatcher.drain()
    clock.advance(minutes=5)
    await dispatcher.drain()
    await app.shutdown()
    await reopened.close()
    notices = api.sent_to("555")
    assert len(notices) == 1
    assert "Thẩm định đạt" in notices[0] and dossier.code in notices[0]


# --- rates under a moved clock --------------------------------------------------------------


async def run_all(
    dispatcher: OutboxDispatcher, clock: MovableClock, api: FakeBotApi, n: int
) -> None:
    for _ in range(2000):
        if len(api.accepted) == n:
            return
        await dispatcher.run_once()
        clock.advance(seconds=0.1)
    raise AssertionError(f"only {len(api.accepted)} of {n} sent")


def assert_limits(api: FakeBotApi, rate: int) -> None:
    times = sorted(at for _c, _t, at in api.accepted)
    for start in times:
        in_window = [at for at in times if start <= at < start + timedelta(seconds=1)]
        assert len(in_window) <= rate, (start, len(in_window))
    by_chat: dict[str, list[datetime]] = {}
    for chat, _text, at in api.accepted:
        by_chat.setdefault(chat, []).append(at)
    for chat, stamps in by_chat.items():
        for earlier, later in itertools.pairwise(stamps):
            assert later - earlier >= timedelta(seconds=1), chat


async def test_rates_ten_chats(
    services: Services, dispatcher: OutboxDispatcher, api: FakeBotApi, clock: MovableClock
) -> None:
    for index in range(100):
        await put(services.outbox, clock, str(3000 + index % 10), f"M{index}")
    start = clock()
    await run_all(dispatcher, clock, api, 100)
    assert_limits(api, 25)
    # Each chat got its ten notices in order, one per second, without idling.
    assert api.sent_to("3000") == [f"M{index}" for index in range(0, 100, 10)]
    last = max(at for _c, _t, at in api.accepted)
    assert last - start <= timedelta(seconds=9.5)


async def test_rates_many_chats(
    services: Services, dispatcher: OutboxDispatcher, api: FakeBotApi, clock: MovableClock
) -> None:
    for index in range(100):
        await put(services.outbox, clock, str(4000 + index), f"M{index}")
    start = clock()
    await run_all(dispatcher, clock, api, 100)
    assert_limits(api, 25)
    last = max(at for _c, _t, at in api.accepted)
    # 25 per second: four seconds' worth, not faster and not much slower.
    assert timedelta(seconds=3) <= last - start <= timedelta(seconds=4)


async def test_rate_setting_is_honoured(
    services: Services, application: Application, api: FakeBotApi, clock: MovableClock
) -> None:
    dispatcher = OutboxDispatcher(
        services.outbox, {"telegram": TelegramSender(application, rate=5)}, clock
    )
    for index in range(20):
        await put(services.outbox, clock, str(5000 + index), f"M{index}")
    await run_all(dispatcher, clock, api, 20)
    assert_limits(api, 5)


async def test_default_rate_sustains_25_per_second_and_never_passes_30(
    services: Services,
    settings: Settings,
    application: Application,
    api: FakeBotApi,
    clock: MovableClock,
) -> None:
    dispatcher = OutboxDispatcher(
        services.outbox, {"telegram": TelegramSender(application, rate=settings.send_rate)}, clock
    )
    for index in range(300):
        await put(services.outbox, clock, str(6000 + index), f"M{index}")
    await run_all(dispatcher, clock, api, 300)
    assert_limits(api, 30)  # Telegram's limit, in every one-second window
    times = sorted(at for _c, _t, at in api.accepted)
    sustained = (len(times) - 1) / (times[-1] - times[0]).total_seconds()
    assert 25 <= sustained <= 30


# --- the command line -------------------------------------------------------------------------


async def test_cli_prints_counts_and_last_errors(
    services: Services, settings: Settings, clock: MovableClock
) -> None:
    outbox = services.outbox
    for text in ("S1", "S2", "P1", "D1"):
        await put(outbox, clock, "1001", text)
    rows = {row["payload"]["text"]: row["id"] for row in await outbox_rows(services.db)}
    await outbox.mark_sent(rows["S1"], clock())
    await outbox.mark_sent(rows["S2"], clock())
    await outbox.postpone(
        rows["P1"],
        until=clock() + timedelta(seconds=4),
        error="TransientError: NetworkError: Bad Gateway",
        count_attempt=True,
    )
    await outbox.mark_dead(rows["D1"], "403: Forbidden: bot was blocked by the user")
    done = run_cli(settings, "outbox")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == t_outbox.COUNTS.format(pending=1, sent=2, dead=1)
    assert lines[1] == t_outbox.ERRORS_HEADER
    assert lines[2] == t_outbox.ERROR_LINE.format(
        id=rows["D1"],
        state="dead",
        channel="telegram",
        attempts=1,
        error="403: Forbidden: bot was blocked by the user",
    )
    assert "[pending]" in lines[3] and "Bad Gateway" in lines[3]
    assert len(lines) == 4


# --- quiet hours ----------------------------------------------------------------------------


async def test_nothing_leaves_in_quiet_hours_not_even_a_retry(
    services: Services, application: Application, api: FakeBotApi, clock: MovableClock
) -> None:
    from handlers.reminders import ReminderRules

    rules = ReminderRules()
    sender = TelegramSender(application, rate=25)
    quiet_dispatcher = OutboxDispatcher(
        services.outbox,
        {"telegram": sender},
        clock,
        rng=random.Random(3),
        quiet=lambda now: rules.is_quiet(now.astimezone(services.tz).time()),
    )
    clock.set_local("2026-11-25 20:59")
    await put(services.outbox, clock, "2001", "Nhắc hạn")
    clock.advance(minutes=2)  # 21:01, quiet
    assert await quiet_dispatcher.drain() == 0
    clock.set_local("2026-11-26 06:59")
    assert await quiet_dispatcher.drain() == 0
    assert api.requests == []
    clock.set_local("2026-11-26 07:00")
    assert await quiet_dispatcher.drain() == 1
    assert api.sent_to("2001") == ["Nhắc hạn"]


# --- fairness and order ---------------------------------------------------------------------


async def test_a_busy_chat_does_not_starve_the_others(
    services: Services, dispatcher: OutboxDispatcher, api: FakeBotApi, clock: MovableClock
) -> None:
    for number in range(300):
        await put(services.outbox, clock, "3001", f"Nhắc {number}")
    await put(services.outbox, clock, "3002", "Hồ sơ của bạn đã có quyết định")
    await run_until(dispatcher, clock, seconds=1.0)
    assert api.sent_to("3002") == ["Hồ sơ của bạn đã có quyết định"]
    # The busy chat still gets its messages one a second, in order.
    await run_until(dispatcher, clock, seconds=4.0)
    assert api.sent_to("3001") == [f"Nhắc {n}" for n in range(len(api.sent_to("3001")))]
    assert 4 <= len(api.sent_to("3001")) <= 6


async def test_a_failed_notice_is_not_overtaken_by_the_next(
    services: Services, dispatcher: OutboxDispatcher, api: FakeBotApi, clock: MovableClock
) -> None:
    api.script["3003"] = [api_error(500, "Internal Server Error")]
    await put(services.outbox, clock, "3003", "Đã có quyết định khen thưởng")
    clock.advance(seconds=0.01)
    await put(services.outbox, clock, "3003", "Đã trả kết quả")
    await run_until(dispatcher, clock, seconds=30.0, step=0.5)
    assert api.sent_to("3003") == ["Đã có quyết định khen thưởng", "Đã trả kết quả"]
