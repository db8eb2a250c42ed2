"""The Zalo channel: Zalo Bot API updates in, numbered replies out; Zalo types stay here.

Usage: set TDKT_ZALO_TOKEN. Without TDKT_PUBLIC_URL the bot long-polls getUpdates; with it,
Zalo posts every message to PUBLIC_URL/zalo (bot/web.py). Zalo has no buttons: choices are
numbered lines and the person answers with the number (BotCore maps "2" to the second
choice). Zalo's sendPhoto takes a URL, so reply images are served by the web app under an
unguessable path when there is a public URL, and replaced by a short note otherwise.
"""

from __future__ import annotations

import asyncio
import logging
import mimetypes
import re
import secrets
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from bot.inbound import UpdateRunner
from bot.outbox import ChatBlocked, PermanentError, RetryLater, SendError, TransientError
from bot.zalo_client import Sleep, ZaloClient, ZaloError, ZaloNetworkError
from db.conversations import ConversationRepository
from handlers.messages import Attachment, AttachmentKind, Channel, Choice, Incoming, Reply, numbered
from handlers.router import BotCore
from handlers.texts import zalo as t

log = logging.getLogger(__name__)

TEXT = "message.text.received"
IMAGE = "message.image.received"
STICKER = "message.sticker.received"
UNSUPPORTED = "message.unsupported.received"
#: The events that are messages from a person; anything else is logged and ignored.
MESSAGE_EVENTS = frozenset({TEXT, IMAGE, STICKER, UNSUPPORTED})
#: How long a reply image or document stays downloadable from its URL.
PUBLIC_FILE_TTL = timedelta(hours=24)
FILES_PATH = "/files"
REPLY_TRIES = 3
#: Flood control without a `retry_after`: wait this long before the outbox tries again.
DEFAULT_RETRY_AFTER = 5.0
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def updates_of(body: dict[str, Any]) -> list[dict[str, Any]]:
    """The updates in a delivery: flat `{event_name, message}` or wrapped `{ok, result}`."""
    if "result" in body and "ok" in body:
        if body.get("ok") is not True:
            raise ValueError("a wrapped delivery that is not ok")
        result = body["result"]
        items = result if isinstance(result, list) else [result]
    elif "message" in body or "event_name" in body:
        items = [body]
    else:
        raise ValueError("neither {event_name, message} nor {ok, result}")
    if not all(isinstance(item, dict) for item in items):
        raise ValueError("an update that is not a JSON object")
    return [item for item in items if item]


def _id(value: object) -> str | None:
    """Zalo ids are strings; accept a number too, never a bool or an empty string."""
    if isinstance(value, str) and value.strip():
        return value.strip()
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return None


def _message(update: dict[str, Any]) -> dict[str, Any]:
    message = update.get("message")
    return message if isinstance(message, dict) else {}


def _part(message: dict[str, Any], name: str) -> dict[str, Any]:
    value = message.get(name)
    return value if isinstance(value, dict) else {}


def event_of(update: dict[str, Any]) -> str:
    """The event name; getUpdates sometimes leaves it out, so infer it from the message."""
    event = update.get("event_name")
    if isinstance(event, str) and event:
        return event
    message = _message(update)
    if isinstance(message.get("text"), str):
        return TEXT
    if message.get("photo_url") or message.get("photo"):
        return IMAGE
    if message.get("sticker"):
        return STICKER
    return UNSUPPORTED if message else ""


def message_id(update: dict[str, Any]) -> str | None:
    return _id(_message(update).get("message_id"))


def chat_id_of(update: dict[str, Any]) -> str | None:
    message = _message(update)
    return _id(_part(message, "chat").get("id")) or _id(_part(message, "from").get("id"))


