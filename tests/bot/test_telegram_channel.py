"""The Telegram adapter end to end through python-telegram-bot, on httpx.MockTransport."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from datetime import date
from typing import Any

import httpx
import pytest
from telegram.error import BadRequest
from telegram.ext import Application

import bot.telegram_channel as telegram_channel
from bot.telegram_channel import CALLBACK_DATA_LIMIT, TEXT_LIMIT, split_text
from domain.codes import to_deep_link_payload
from domain.statuses import Status
from handlers.messages import Choice, Incoming, Reply
from handlers.router import BotCore
from handlers.services import Services
from handlers.texts import common as tc
from handlers.texts import lookup as tl
from tests.fakes import (
    BOT_USER,
    TOKEN,
    USER_ID,
    FakeBotApi,
    Updates,
    feed,
    markup_of,
    ok,
    running_application,
)
from tests.handlers.test_status_update import seed_dossier

CODE = "000.00.21.H01-261110-0001"
DIGITS = "5678"


@pytest.fixture
def api() -> FakeBotApi:
    return FakeBotApi()


@pytest.fixture
async def app(core: BotCore, api: FakeBotApi) -> AsyncIterator[Application]:
    async with running_application(core, api.handler) as application:
        yield application


@pytest.fixture
def errors(app: Application) -> list[BaseException]:
    """Exceptions that reached the application's error handlers."""
    caught: list[BaseException] = []

    async def record(_update: object, context: Any) -> None:
        caught.append(context.error)

    app.add_error_handler(record)
    return caught


@pytest.fixture
def updates() -> Updates:
    return Updates()


async def add_dossier(services: Services) -> None:
    await seed_dossier(
        services,
        CODE,
        status=Status.in_review,
        phone=DIGITS,
        received_on=date(2026, 11, 10),
        due_on=date(2026, 12, 2),
    )


def add_test_command(core: BotCore, replies: list[Reply]) -> list[Incoming]:
    """A `/thu` command answering `replies`, and a `thu:` button; returns what they received."""
    received: list[Incoming] = []

    async def command(incoming: Incoming, _services: Services, _args: str) -> list[Reply]:
        received.append(incoming)
        return replies

    async def button(incoming: Incoming, _services: Services, rest: str) -> list[Reply]:
        received.append(incoming)
        return [Reply(f"Bạn chọn {rest}")]

    core.router.command("thu", command, "thử", listed=False)
    core.router.payload("thu", button)
    return received


async def test_initialize_calls_get_me(app: Application, api: FakeBotApi) -> None:
    assert [call.method for call in api.calls] == ["getMe"]
    assert app.bot.username == "tdkt_bot"


async def test_start(
    app: Application, api: FakeBotApi, updates: Updates, errors: list[BaseException]
) -> None:
    await feed(app, updates.text("/start"))
    (call,) = api.sent()
    assert int(call.params["chat_id"]) == USER_ID
    assert call.params["text"].startswith("Xin chào! Tôi là Trợ lý Thi đua – Khen thưởng")
    assert "mã hồ sơ" in call.params["text"]
    assert markup_of(call) is None
    assert errors == []


async def test_code_then_digits_sends_the_card(
    app: Application,
    api: FakeBotApi,
    updates: Updates,
    services: Services,
    errors: list[BaseException],
) -> None:
    await add_dossier(services)
    await feed(app, updates.text(CODE.lower()))
    (ask,) = api.sent()
    assert int(ask.params["chat_id"]) == USER_ID
    assert ask.params["text"] == tl.ASK_PHONE.format(code=CODE)

    await feed(app, updates.text(DIGITS))
    card = api.sent()[-1]
    assert int(card.params["chat_id"]) == USER_ID
    lines = card.params["text"].splitlines()
    assert lines[0] == f"📄 Hồ sơ {CODE}"
    assert "Trạng thái: Đang xử lý (Đang thẩm định)" in lines
    assert "Ngày hẹn trả kết quả: 02/12/2026" in lines
    assert "Còn 5 ngày làm việc đến hạn." in lines
    markup = markup_of(card)
    if markup is not None:
        buttons = [button for row in markup["inline_keyboard"] for button in row]
        assert buttons
        assert all(len(b["callback_data"].encode()) <= CALLBACK_DATA_LIMIT for b in buttons)
    assert errors == []


async def test_deep_link_start(
    app: Application, api: FakeBotApi, updates: Updates, services: Services
) -> None:
    await add_dossier(services)
    await feed(app, updates.text(f"/start {to_deep_link_payload(CODE)}"))
    assert api.sent()[-1].params["text"] == tl.ASK_PHONE.format(code=CODE)


