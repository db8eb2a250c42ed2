"""The Telegram Bot API the tests share: answers on httpx.MockTransport and real Update JSON."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from email import policy
from email.parser import BytesParser
from typing import Any
from urllib.parse import parse_qs

import httpx
from telegram import Update
from telegram.ext import Application
from telegram.request import HTTPXRequest

from bot.telegram_channel import build_application
from handlers.router import BotCore

TOKEN = "123:ABC"
USER_ID = 1001
DATE = 1795572000  # 2026-11-25 02:00 UTC
BOT_USER: dict[str, Any] = {
    "id": 123,
    "is_bot": True,
    "first_name": "TDKT",
    "username": "tdkt_bot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}
USER: dict[str, Any] = {"id": USER_ID, "is_bot": False, "first_name": "Lan", "last_name": "Nguyễn"}
#: The callback query id every pressed button carries.
CALLBACK_ID = "4382bfdwdsb323b2d9"

#: What httpx.MockTransport calls with each request: answers at once or awaits.
Handler = Callable[[httpx.Request], httpx.Response | Awaitable[httpx.Response]]


def private_chat(user: dict[str, Any]) -> dict[str, Any]:
    """The private chat of `user` with the bot, as Telegram describes it."""
    names = {key: user[key] for key in ("first_name", "last_name") if key in user}
    return {"id": user["id"], "type": "private", **names}


def ok(result: Any) -> httpx.Response:
    """A successful Bot API answer."""
    return httpx.Response(200, json={"ok": True, "result": result})


def api_error(status: int, description: str, **parameters: Any) -> httpx.Response:
    """A failed Bot API answer; `parameters` such as retry_after go in its `parameters`."""
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if parameters:
        body["parameters"] = parameters
    return httpx.Response(status, json=body)


def sent_message(chat_id: int | str, message_id: int, **content: Any) -> dict[str, Any]:
    """The Message the Bot API returns for a message the bot sent to a private chat."""
    message: dict[str, Any] = {
        "message_id": message_id,
        "date": DATE,
        "chat": {"id": int(chat_id), "type": "private"},
        "from": BOT_USER,
    }
    return message | content


def decode_body(request: httpx.Request) -> tuple[dict[str, Any], dict[str, bytes]]:
    """Parameters of a Bot API request, whether JSON, form-encoded or multipart."""
    content_type = request.headers.get("content-type", "")
    body = request.content
    if not body:
        return {}, {}
    if content_type.startswith("application/json"):
        return json.loads(body), {}
    if content_type.startswith("application/x-www-form-urlencoded"):
        form = parse_qs(body.decode(), keep_blank_values=True)
        return {key: values[-1] for key, values in form.items()}, {}
    assert content_type.startswith("multipart/form-data"), content_type
    message = BytesParser(policy=policy.HTTP).parsebytes(
        b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body
    )
    params: dict[str, Any] = {}
    files: dict[str, bytes] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        assert isinstance(name, str) and isinstance(payload, bytes)
        if part.get_filename():
            files[name] = payload
        else:
            params[name] = payload.decode()
    return params, files


@dataclass
class Call:
    """One Bot API request the bot made: the method and its decoded parameters."""

    method: str
    params: dict[str, Any]
    files: dict[str, bytes] = field(default_factory=dict)


def markup_of(call: Call) -> dict[str, Any] | None:
    """The reply_markup parameter, decoded from its JSON text."""
    markup = call.params.get("reply_markup")
    if markup is None:
        return None
    return json.loads(markup) if isinstance(markup, str) else markup


def buttons_of(call: Call) -> dict[str, str]:
    """Label → callback data of the inline keyboard the call sent."""
    markup = markup_of(call)
    assert markup, f"no buttons in {call.params}"
    return {b["text"]: b["callback_data"] for row in markup["inline_keyboard"] for b in row}


#: A special answer: given the method and parameters, (HTTP status, JSON body), or None to pass.
Responder = Callable[[str, dict[str, Any]], tuple[int, dict[str, Any]] | None]


class FakeBotApi:
    """Answers Bot API requests like api.telegram.org and records them; tests queue special answers.

    Each responder in `overrides` is asked first and used once, when it answers.
    """

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.overrides: list[Responder] = []
        self.next_message_id = 500

    def handler(self, request: httpx.Request) -> httpx.Response:
        prefix = f"/bot{TOKEN}/"
        assert request.url.path.startswith(prefix), request.url
        method = request.url.path[len(prefix) :]
        params, files = decode_body(request)
        self.calls.append(Call(method, params, files))
        for responder in list(self.overrides):
            answer = responder(method, params)
            if answer is not None:
                self.overrides.remove(responder)
                status, body = answer
                return httpx.Response(status, json=body)
        return ok(self.result(method, params))

    def result(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return BOT_USER
        if method not in ("sendMessage", "sendPhoto", "sendDocument"):
            return True  # answerCallbackQuery, setMyCommands, ...
        self.next_message_id += 1
        content: dict[str, Any] = {}
        if method == "sendMessage":
            content["text"] = params["text"]
        elif method == "sendPhoto":
            content["photo"] = [
                {"file_id": "AgAD", "file_unique_id": "u1", "width": 10, "height": 10}
            ]
        else:
            content["document"] = {"file_id": "BQAD", "file_unique_id": "u2"}
        if "caption" in params:
            content["caption"] = params["caption"]
        return sent_message(params["chat_id"], self.next_message_id, **content)

    def sent(self, method: str = "sendMessage") -> list[Call]:
        return [call for call in self.calls if call.method == method]

    def replies(self) -> list[Call]:
        """Every message the bot sent, whether text, photo or document."""
        kinds = ("sendMessage", "sendPhoto", "sendDocument")
        return [call for call in self.calls if call.method in kinds]

    def last_text(self) -> str:
        """The text (or caption) of the latest reply."""
        call = self.replies()[-1]
        return str(call.params.get("text") or call.params.get("caption") or "")

    def buttons(self) -> dict[str, str]:
        """Label → callback data of the inline keyboard of the latest reply."""
        return buttons_of(self.replies()[-1])


class Updates:
    """Builds real Bot API update JSON from one user's private chat, numbering updates."""

    def __init__(self, user: dict[str, Any] = USER, *, update_id: int = 9000) -> None:
        self.user = user
        self.chat = private_chat(user)
        self.update_id = update_id
        self.message_id = 1

    def _next(self) -> tuple[int, int]:
        self.update_id += 1
        self.message_id += 1
        return self.update_id, self.message_id

    def message(self, **content: Any) -> dict[str, Any]:
        """A message update; `content` adds or replaces fields (text, photo, date, ...)."""
        update_id, message_id = self._next()
        message = {"message_id": message_id, "date": DATE, "chat": self.chat, "from": self.user}
        return {"update_id": update_id, "message": message | content}

    def text(self, text: str, **content: Any) -> dict[str, Any]:
        """A text message; a leading /command is marked as Telegram marks it."""
        if text.startswith("/"):
            length = len(text.split(" ")[0])
            content["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        return self.message(text=text, **content)

    def callback(self, data: str) -> dict[str, Any]:
        """A button press on an earlier message of the bot."""
        update_id, message_id = self._next()
        return {
            "update_id": update_id,
            "callback_query": {
                "id": CALLBACK_ID,
                "from": self.user,
                "chat_instance": "-5471923611",
                "data": data,
                "message": {
                    "message_id": message_id,
                    "date": DATE,
                    "chat": self.chat,
                    "from": BOT_USER,
                    "text": "Tin nhắn cũ có nút",
                },
            },
        }


async def feed(app: Application, data: dict[str, Any]) -> None:
    """Hand one update to the application as long polling would."""
    await app.process_update(Update.de_json(data, app.bot))


class TelegramChat:
    """One user writing to the bot: each call builds an update and feeds it to the application."""

    def __init__(self, app: Application, updates: Updates) -> None:
        self.app, self.updates = app, updates

    async def text(self, text: str) -> None:
        await feed(self.app, self.updates.text(text))

    async def message(self, **content: Any) -> None:
        await feed(self.app, self.updates.message(**content))

    async def press(self, data: str) -> None:
        await feed(self.app, self.updates.callback(data))


async def start_application(core: BotCore, handler: Handler, **options: Any) -> Application:
    """`build_application` on a MockTransport answered by `handler`, initialized (getMe done).

    `options` go to build_application (base_url, commands); the caller shuts it down.
    """
    transport = httpx.MockTransport(handler)
    application = build_application(
        core,
        TOKEN,
        request=HTTPXRequest(httpx_kwargs={"transport": transport}),
        get_updates_request=HTTPXRequest(httpx_kwargs={"transport": transport}),
        **options,
    )
    await application.initialize()
    return application


@asynccontextmanager
async def running_application(
    core: BotCore, handler: Handler, **options: Any
) -> AsyncIterator[Application]:
    """`start_application` for the length of a `with` block, shut down after it."""
    application = await start_application(core, handler, **options)
    try:
        yield application
    finally:
        await application.shutdown()