def to_incoming(update: dict[str, Any]) -> Incoming | None:
    """The neutral message of a Zalo update, or None for events we do not handle."""
    event = event_of(update)
    if event not in MESSAGE_EVENTS:
        log.info("zalo event %r ignored", event[:80])
        return None
    message = _message(update)
    sender = _part(message, "from")
    chat_id = chat_id_of(update)
    if chat_id is None:
        log.info("zalo %s without a chat id ignored", event)
        return None
    if sender.get("is_bot") is True:
        return None
    name = sender.get("display_name") or sender.get("first_name")
    text = message.get("text") if isinstance(message.get("text"), str) else None
    attachments: tuple[Attachment, ...] = ()
    if event == IMAGE:
        url = message.get("photo_url") or message.get("photo")
        caption = message.get("caption")
        text = text if text is not None else (caption if isinstance(caption, str) else None)
        attachments = (
            Attachment(kind=AttachmentKind.photo, file_id=str(url or ""), mime_type="image/jpeg"),
        )
    elif event == STICKER:
        attachments = (
            Attachment(kind=AttachmentKind.sticker, file_id=str(message.get("sticker") or "")),
        )
    elif event == UNSUPPORTED:
        attachments = (Attachment(kind=AttachmentKind.other),)
    return Incoming(
        channel=Channel.zalo,
        chat_id=chat_id,
        sender_id=_id(sender.get("id")) or chat_id,
        text=text,
        attachments=attachments,
        sender_name=str(name) if name else None,
    )


def render_text(reply: Reply) -> str:
    """A reply as Zalo shows it: its text, its choices as numbered lines and how to answer."""
    text = numbered(reply)
    return f"{text}\n{t.CHOICES_HINT}" if reply.choices else text


def safe_file_name(name: str) -> str:
    cleaned = _SAFE_NAME.sub("_", name.rsplit("/", 1)[-1]).strip("._")
    return cleaned[:80] or "file"