async def test_choices_become_inline_buttons(
    app: Application, api: FakeBotApi, updates: Updates, core: BotCore
) -> None:
    choices = (Choice("Cá nhân", "thu:canhan"), Choice("Tập thể", "thu:taphe"))
    received = add_test_command(core, [Reply("Đề nghị cho ai?", choices=choices)])
    await feed(app, updates.text("/thu"))
    call = api.sent()[-1]
    assert call.params["text"] == "Đề nghị cho ai?"
    assert markup_of(call) == {
        "inline_keyboard": [
            [{"text": "Cá nhân", "callback_data": "thu:canhan"}],
            [{"text": "Tập thể", "callback_data": "thu:taphe"}],
        ]
    }
    await feed(app, updates.callback("thu:taphe"))
    assert [c.method for c in api.calls[-2:]] == ["answerCallbackQuery", "sendMessage"]
    assert api.calls[-2].params["callback_query_id"] == "4382bfdwdsb323b2d9"
    assert api.sent()[-1].params["text"] == "Bạn chọn taphe"
    assert received[-1].payload == "thu:taphe"
    assert received[-1].text is None
    assert received[-1].chat_id == str(USER_ID)
    assert received[-1].channel == "telegram"


async def test_overlong_callback_data_is_not_sent(
    app: Application, api: FakeBotApi, updates: Updates, core: BotCore
) -> None:
    choices = (Choice("Dài", "thu:" + "x" * 80), Choice("Ngắn", "thu:ok"))
    add_test_command(core, [Reply("Chọn", choices=choices)])
    await feed(app, updates.text("/thu"))
    markup = markup_of(api.sent()[-1])
    assert markup == {"inline_keyboard": [[{"text": "Ngắn", "callback_data": "thu:ok"}]]}


async def test_sticker_gets_text_expected(
    app: Application, api: FakeBotApi, updates: Updates, errors: list[BaseException]
) -> None:
    sticker = {
        "file_id": "CAACAgIAAxkBAAEBQ2dmZ",
        "file_unique_id": "AgADxQADVp29Cg",
        "type": "regular",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
        "emoji": "👍",
    }
    await feed(app, updates.message(sticker=sticker))
    (call,) = api.sent()
    assert int(call.params["chat_id"]) == USER_ID
    assert call.params["text"] == tc.TEXT_EXPECTED
    assert errors == []


async def test_photo_during_lookup_gets_text_expected(
    app: Application, api: FakeBotApi, updates: Updates, services: Services
) -> None:
    await add_dossier(services)
    await feed(app, updates.text(CODE))
    photo = [
        {"file_id": "small", "file_unique_id": "s", "width": 90, "height": 90, "file_size": 1200},
        {"file_id": "big", "file_unique_id": "b", "width": 800, "height": 800, "file_size": 9000},
    ]
    await feed(app, updates.message(photo=photo))
    assert api.sent()[-1].params["text"] == tc.TEXT_EXPECTED
    # A caption is read as the text: the digits in a photo's caption still answer.
    await feed(app, updates.message(photo=photo, caption=DIGITS))
    assert api.sent()[-1].params["text"].startswith(f"📄 Hồ sơ {CODE}")


async def test_forged_callback_is_answered_and_stale(
    app: Application, api: FakeBotApi, updates: Updates, errors: list[BaseException]
) -> None:
    await feed(app, updates.callback("zz:DROP TABLE dossiers"))
    assert [c.method for c in api.calls[1:]] == ["answerCallbackQuery", "sendMessage"]
    call = api.sent()[-1]
    assert int(call.params["chat_id"]) == USER_ID
    assert call.params["text"] == tc.STALE_BUTTON
    await feed(app, updates.callback(""))
    assert api.sent()[-1].params["text"] == tc.STALE_BUTTON
    assert errors == []


async def test_flood_wait_is_honoured_and_sent_once(
    app: Application,
    api: FakeBotApi,
    updates: Updates,
    monkeypatch: pytest.MonkeyPatch,
    errors: list[BaseException],
) -> None:
    waits: list[float] = []
    real_sleep = asyncio.sleep

    async def fake_sleep(seconds: float, *args: Any, **kwargs: Any) -> None:
        waits.append(seconds)
        await real_sleep(0)

    monkeypatch.setattr(telegram_channel.asyncio, "sleep", fake_sleep)
    too_many = {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 1",
        "parameters": {"retry_after": 1},
    }
    api.overrides.append(lambda method, _p: (429, too_many) if method == "sendMessage" else None)
    await feed(app, updates.text("/start"))
    attempts = api.sent()
    assert len(attempts) == 2
    assert attempts[0].params == attempts[1].params
    assert waits == [1.0]
    assert api.next_message_id == 501  # delivered exactly once
    assert errors == []


async def test_blocked_by_user_is_swallowed(
    app: Application,
    api: FakeBotApi,
    updates: Updates,
    caplog: pytest.LogCaptureFixture,
    errors: list[BaseException],
) -> None:
    blocked = {
        "ok": False,
        "error_code": 403,
        "description": "Forbidden: bot was blocked by the user",
    }
    api.overrides.append(lambda method, _p: (403, blocked) if method == "sendMessage" else None)
    with caplog.at_level(logging.INFO):
        await feed(app, updates.text("/help"))
    assert len(api.sent()) == 1
    assert errors == []
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    # The next message is answered normally.
    await feed(app, updates.text("/start"))
    assert api.next_message_id == 501


