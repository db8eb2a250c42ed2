"""Channel-neutral messages: what a handler receives and the replies it returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Channel(StrEnum):
    telegram = "telegram"
    zalo = "zalo"
    console = "console"
    #: The public lookup page (bot/web_lookup.py); its chat id is the client's address.
    web = "web"
    #: Zalo Notification Service: status notices to the phone on the dossier (bot/zns_client.py).
    zns = "zns"


class AttachmentKind(StrEnum):
    document = "document"
    photo = "photo"
    sticker = "sticker"
    other = "other"


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file the user sent; the bytes stay on the channel, we keep its id and metadata."""

    kind: AttachmentKind
    file_id: str = ""
    file_name: str | None = None
    size: int | None = None
    mime_type: str | None = None


@dataclass(frozen=True, slots=True)
class Incoming:
    """One message or button press from a chat, whatever the channel."""

    channel: str
    chat_id: str
    sender_id: str
    text: str | None = None
    payload: str | None = None
    attachments: tuple[Attachment, ...] = ()
    sender_name: str | None = None

    @property
    def actor(self) -> str:
        """Who did something, as written in the history: `telegram:12345`."""
        return f"{self.channel}:{self.sender_id}"


@dataclass(frozen=True, slots=True)
class Choice:
    """A button on Telegram, a numbered line on the console and Zalo."""

    label: str
    payload: str


@dataclass(frozen=True, slots=True)
class Reply:
    text: str
    choices: tuple[Choice, ...] = ()
    image: bytes | None = None
    image_name: str = "image.png"
    document: bytes | None = None
    document_name: str = "file"
    extra: dict[str, str] = field(default_factory=dict)


def numbered(reply: Reply) -> str:
    """The reply's text with its choices as numbered lines, for channels without buttons."""
    if not reply.choices:
        return reply.text
    lines = [reply.text, ""]
    lines += [f"{index}. {choice.label}" for index, choice in enumerate(reply.choices, start=1)]
    return "\n".join(lines)