class ZaloChannel:
    """Handles Zalo updates (from the webhook or the long poll) and answers them."""

    channel = Channel.zalo.value
    secret_header = "X-Bot-Api-Secret-Token"

    def __init__(
        self,
        core: BotCore,
        client: ZaloClient,
        *,
        public_url: str | None = None,
        sleep: Sleep = asyncio.sleep,
        backoff_sleep: Sleep | None = None,
    ) -> None:
        self.core = core
        self.client = client
        self.public_url = public_url.rstrip("/") if public_url else None
        self.sleep = sleep
        #: Waits between failed long polls; None waits until the stop event (production).
        self.backoff_sleep = backoff_sleep

    # The UpdateSource protocol (bot/inbound.py).
    def split(self, body: dict[str, Any]) -> list[dict[str, Any]]:
        return updates_of(body)

    def update_id(self, update: dict[str, Any]) -> str | None:
        return message_id(update)

    def chat_key(self, update: dict[str, Any]) -> str | None:
        return chat_id_of(update)

    async def handle(self, update: dict[str, Any]) -> None:
        incoming = to_incoming(update)
        if incoming is None:
            return
        try:
            await self.client.send_chat_action(incoming.chat_id, "typing")
        except ZaloError as exc:
            log.debug("zalo typing indicator not shown: %s", exc)
        working = await self.core.progress(incoming)
        if working is not None:
            # Zalo's typing indicator fades after a few seconds; a report takes longer.
            await self.send_replies(incoming.chat_id, [Reply(working)])
        replies = await self.core.handle(incoming)
        await self.send_replies(incoming.chat_id, replies)

    async def poll(self, runner: UpdateRunner, stop: asyncio.Event) -> None:
        """Long polling: every update goes through the runner, as from the webhook."""

        async def take(item: dict[str, Any]) -> None:
            try:
                updates = updates_of(item)
            except ValueError as exc:
                log.warning("zalo getUpdates gave an unreadable update: %s", exc)
                return
            for update in updates:
                await runner.submit(self, update)

        await self.client.long_poll(take, stop, sleep=self.backoff_sleep)

    async def send_replies(self, chat_id: str, replies: Sequence[Reply]) -> None:
        """Direct replies: photo by URL first when there is one, then the text in parts."""
        for reply in replies:
            notes: list[str] = []
            photo_url = None
            if reply.image is not None:
                photo_url = await self.publish(reply.image, reply.image_name, chat_id)
                if photo_url is None:
                    notes.append(t.IMAGE_NOT_SENT)
            if reply.document is not None:
                url = await self.publish(reply.document, reply.document_name, chat_id)
                notes.append(
                    t.FILE_LINK.format(
                        name=reply.document_name,
                        url=url,
                        hours=int(PUBLIC_FILE_TTL.total_seconds() // 3600),
                    )
                    if url is not None
                    else t.FILE_NOT_SENT.format(name=reply.document_name)
                )
            text = "\n\n".join(part for part in (render_text(reply), *notes) if part)
            if photo_url is not None and not await self._deliver(
                lambda url=photo_url: self.client.send_photo(chat_id, url)
            ):
                return
            if text.strip() and not await self._deliver(
                lambda text=text: self.client.send_text(chat_id, text)
            ):
                return

    async def publish(self, content: bytes, name: str, chat_id: str | None = None) -> str | None:
        """Serve `content` under an unguessable URL for a day; None without a public URL.

        The file is recorded as the chat's, so /xoadulieu takes its link down too.
        """
        if self.public_url is None:
            return None
        services = self.core.services
        token = secrets.token_urlsafe(24)
        file_name = safe_file_name(name)
        now = services.now()
        await services.public_files.store(
            token=token,
            name=file_name,
            mime_type=mimetypes.guess_type(file_name)[0] or "application/octet-stream",
            content=content,
            at=now,
            expires_at=now + PUBLIC_FILE_TTL,
            channel=self.channel if chat_id is not None else None,
            chat_id=chat_id,
        )
        return f"{self.public_url}{FILES_PATH}/{token}/{file_name}"

    async def _deliver(self, send: Callable[[], Awaitable[object]]) -> bool:
        """Send one direct reply; wait out flood control and network errors a little."""
        for attempt in range(1, REPLY_TRIES + 1):
            try:
                await send()
                return True
            except ZaloError as exc:
                error = sender_error(exc)
                if isinstance(error, ChatBlocked):
                    log.info("zalo chat blocked the bot; reply not delivered")
                    return False
                if isinstance(error, PermanentError) or attempt == REPLY_TRIES:
                    log.warning("zalo reply not delivered: %s", exc)
                    return False
                delay = error.retry_after if isinstance(error, RetryLater) else float(attempt)
                log.warning("zalo reply failed (%s), trying again in %.0fs", exc, delay)
                await self.sleep(delay)
        return False


def sender_error(exc: ZaloError) -> SendError:
    """What the outbox should do about a Zalo error."""
    if isinstance(exc, ZaloNetworkError):
        return TransientError(str(exc))
    if exc.code == 429:
        return RetryLater(exc.retry_after or DEFAULT_RETRY_AFTER, str(exc))
    if exc.code == 403:
        return ChatBlocked(str(exc))
    if exc.code in (400, 404):
        return PermanentError(str(exc))
    # 401 (a wrong token is the operator's to fix, not the message's fault), 408, 5xx and
    # codes we do not know: try again later, up to the dispatcher's limit.
    return TransientError(str(exc))


class ZaloSender:
    """Delivers outbox payloads through the Zalo Bot API, translating errors for the dispatcher.

    Choices become numbered lines; they are remembered as the chat's offered choices, so
    that answering "1" to a notice works as it does after a direct reply.
    """

    channel = Channel.zalo.value
    per_chat_interval = 1.0

    def __init__(
        self,
        client: ZaloClient,
        rate: float,
        *,
        conversations: ConversationRepository | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.client = client
        self.rate = rate
        self.conversations = conversations
        self.clock = clock

    async def send(self, chat_id: str, payload: dict[str, Any]) -> None:
        choices = tuple(Choice(label, data) for label, data in payload.get("choices", []))
        text = render_text(Reply(str(payload.get("text", "")), choices=choices))
        if not text.strip():
            raise PermanentError("empty message")
        try:
            await self.client.send_text(chat_id, text)
        except ZaloError as exc:
            raise sender_error(exc) from None
        if choices and self.conversations is not None and self.clock is not None:
            if await self.conversations.get(self.channel, chat_id) is not None:
                # The person is in the middle of a step (the 4 digits, a nomination): their
                # next numbers answer that step, not the notice's buttons.
                return
            await self.conversations.offer_choices(
                self.channel, chat_id, [choice.payload for choice in choices], self.clock()
            )
