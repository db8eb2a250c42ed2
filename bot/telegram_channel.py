"""The Telegram channel: python-telegram-bot types stay here; everything else is neutral.

Usage: set TDKT_TELEGRAM_TOKEN and run `make run`. Choices become inline buttons whose
callback data is the choice payload; documents and photos become attachments.
"""

from __future__ import annotations

import asyncio
import json
import logging
import warnings
from collections.abc import Awaitable, Callable, Sequence
from functools import partial
from typing import Any

from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    Update,
)
from telegram.constants import ChatAction
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    BaseUpdateProcessor,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)
from telegram.request import BaseRequest, HTTPXRequest

from bot.outbox import ChatBlocked, PermanentError, RetryLater, TransientError
from bot.redaction import redact
from bot.telegram_request import AiohttpRequest
from handlers.messages import Attachment, AttachmentKind, Channel, Choice, Incoming, Reply
from handlers.router import BotCore

log = logging.getLogger(__name__)

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
CALLBACK_DATA_LIMIT = 64


def retry_seconds(exc: RetryAfter) -> float:
    """Seconds to wait; PTB 22 warns when `retry_after` is read as an int, so ask quietly."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        delay = exc.retry_after
    return float(delay.total_seconds() if hasattr(delay, "total_seconds") else delay)


def split_text(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """Split on line boundaries so each part fits the channel's limit."""
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            if current:
                parts.append(current)
                current = ""
            parts.append(line[:limit])
            line = line[limit:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            parts.append(current)
            current = line
        else:
            current = candidate
    if current or not parts:
        parts.append(current)
    return parts


def to_incoming(update: Update) -> Incoming | None:
    """The neutral message of a Telegram update, or None for updates we do not handle."""
    query = update.callback_query
    if query is not None:
        chat = query.message.chat if query.message is not None else None
        return Incoming(
            channel=Channel.telegram,
            chat_id=str(chat.id if chat else query.from_user.id),
            sender_id=str(query.from_user.id),
            payload=query.data or "",
            sender_name=query.from_user.full_name,
        )
    message = update.effective_message
    if message is None or update.effective_chat is None:
        return None
    user = update.effective_user
    return Incoming(
        channel=Channel.telegram,
        chat_id=str(update.effective_chat.id),
        sender_id=str(user.id if user else update.effective_chat.id),
        text=message.text if message.text is not None else message.caption,
        attachments=_attachments(message),
        sender_name=user.full_name if user else None,
    )


def _attachments(message: Message) -> tuple[Attachment, ...]:
    if message.document is not None:
        doc = message.document
        return (
            Attachment(
                kind=AttachmentKind.document,
                file_id=doc.file_id,
                file_name=doc.file_name,
                size=doc.file_size,
                mime_type=doc.mime_type,
            ),
        )
    if message.photo:
        photo = message.photo[-1]
        return (
            Attachment(
                kind=AttachmentKind.photo,
                file_id=photo.file_id,
                file_name=f"photo_{photo.file_unique_id}.jpg",
                size=photo.file_size,
                mime_type="image/jpeg",
            ),
        )
    if message.sticker is not None:
        return (Attachment(kind=AttachmentKind.sticker, file_id=message.sticker.file_id),)
    if message.text is None and message.caption is None:
        return (Attachment(kind=AttachmentKind.other),)
    return ()


def _buttons(reply: Reply) -> list[tuple[str, str]]:
    """Label and callback data of each choice Telegram can carry, one button a row."""
    return [
        (choice.label[:64], choice.payload)
        for choice in reply.choices
        if len(choice.payload.encode()) <= CALLBACK_DATA_LIMIT
    ]


def keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    rows = [[InlineKeyboardButton(label, callback_data=data)] for label, data in _buttons(reply)]
    return InlineKeyboardMarkup(rows) if rows else None


def keyboard_json(reply: Reply) -> str | None:
    """`keyboard(reply)` as the JSON text python-telegram-bot would send for it (its keys in
    its order, so that the request is the same byte for byte).

    A text reply's buttons go out as this text: the markup objects and their serialisation
    cost as much as the rest of the reply's request.
    """
    rows = [[{"callback_data": data, "text": label}] for label, data in _buttons(reply)]
    return json.dumps({"inline_keyboard": rows}) if rows else None


async def post_text(bot: Bot, chat_id: int | str, text: str, buttons: str | None = None) -> None:
    """sendMessage without building a `Message` from Telegram's answer.

    `Bot.send_message` turns every answer into a `Message` (its chat, sender, entities and
    buttons), an object no caller reads: without it Telegram lookups ran 1.33 × as fast.
    The request goes the same way as `send_message`'s (`Bot._post`: defaults, the request
    class, and Telegram's errors raised as RetryAfter, Forbidden, BadRequest …).
    `buttons`: the reply markup as `keyboard_json` gives it.
    """
    data: dict[str, Any] = {"chat_id": chat_id, "text": text}
    if buttons is not None:
        data["reply_markup"] = buttons
    await bot._post("sendMessage", data)


async def send_replies(
    application: Application, chat_id: int | str, replies: Sequence[Reply]
) -> None:
    """Send direct replies; a flood-wait is honoured, a blocked chat is only logged."""
    bot = application.bot
    for reply in replies:
        parts = split_text(reply.text) if reply.text else []
        sends: list[Callable[[], Awaitable[object]]] = []
        for content, name, method in (
            (reply.image, reply.image_name, "photo"),
            (reply.document, reply.document_name, "document"),
        ):
            if content is None:
                continue
            caption = parts.pop(0) if parts and len(parts[0]) <= CAPTION_LIMIT else None
            sends.append(
                partial(
                    getattr(bot, f"send_{method}"),
                    chat_id,
                    content,
                    filename=name,
                    caption=caption,
                    reply_markup=None if parts else keyboard(reply),
                )
            )
        buttons = keyboard_json(reply) if parts else None
        for index, part in enumerate(parts):
            last = index == len(parts) - 1
            sends.append(partial(post_text, bot, chat_id, part, buttons if last else None))
        for send in sends:
            if not await _send_once(send):
                return


async def _send_once(send: Callable[[], Awaitable[object]], tries: int = 3) -> bool:
    for _ in range(tries):
        try:
            await send()
            return True
        except RetryAfter as exc:
            seconds = retry_seconds(exc)
            log.warning("flood wait %.0fs before replying", seconds)
            await asyncio.sleep(seconds)
        except Forbidden:
            log.info("chat blocked the bot; reply not delivered")
            return False
        except TelegramError as exc:
            log.warning("reply not delivered: %s", type(exc).__name__)
            return False
    log.warning("reply dropped after repeated flood waits")
    return False


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """Handles updates of different chats concurrently, and one chat's updates in order.

    A conversation's state lives in the database; two updates of one chat handled at once
    could both read the same step. Each chat gets a lock that is dropped when nobody waits.
    """

    def __init__(self, max_concurrent_updates: int = 256) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        self._waiting: dict[int, int] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is None:
            await coroutine
            return
        key = chat.id
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._waiting[key] = self._waiting.get(key, 0) + 1
        try:
            async with lock:
                await coroutine
        finally:
            self._waiting[key] -= 1
            if self._waiting[key] == 0:
                del self._waiting[key]
                del self._locks[key]

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""


async def download_file(bot: Bot, file_id: str) -> bytes:
    """A document a person sent (a unit's list), fetched through getFile (at most 20 MB)."""
    found = await bot.get_file(file_id)
    return bytes(await found.download_as_bytearray())


def build_application(
    core: BotCore,
    token: str,
    *,
    base_url: str = "https://api.telegram.org/bot",
    request: BaseRequest | None = None,
    get_updates_request: BaseRequest | None = None,
    commands: Sequence[tuple[str, str]] = (),
) -> Application:
    """The python-telegram-bot Application that feeds every update to `core`."""
    builder = ApplicationBuilder().token(token).base_url(base_url)
    builder = builder.concurrent_updates(PerChatUpdateProcessor())
    # aiohttp: httpx's pool bookkeeping used most of the CPU under many concurrent chats.
    builder = builder.request(request or AiohttpRequest(connection_pool_size=32))
    builder = builder.get_updates_request(
        get_updates_request or HTTPXRequest(connection_pool_size=2, read_timeout=40)
    )

    async def post_init(application: Application) -> None:
        core.services.bot_username = core.services.bot_username or application.bot.username
        core.services.file_fetchers["telegram"] = partial(download_file, application.bot)
        if commands:
            try:
                await application.bot.set_my_commands(
                    [BotCommand(name, description) for name, description in commands]
                )
            except TelegramError as exc:
                log.warning("could not set the command menu: %s", exc)
        await _staff_menus(application, core)

    builder = builder.post_init(post_init)
    application = builder.build()

    async def on_update(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        incoming = to_incoming(update)
        if incoming is None:
            return
        if update.callback_query is not None:
            try:
                await update.callback_query.answer()
            except TelegramError as exc:
                log.info("could not answer callback query: %s", exc)
        if await core.progress(incoming) is not None:
            # The chat shows "sending a file…" while the report or export is made.
            try:
                await context.bot.send_chat_action(incoming.chat_id, ChatAction.UPLOAD_DOCUMENT)
            except TelegramError as exc:
                log.info("could not show the chat action: %s", exc)
        replies = await core.handle(incoming)
        await send_replies(context.application, incoming.chat_id, replies)
        for reply in replies:
            role = reply.extra.get("menu_role")
            if role:
                await refresh_menu(
                    context.application,
                    incoming.chat_id,
                    [(c.name, c.description) for c in core.router.commands_for(role)],
                )

    async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        log.error("telegram update failed", exc_info=context.error)

    application.add_handler(CallbackQueryHandler(on_update))
    # New messages only: an edited message or a channel post must not be answered again.
    application.add_handler(MessageHandler(filters.UpdateType.MESSAGE, on_update))
    application.add_error_handler(on_error)
    return application


async def _staff_menus(application: Application, core: BotCore) -> None:
    """Officers, leaders and admins see their own commands in the menu."""
    services = core.services
    chats = [(m.chat_id, m.role) for m in await services.staff.active() if m.channel == "telegram"]
    chats += [
        (admin.partition(":")[2], "admin")
        for admin in services.settings.admins
        if admin.startswith("telegram:")
    ]
    for chat_id, role in chats:
        menu = [(c.name, c.description) for c in core.router.commands_for(role)]
        await refresh_menu(application, chat_id, menu)


class TelegramSender:
    """Delivers outbox payloads through the Bot API, translating errors for the dispatcher."""

    channel = Channel.telegram.value
    per_chat_interval = 1.0

    def __init__(self, application: Application, rate: float) -> None:
        self.application = application
        self.rate = rate

    async def send(self, chat_id: str, payload: dict[str, Any]) -> None:
        choices = tuple(Choice(label, data) for label, data in payload.get("choices", []))
        buttons = keyboard_json(Reply("", choices=choices))
        parts = split_text(str(payload.get("text", "")))
        try:
            for index, part in enumerate(parts):
                last = index == len(parts) - 1
                await post_text(self.application.bot, chat_id, part, buttons if last else None)
        except RetryAfter as exc:
            raise RetryLater(retry_seconds(exc), redact(str(exc))) from exc
        except Forbidden as exc:
            raise ChatBlocked(redact(str(exc))) from exc
        except BadRequest as exc:
            raise PermanentError(redact(str(exc))) from exc
        except TelegramError as exc:  # NetworkError, TimedOut, 5xx
            # The outbox keeps the error as last_error: never with a token from a quoted URL.
            raise TransientError(redact(f"{type(exc).__name__}: {exc}")) from exc


async def refresh_menu(
    application: Application, chat_id: str, commands: Sequence[tuple[str, str]]
) -> None:
    """Show a person the command menu of their role (set per chat after they join)."""
    try:
        await application.bot.set_my_commands(
            [BotCommand(name, description) for name, description in commands],
            scope=BotCommandScopeChat(int(chat_id)),
        )
    except (TelegramError, ValueError) as exc:
        log.warning("could not set the chat's command menu: %s", exc)


class TelegramUpdates:
    """Webhook mode: the updates Telegram posts, fed to the same Application as polling."""

    channel = Channel.telegram.value
    secret_header = "X-Telegram-Bot-Api-Secret-Token"

    def __init__(self, application: Application) -> None:
        self.application = application

    def _decode(self, update: dict[str, Any]) -> Update:
        update_id = update.get("update_id")
        if not isinstance(update_id, int) or isinstance(update_id, bool):
            raise ValueError("not a Telegram update: no update_id")
        try:
            decoded = Update.de_json(update, self.application.bot)
        except (TypeError, ValueError, KeyError, AttributeError) as exc:
            raise ValueError(f"not a Telegram update: {type(exc).__name__}") from None
        if decoded is None:
            raise ValueError("not a Telegram update")
        return decoded

    def split(self, body: dict[str, Any]) -> list[dict[str, Any]]:
        self._decode(body)
        return [body]

    def update_id(self, update: dict[str, Any]) -> str | None:
        return str(update["update_id"])

    def chat_key(self, update: dict[str, Any]) -> str | None:
        chat = self._decode(update).effective_chat
        return str(chat.id) if chat is not None else None

    async def handle(self, update: dict[str, Any]) -> None:
        await self.application.process_update(self._decode(update))


async def set_webhook(application: Application, url: str, secret: str) -> None:
    """Ask Telegram to post updates to `url` with `secret` in the secret-token header."""
    await application.bot.set_webhook(url=url, secret_token=secret)