async def test_long_reply_is_split_and_buttons_go_last(
    app: Application, api: FakeBotApi, updates: Updates, core: BotCore
) -> None:
    lines = [f"Dòng {i:04d} " + "x" * 90 for i in range(60)]
    text = "\n".join(lines)
    add_test_command(core, [Reply(text, choices=(Choice("Tiếp", "thu:next"),))])
    await feed(app, updates.text("/thu"))
    parts = api.sent()
    assert len(parts) == 2
    assert all(len(p.params["text"]) <= TEXT_LIMIT for p in parts)
    assert "\n".join(p.params["text"] for p in parts) == text
    assert markup_of(parts[0]) is None
    assert markup_of(parts[1]) is not None


async def test_image_and_document_replies(
    app: Application, api: FakeBotApi, updates: Updates, core: BotCore
) -> None:
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
    add_test_command(
        core,
        [
            Reply("Mã QR của hồ sơ", image=png, image_name="qr.png"),
            Reply("Báo cáo", document=b"a,b\n1,2\n", document_name="bao-cao.csv"),
        ],
    )
    await feed(app, updates.text("/thu"))
    (photo,) = api.sent("sendPhoto")
    assert int(photo.params["chat_id"]) == USER_ID
    assert photo.params["caption"] == "Mã QR của hồ sơ"
    assert photo.files["photo"] == png
    (document,) = api.sent("sendDocument")
    assert document.params["caption"] == "Báo cáo"
    assert document.files["document"] == b"a,b\n1,2\n"
    assert api.sent() == []


async def test_base_url_is_honoured(core: BotCore) -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return ok(BOT_USER)

    async with running_application(core, handler, base_url="http://localhost:8081/bot"):
        pass
    assert seen == [f"http://localhost:8081/bot{TOKEN}/getMe"]


def test_split_text_short_and_empty() -> None:
    assert split_text("Xin chào") == ["Xin chào"]
    assert split_text("") == [""]
    assert split_text("a" * TEXT_LIMIT) == ["a" * TEXT_LIMIT]


def test_split_text_on_line_boundaries() -> None:
    first = "a" * 3000
    second = "b" * 3000
    third = "c" * 1000
    parts = split_text(f"{first}\n{second}\n{third}")
    assert parts == [first, f"{second}\n{third}"]


def test_split_text_exactly_at_the_limit() -> None:
    line = "d" * 2047
    text = f"{line}\n{line}"  # 4095 characters
    assert split_text(text) == [text]
    text = f"{line}\n{line}e\n{line}"  # the first two lines make exactly 4096
    assert split_text(text) == [f"{line}\n{line}e", line]


def test_split_text_cuts_an_overlong_line() -> None:
    text = "x" * (TEXT_LIMIT * 2 + 10) + "\nkết thúc"
    parts = split_text(text)
    assert [len(p) for p in parts[:2]] == [TEXT_LIMIT, TEXT_LIMIT]
    assert parts[2] == "x" * 10 + "\nkết thúc"
    assert "".join(parts).replace("\n", "") == text.replace("\n", "")


def test_split_text_many_lines_round_trip() -> None:
    text = "\n".join(f"• Hồ sơ số {i}: Đang thẩm định" for i in range(600))
    parts = split_text(text)
    assert len(parts) > 1
    assert all(0 < len(p) <= TEXT_LIMIT for p in parts)
    assert "\n".join(parts) == text


async def test_post_text_sends_what_send_message_sends(app: Application, api: FakeBotApi) -> None:
    """Replies skip building a Message from the answer, not any part of the request."""
    reply = Reply("", choices=(Choice("Theo dõi hồ sơ", "fo:1"), Choice("x", "y" * 65)))
    markup = telegram_channel.keyboard(reply)
    await app.bot.send_message(USER_ID, "Thẻ trạng thái", reply_markup=markup)
    buttons = telegram_channel.keyboard_json(reply)
    await telegram_channel.post_text(app.bot, USER_ID, "Thẻ trạng thái", buttons)
    await telegram_channel.post_text(app.bot, USER_ID, "Không nút")
    by_ptb, ours, plain = api.sent()
    assert ours.params == by_ptb.params
    assert ours.files == by_ptb.files
    assert "reply_markup" not in plain.params


async def test_post_text_raises_telegrams_errors(app: Application, api: FakeBotApi) -> None:
    api.overrides.append(lambda method, _params: (400, {"ok": False, "description": "Bad"}))
    with pytest.raises(BadRequest):
        await telegram_channel.post_text(app.bot, USER_ID, "x")
