"""The Zalo channel against a fake Zalo Bot API (httpx.MockTransport): flows, polling, errors."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.inbound import UpdateRunner
from bot.outbox import (
    ChatBlocked,
    OutboxDispatcher,
    PermanentError,
    RetryLater,
    TransientError,
)
from bot.zalo_channel import (
    ZaloChannel,
    ZaloSender,
    render_text,
    sender_error,
    to_incoming,
    updates_of,
)
from bot.zalo_client import TEXT_LIMIT, ZaloClient, ZaloError, ZaloNetworkError
from config.settings import Settings
from db.connection import Database
from domain.statuses import Status
from domain.text import MAX_INPUT_CHARS
from handlers import build_router
from handlers.messages import AttachmentKind, Choice, Reply
from handlers.router import BotCore
from handlers.services import Services, build_services
from handlers.texts import common as tc
from handlers.texts import follow as tf
from handlers.texts import lookup as tl
from handlers.texts import status as ts
from handlers.texts import zalo as tz
from tests.conftest import MovableClock
from tests.handlers.test_status_update import seed_dossier

TOKEN = "1459232241454765289:zalo-SECRET-access-token"
BASE_URL = "https://bot-api.zaloplatforms.com/bot"
CHAT = "e4ea2cd5189df1c3a88c"
NO_UPDATE = {"ok": False, "error_code": 408, "description": "Request timeout"}
CODE = "000.00.21.H01-261120-0001"
DIGITS = "5678"


@dataclass
class Call:
    method: str
    params: dict[str, Any]


class FakeZalo:
    """Answers like bot-api.zaloplatforms.com; tests queue updates and special answers."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.updates: list[httpx.Response] = []
        self.answers: dict[str, list[httpx.Response]] = {}
        self.message_number = 0
        self.on_get_updates: Any = None

    def handler(self, request: httpx.Request) -> httpx.Response:
        prefix = f"/bot{TOKEN}/"
        if not request.url.path.startswith(prefix):
            return httpx.Response(
                401, json={"ok": False, "error_code": 401, "description": "Unauthorized"}
            )
        method = request.url.path[len(prefix) :]
        params = json.loads(request.content or b"{}")
        self.calls.append(Call(method, params))
        queued = self.answers.get(method)
        if queued:
            return queued.pop(0)
        if method == "getUpdates":
            if self.on_get_updates is not None:
                self.on_get_updates(len(self.sent("getUpdates")))
            return self.updates.pop(0) if self.updates else httpx.Response(200, json=NO_UPDATE)
        if method == "getMe":
            return ok({"id": "1459232241454765289", "account_name": "bot.tdkt"})
        if method in ("sendMessage", "sendPhoto"):
            self.message_number += 1
            return ok({"message_id": f"out{self.message_number}", "date": 1795572000000})
        if method in ("setWebhook", "deleteWebhook"):
            return ok({"url": params.get("url", ""), "updated_at": 1795572000000})
        return httpx.Response(200, json={"ok": True})

    def client(self) -> ZaloClient:
        return ZaloClient(TOKEN, base_url=BASE_URL, transport=httpx.MockTransport(self.handler))

    def sent(self, method: str = "sendMessage") -> list[Call]:
        return [call for call in self.calls if call.method == method]

    def texts(self, chat_id: str = CHAT) -> list[str]:
        return [c.params["text"] for c in self.sent() if c.params["chat_id"] == chat_id]

    def answer(self, method: str, status: int, body: dict[str, Any]) -> None:
        self.answers.setdefault(method, []).append(httpx.Response(status, json=body))


def ok(result: Any) -> httpx.Response:
    return httpx.Response(200, json={"ok": True, "result": result})


class ZaloUpdates:
    """Builds Zalo webhook/getUpdates JSON, numbering the messages."""

    def __init__(self) -> None:
        self.number = 0

    def message(
        self,
        text: str | None = None,
        *,
        chat: str = CHAT,
        sender: str | None = None,
        event: str = "message.text.received",
        **extra: Any,
    ) -> dict[str, Any]:
        self.number += 1
        message: dict[str, Any] = {
            "message_id": f"in{self.number:04d}",
            "from": {"id": sender or chat, "display_name": "Nguyễn Thị Lan", "is_bot": False},
            "chat": {"id": chat, "chat_type": "PRIVATE"},
            "date": 1795572000000 + self.number,
        }
        if text is not None:
            message["text"] = text
        message.update(extra)
        return {"event_name": event, "message": message}


@pytest.fixture
def zalo_api() -> FakeZalo:
    return FakeZalo()


@pytest.fixture
async def zalo_client(zalo_api: FakeZalo) -> AsyncIterator[ZaloClient]:
    client = zalo_api.client()
    yield client
    await client.aclose()


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def zalo(core: BotCore, zalo_client: ZaloClient, sleeps: list[float]) -> ZaloChannel:
    async def no_sleep(seconds: float) -> None:
        sleeps.append(seconds)

    return ZaloChannel(core, zalo_client, sleep=no_sleep, backoff_sleep=no_sleep)


@pytest.fixture
def runner(services: Services) -> UpdateRunner:
    return UpdateRunner(services.inbound, services.clock)


@pytest.fixture
def updates() -> ZaloUpdates:
    return ZaloUpdates()


class ZaloChat:
    """One Zalo user writing to the bot; each `say` returns the texts the bot sent back."""

    def __init__(
        self, zalo: ZaloChannel, runner: UpdateRunner, api: FakeZalo, updates: ZaloUpdates
    ) -> None:
        self.zalo, self.runner, self.api, self.updates = zalo, runner, api, updates

    async def say(self, text: str, chat: str = CHAT, sender: str | None = None) -> str:
        before = len(self.api.texts(chat))
        await self.runner.submit(self.zalo, self.updates.message(text, chat=chat, sender=sender))
        await self.runner.drain()
        return "\n".join(self.api.texts(chat)[before:])


@pytest.fixture
def zchat(
    zalo: ZaloChannel, runner: UpdateRunner, zalo_api: FakeZalo, updates: ZaloUpdates
) -> ZaloChat:
    return ZaloChat(zalo, runner, zalo_api, updates)


# --- flows -------------------------------------------------------------------------------


async def test_lookup_then_follow_by_number(
    services: Services, zchat: ZaloChat, zalo_api: FakeZalo
) -> None:
    dossier = await seed_dossier(services, status=Status.in_review)
    assert tl.ASK_PHONE.format(code=CODE) in await zchat.say(CODE.lower())
    card = await zchat.say(DIGITS)
    assert tl.CARD_TITLE.format(code=CODE) in card
    assert Status.in_review.label in card
    # No buttons on Zalo: the follow button is a numbered line with a hint on answering.
    assert f"1. {tf.FOLLOW_BUTTON}" in card
    assert tz.CHOICES_HINT in card
    assert await zchat.say("1") == tf.FOLLOWED.format(code=CODE)
    (follow,) = await services.follows.for_chat("zalo", CHAT)
    assert follow.dossier_id == dossier.id
    # The person saw "typing..." while the bot worked.
    assert zalo_api.sent("sendChatAction")[0].params == {"chat_id": CHAT, "action": "typing"}


async def test_number_outside_the_choices_asks_again(services: Services, zchat: ZaloChat) -> None:
    await seed_dossier(services)
    await zchat.say(CODE)
    await zchat.say(DIGITS)
    assert await zchat.say("7") == tc.CHOICE_OUT_OF_RANGE.format(count=1)
    # The choice is still on offer.
    assert await zchat.say("1") == tf.FOLLOWED.format(code=CODE)


async def test_admin_changes_a_status_by_numbers(
    settings: Settings,
    db: Database,
    clock: MovableClock,
    zalo_api: FakeZalo,
    zalo_client: ZaloClient,
    updates: ZaloUpdates,
) -> None:
    admin_settings = settings.model_copy(update={"admins": ["zalo:officer7"]})
    services = build_services(admin_settings, db, clock=clock)
    core = BotCore(build_router(), services)
    runner = UpdateRunner(services.inbound, services.clock)
    zchat = ZaloChat(ZaloChannel(core, zalo_client), runner, zalo_api, updates)
    await seed_dossier(services, status=Status.received)

    menu = await zchat.say(f"/capnhat {CODE}", chat="officer7")
    assert ts.CHOOSE.splitlines()[-1] in menu
    lines = [line for line in menu.splitlines() if line[:1].isdigit()]
    number = next(line.split(".")[0] for line in lines if Status.in_review.label in line)
    ask_note = await zchat.say(number, chat="officer7")
    assert ts.ASK_NOTE_OPTIONAL in ask_note and f"1. {ts.SKIP}" in ask_note
    confirm = await zchat.say("Đã đủ thành phần", chat="officer7")
    assert f"1. {ts.YES}" in confirm and f"2. {ts.NO}" in confirm
    done = await zchat.say("1", chat="officer7")
    assert done == ts.DONE_NO_FOLLOWERS.format(code=CODE, label=Status.in_review.label)
    dossier = await services.dossiers.get_by_code(CODE)
    assert dossier is not None and dossier.status is Status.in_review
    assert dossier.note == "Đã đủ thành phần"


async def test_citizen_cannot_change_a_status(services: Services, zchat: ZaloChat) -> None:
    await seed_dossier(services)
    answer = await zchat.say(f"/capnhat {CODE}", chat="citizen1")
    assert Status.in_review.label not in answer
    dossier = await services.dossiers.get_by_code(CODE)
    assert dossier is not None and dossier.status is Status.received


async def test_one_chat_is_handled_in_order(
    services: Services, zalo: ZaloChannel, runner: UpdateRunner, zalo_api: FakeZalo
) -> None:
    """The code and the digits arrive together: the digits wait for the code's reply."""
    await seed_dossier(services)
    maker = ZaloUpdates()
    await runner.submit(zalo, maker.message(CODE))
    await runner.submit(zalo, maker.message(DIGITS))
    await runner.drain()
    asked, card = zalo_api.texts()
    assert tl.ASK_PHONE.format(code=CODE) in asked
    assert tl.CARD_TITLE.format(code=CODE) in card


# --- updates -----------------------------------------------------------------------------


def test_text_update_becomes_incoming(updates: ZaloUpdates) -> None:
    incoming = to_incoming(updates.message("Xin chào", sender="u1"))
    assert incoming is not None
    assert (incoming.channel, incoming.chat_id, incoming.sender_id) == ("zalo", CHAT, "u1")
    assert incoming.text == "Xin chào"
    assert incoming.sender_name == "Nguyễn Thị Lan"
    assert incoming.actor == "zalo:u1"


def test_image_sticker_and_unsupported_updates(updates: ZaloUpdates) -> None:
    image = to_incoming(
        updates.message(
            event="message.image.received", photo_url="https://zalo.example/p.jpg", caption="QR"
        )
    )
    assert image is not None and image.text == "QR"
    assert image.attachments[0].kind is AttachmentKind.photo
    assert image.attachments[0].file_id == "https://zalo.example/p.jpg"
    sticker = to_incoming(updates.message(event="message.sticker.received", sticker="abc"))
    assert sticker is not None and sticker.attachments[0].kind is AttachmentKind.sticker
    other = to_incoming(updates.message(event="message.unsupported.received"))
    assert other is not None and other.attachments[0].kind is AttachmentKind.other


def test_unknown_event_is_ignored_and_logged(
    updates: ZaloUpdates, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.zalo_channel")
    assert to_incoming(updates.message("hi", event="user.follow")) is None
    assert "user.follow" in caplog.text


def test_odd_updates_are_tolerated(updates: ZaloUpdates) -> None:
    # Numeric ids, a missing event name (getUpdates), messages from bots, no chat at all.
    numeric = {"message": {"message_id": 5, "chat": {"id": 42}, "from": {"id": 7}, "text": "x"}}
    incoming = to_incoming(numeric)
    assert incoming is not None and (incoming.chat_id, incoming.sender_id) == ("42", "7")
    bot = updates.message("hi")
    bot["message"]["from"]["is_bot"] = True
    assert to_incoming(bot) is None
    assert to_incoming({"event_name": "message.text.received", "message": {"text": "x"}}) is None
    assert to_incoming({"event_name": "message.text.received", "message": "oops"}) is None


def test_flat_and_wrapped_deliveries(updates: ZaloUpdates) -> None:
    flat = updates.message("a")
    assert updates_of(flat) == [flat]
    assert updates_of({"ok": True, "result": flat}) == [flat]
    assert updates_of({"ok": True, "result": [flat, flat]}) == [flat, flat]
    for bad in ({"ok": False, "result": flat}, {"hello": 1}, {"ok": True, "result": [1]}):
        with pytest.raises(ValueError):
            updates_of(bad)


# --- long polling ------------------------------------------------------------------------


async def test_long_polling_through_408s(
    services: Services,
    zalo: ZaloChannel,
    runner: UpdateRunner,
    zalo_api: FakeZalo,
    updates: ZaloUpdates,
    sleeps: list[float],
) -> None:
    stop = asyncio.Event()
    zalo_api.updates = [
        httpx.Response(200, json=NO_UPDATE),
        httpx.Response(408, json=NO_UPDATE),
        httpx.Response(200, json={"ok": False, "error_code": "408", "description": "timeout"}),
        httpx.Response(200, json={"ok": True, "result": {}}),
        ok(updates.message("/start")),
    ]
    zalo_api.on_get_updates = lambda count: stop.set() if count >= 6 else None
    await asyncio.wait_for(zalo.poll(runner, stop), timeout=5)
    await runner.drain()
    methods = [call.method for call in zalo_api.calls]
    assert methods[0] == "deleteWebhook" and methods.count("deleteWebhook") == 1
    assert methods.count("getUpdates") == 6  # polling went on after the 408s and the update
    assert zalo_api.sent("getUpdates")[0].params == {"timeout": "30"}
    assert "Xin chào" in zalo_api.texts()[0]
    assert sleeps == []  # a 408 is "no update", not an error to back off from


async def test_long_polling_backs_off_after_errors(
    zalo: ZaloChannel, runner: UpdateRunner, zalo_api: FakeZalo, sleeps: list[float]
) -> None:
    stop = asyncio.Event()
    zalo_api.updates = [
        httpx.Response(502, text="<html>Bad gateway</html>"),
        httpx.Response(200, json={"ok": False, "error_code": 500, "description": "Internal"}),
        httpx.Response(200, json={"ok": False, "error_code": 429, "description": "Too many"}),
    ]
    zalo_api.on_get_updates = lambda count: stop.set() if count >= 4 else None
    await asyncio.wait_for(zalo.poll(runner, stop), timeout=5)
    assert sleeps == [1.0, 2.0, 4.0]
    # After an error the webhook is deleted again before polling (it may have been set).
    assert [c.method for c in zalo_api.calls].count("deleteWebhook") == 4
    zalo_api.updates = [httpx.Response(500, json={"ok": False})] * 10
    sleeps.clear()
    stop2 = asyncio.Event()
    zalo_api.on_get_updates = lambda count: stop2.set() if count >= 14 else None
    await asyncio.wait_for(zalo.poll(runner, stop2), timeout=5)
    assert sleeps == [1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 60.0, 60.0, 60.0, 60.0]


async def test_redelivered_message_is_handled_once(
    services: Services, zalo: ZaloChannel, runner: UpdateRunner, zalo_api: FakeZalo
) -> None:
    update = ZaloUpdates().message("/start")
    assert await runner.submit(zalo, update) is True
    assert await runner.submit(zalo, update) is False
    await runner.drain()
    assert len(zalo_api.texts()) == 1
    assert await services.inbound.is_handled("zalo", "in0001")


async def test_update_taken_in_before_a_crash_is_resumed(
    services: Services, zalo: ZaloChannel, runner: UpdateRunner, zalo_api: FakeZalo
) -> None:
    update = ZaloUpdates().message("/start")
    # Stored and acknowledged, then the process stopped before handling it.
    assert await services.inbound.accept("zalo", "in0001", update, services.now())
    assert await runner.resume(zalo) == 1
    await runner.drain()
    assert "Xin chào" in zalo_api.texts()[0]
    assert await runner.resume(zalo) == 0
    row = await services.db.fetch_one("SELECT body FROM inbound_updates")
    assert row is not None and row[0] is None  # the message text is not kept once handled


async def test_old_ids_are_pruned(
    services: Services, runner: UpdateRunner, clock: MovableClock
) -> None:
    await services.inbound.accept("zalo", "old", {"message": {}}, services.now())
    clock.advance(days=8)
    await services.inbound.accept("zalo", "new", {"message": {}}, services.now())
    assert await runner.prune() == 1
    assert await services.inbound.accept("zalo", "new", {}, services.now()) is False
    assert await services.inbound.accept("zalo", "old", {}, services.now()) is True


# --- errors ------------------------------------------------------------------------------


async def test_error_envelope_with_http_200(zalo_client: ZaloClient, zalo_api: FakeZalo) -> None:
    zalo_api.answer(
        "sendMessage", 200, {"ok": False, "error_code": 400, "description": "Invalid chat"}
    )
    with pytest.raises(ZaloError) as caught:
        await zalo_client.send_message(CHAT, "Xin chào")
    assert caught.value.code == 400
    assert caught.value.http_status == 200
    assert "Invalid chat" in str(caught.value)


async def test_answers_that_are_not_json_are_errors(
    zalo_client: ZaloClient, zalo_api: FakeZalo
) -> None:
    zalo_api.answers["getMe"] = [httpx.Response(200, text="OK")]
    with pytest.raises(ZaloError):
        await zalo_client.get_me()
    zalo_api.answers["getMe"] = [httpx.Response(200, json={"result": {"id": "1"}})]
    with pytest.raises(ZaloError):  # no `ok`: not a success
        await zalo_client.get_me()


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (200, {"ok": False, "error_code": 429, "description": "Too many requests"}, RetryLater),
        (200, {"ok": False, "error_code": 403, "description": "User blocked the bot"}, ChatBlocked),
        (200, {"ok": False, "error_code": 400, "description": "Bad Request"}, PermanentError),
        (404, {"ok": False, "error_code": 404, "description": "Not Found"}, PermanentError),
        (200, {"ok": False, "error_code": 500, "description": "Internal"}, TransientError),
        (503, {"ok": False}, TransientError),
        (200, {"ok": False, "error_code": 401, "description": "Unauthorized"}, TransientError),
    ],
)
async def test_sender_maps_zalo_errors(
    zalo_client: ZaloClient,
    zalo_api: FakeZalo,
    status: int,
    body: dict[str, Any],
    expected: type[Exception],
) -> None:
    zalo_api.answer("sendMessage", status, body)
    sender = ZaloSender(zalo_client, rate=25)
    with pytest.raises(expected):
        await sender.send(CHAT, {"text": "Thông báo"})


def test_network_errors_are_transient() -> None:
    assert isinstance(
        sender_error(ZaloNetworkError("sendMessage", None, "ConnectError")), TransientError
    )
    retry = sender_error(ZaloError("sendMessage", 429, "slow down", retry_after=12))
    assert isinstance(retry, RetryLater) and retry.retry_after == 12


async def test_blocked_chat_through_the_outbox(
    services: Services, zalo_client: ZaloClient, zalo_api: FakeZalo, clock: MovableClock
) -> None:
    await services.outbox.enqueue(
        key="t1", channel="zalo", chat_id=CHAT, payload={"text": "Thông báo"}, at=services.now()
    )
    zalo_api.answer("sendMessage", 200, {"ok": False, "error_code": 403, "description": "Blocked"})
    dispatcher = OutboxDispatcher(
        services.outbox, {"zalo": ZaloSender(zalo_client, rate=25)}, clock
    )
    assert await dispatcher.run_once() == 0
    (message,) = await services.outbox.all_for_chat("zalo", CHAT)
    assert message.state == "dead"


async def test_sender_numbers_choices_and_remembers_them(
    services: Services, core: BotCore, zalo_client: ZaloClient, zalo_api: FakeZalo
) -> None:
    await seed_dossier(services)
    sender = ZaloSender(
        zalo_client, rate=25, conversations=services.conversations, clock=services.clock
    )
    await sender.send(CHAT, {"text": "Hồ sơ đã đổi", "choices": [["Theo dõi", f"fl:{CODE}"]]})
    (text,) = zalo_api.texts()
    assert text == f"Hồ sơ đã đổi\n\n1. Theo dõi\n{tz.CHOICES_HINT}"
    assert await services.conversations.offered_choices("zalo", CHAT) == [f"fl:{CODE}"]


async def test_flood_control_on_a_direct_reply_is_waited_out(
    zalo: ZaloChannel, zalo_api: FakeZalo, sleeps: list[float]
) -> None:
    zalo_api.answer(
        "sendMessage",
        200,
        {"ok": False, "error_code": 429, "description": "Slow", "parameters": {"retry_after": 3}},
    )
    await zalo.send_replies(CHAT, [Reply("Xin chào")])
    assert sleeps == [3.0]
    assert zalo_api.texts() == ["Xin chào", "Xin chào"]  # the refused attempt, then the one sent


# --- splitting ---------------------------------------------------------------------------


async def test_5000_characters_are_split_on_lines(zalo: ZaloChannel, zalo_api: FakeZalo) -> None:
    lines = [f"Dòng {i:03d} " + "x" * 40 for i in range(100)]  # 100 lines, ~5,000 characters
    text = "\n".join(lines)
    assert len(text) > 4500
    await zalo.send_replies(CHAT, [Reply(text)])
    parts = zalo_api.texts()
    assert len(parts) == 3
    assert all(1 <= len(part) <= TEXT_LIMIT for part in parts)
    assert "\n".join(parts) == text  # cut only between lines, nothing lost


async def test_an_overlong_line_is_cut_at_2000(zalo_client: ZaloClient, zalo_api: FakeZalo) -> None:
    assert await zalo_client.send_text(CHAT, "a" * 5000) == 3
    assert [len(text) for text in zalo_api.texts()] == [2000, 2000, 1000]
    with pytest.raises(ValueError):
        await zalo_client.send_message(CHAT, "a" * 2001)
    with pytest.raises(ValueError):
        await zalo_client.send_message(CHAT, "")


async def test_incoming_message_of_5000_characters_is_refused_politely(
    zchat: ZaloChat,
) -> None:
    answer = await zchat.say("a" * 5000)
    assert answer == tc.TOO_LONG.format(length=5000, limit=MAX_INPUT_CHARS)


# --- images ------------------------------------------------------------------------------


async def test_image_without_public_url_becomes_a_note(
    zalo: ZaloChannel, zalo_api: FakeZalo
) -> None:
    await zalo.send_replies(CHAT, [Reply("Mã QR", image=b"\x89PNG", image_name="qr.png")])
    assert zalo_api.sent("sendPhoto") == []
    assert zalo_api.texts() == [f"Mã QR\n\n{tz.IMAGE_NOT_SENT}"]


async def test_image_with_public_url_is_sent_by_url(
    core: BotCore, services: Services, zalo_client: ZaloClient, zalo_api: FakeZalo
) -> None:
    zalo = ZaloChannel(core, zalo_client, public_url="https://bot.example.vn/")
    await zalo.send_replies(CHAT, [Reply("Mã QR", image=b"\x89PNG", image_name="qr code.png")])
    (photo,) = zalo_api.sent("sendPhoto")
    url = photo.params["photo"]
    assert url.startswith("https://bot.example.vn/files/") and url.endswith("/qr_code.png")
    token = url.split("/")[-2]
    assert len(token) >= 32  # unguessable
    stored = await services.public_files.get(token, services.now())
    assert stored is not None and stored.content == b"\x89PNG"
    assert stored.mime_type == "image/png"
    assert zalo_api.texts() == ["Mã QR"]


def test_render_text_numbers_choices() -> None:
    reply = Reply("Chọn:", choices=(Choice("Có", "a:1"), Choice("Không", "a:2")))
    assert render_text(reply) == f"Chọn:\n\n1. Có\n2. Không\n{tz.CHOICES_HINT}"
    assert render_text(Reply("Xin chào")) == "Xin chào"


# --- the token ---------------------------------------------------------------------------


async def test_token_never_appears_in_logs(
    zalo: ZaloChannel, zalo_api: FakeZalo, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="httpx")  # even if someone turned httpx up
    client = zalo.client
    await client.get_me()
    await client.send_text(CHAT, "Xin chào")
    zalo_api.answer("sendMessage", 200, {"ok": False, "error_code": 400, "description": "Bad"})
    await zalo.send_replies(CHAT, [Reply("Lỗi")])

    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError(f"cannot reach {request.url}", request=request)

    broken = ZaloClient(TOKEN, base_url=BASE_URL, transport=httpx.MockTransport(refuse))
    with pytest.raises(ZaloNetworkError) as caught:
        await broken.send_message(CHAT, "Xin chào")
    logging.getLogger("test").exception("what an operator would log", exc_info=caught.value)
    await broken.aclose()

    # The requests were logged by httpx, and the bot API did receive the token.
    assert "HTTP Request: POST https://bot-api.zaloplatforms.com/bot/sendMessage" in caplog.text
    assert TOKEN not in caplog.text
    assert TOKEN.split(":")[1] not in caplog.text
    assert TOKEN not in str(caught.value) and caught.value.__cause__ is None


# --- the command line --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "console"), [([], False), (["run"], False), (["run", "--console"], True)]
)
def test_a_zalo_token_alone_serves_the_channels(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, argv: list[str], console: bool
) -> None:
    import bot.cli as cli

    for name in ("TDKT_TELEGRAM_TOKEN", "TDKT_PUBLIC_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TDKT_ZALO_TOKEN", TOKEN)
    monkeypatch.setenv("TDKT_DATABASE", str(tmp_path / "bot.sqlite3"))
    monkeypatch.chdir(tmp_path)
    served: list[tuple[Settings, bool]] = []

    def run_channels(settings: Settings, *, console: bool = False) -> int:
        served.append((settings, console))
        return 0

    monkeypatch.setattr(cli, "run_channels", run_channels)
    monkeypatch.setattr(cli, "setup_logging", lambda _level: None)
    assert cli.main(argv) == 0
    ((settings, with_console),) = served
    assert settings.zalo_token is not None and with_console is console
