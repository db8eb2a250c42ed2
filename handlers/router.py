"""Routes a channel-neutral message to the feature that owns it: command, button, flow, text."""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

from db.connection import NeedsEventLoop
from db.models import Conversation
from domain.safe_text import strip_escape_sequences
from domain.text import MAX_INPUT_CHARS, fold, normalize_input
from handlers.buttons import ButtonData, StaleButton
from handlers.messages import Attachment, Channel, Choice, Incoming, Reply
from handlers.services import Services
from handlers.texts import common as t

log = logging.getLogger(__name__)

CommandHandler = Callable[[Incoming, Services, str], Awaitable[list[Reply]]]
PayloadHandler = Callable[[Incoming, Services, str], Awaitable[list[Reply]]]
FlowHandler = Callable[[Incoming, Services, Conversation], Awaitable[list[Reply]]]
TextHandler = Callable[[Incoming, Services], Awaitable[list[Reply] | None]]
RoleResolver = Callable[[Incoming, Services], Awaitable[str]]
ButtonT = TypeVar("ButtonT", bound=ButtonData)

#: Channels that show buttons when no runtime said otherwise (tests, the command line); the
#: runtime sets `BotCore.button_channels` from its channel classes' `has_buttons`.
BUTTON_CHANNELS = frozenset({Channel.telegram.value})
#: A reply's `extra` saying "that was no answer to the numbered choices": they stay offered
#: and, where there are no buttons, are shown again under the reply.
REPEAT_CHOICES = {"keep_choices": "repeat"}


class DuplicateOwner(ValueError):
    """A command, button prefix or flow registered twice: the later one would win silently."""


class RouterAttached(RuntimeError):
    """A router attached a second time (aiogram 3's rule: one parent per router)."""


@dataclass
class Command:
    name: str
    handler: CommandHandler
    description: str
    #: Roles allowed to run it; None means everyone.
    roles: frozenset[str] | None = None
    #: Shown in the command menu and /help.
    listed: bool = True
    #: Takes more than a moment (a report, a chart, an export): the channels show that the
    #: bot is working before the reply ("Đang lập báo cáo…", Telegram's chat action).
    #: A function of the arguments says so only for those that start the work (not for
    #: `/thongke abc`, which is answered at once with the usage).
    slow: bool | Callable[[str, Services], bool] = False
    #: Its owner lets a later feature take it over by wrapping it (/huy: each flow cancels
    #: its own step, then hands over to the earlier handler); any other command has one owner.
    wrappable: bool = False


async def citizen_role(_incoming: Incoming, _services: Services) -> str:
    return "citizen"


@dataclass
class Router:
    commands: dict[str, Command] = field(default_factory=dict)
    payloads: dict[str, PayloadHandler] = field(default_factory=dict)
    flows: dict[str, FlowHandler] = field(default_factory=dict)
    text_handlers: list[TextHandler] = field(default_factory=list)
    #: Roles allowed to reach a flow or a button prefix (`flow:NAME`, `payload:PREFIX`).
    guarded: dict[str, frozenset[str]] = field(default_factory=dict)
    role_of: RoleResolver = citizen_role
    #: What a role that may not use a command or button hears: (role, the roles allowed).
    refusal: Callable[[str, frozenset[str]], str] = lambda _role, _allowed: t.UNKNOWN_COMMAND
    #: Who registered each `command:NAME`, `payload:PREFIX` and `flow:NAME` (module.function).
    owners: dict[str, str] = field(default_factory=dict)
    #: What this router was attached to (a parent router or a BotCore); once only.
    attached_to: str | None = None

    def _claim(self, key: str, handler: Callable[..., Any]) -> None:
        owner = f"{getattr(handler, '__module__', '?')}.{getattr(handler, '__qualname__', '?')}"
        if key in self.owners:
            raise DuplicateOwner(f"{key} is owned by {self.owners[key]}, not also by {owner}")
        self.owners[key] = owner

    def attach(self, parent: str) -> None:
        """Mark this router as in use by `parent`; a second attach raises RouterAttached."""
        if self.attached_to is not None:
            raise RouterAttached(f"router already attached to {self.attached_to}")
        self.attached_to = parent

    def include(self, child: Router) -> None:
        """Take over a feature's router: its commands, buttons, flows and text handlers."""
        if child is self:
            raise RouterAttached("a router cannot include itself")
        child.attach("a parent router")
        for key, owner in child.owners.items():
            if key in self.owners:
                raise DuplicateOwner(f"{key} is owned by {self.owners[key]}, not also by {owner}")
        self.owners.update(child.owners)
        self.commands.update(child.commands)
        self.payloads.update(child.payloads)
        self.flows.update(child.flows)
        self.guarded.update(child.guarded)
        self.text_handlers += child.text_handlers

    def command(
        self,
        name: str,
        handler: CommandHandler,
        description: str,
        *,
        roles: frozenset[str] | None = None,
        listed: bool = True,
        slow: bool | Callable[[str, Services], bool] = False,
        wrappable: bool = False,
    ) -> None:
        """`wrappable`: see Command.wrappable; a later registration must wrap this one."""
        earlier = self.commands.get(name)
        if earlier is not None and earlier.wrappable:
            log.debug("/%s wrapped by %s", name, getattr(handler, "__module__", "?"))
            self.owners.pop(f"command:{name}", None)
            wrappable = True
        self._claim(f"command:{name}", handler)
        self.commands[name] = Command(name, handler, description, roles, listed, slow, wrappable)

    def payload(
        self, prefix: str, handler: PayloadHandler, *, roles: frozenset[str] | None = None
    ) -> None:
        """A button prefix whose handler parses the plain text after `PREFIX:` itself."""
        self._claim(f"payload:{prefix}", handler)
        self.payloads[prefix] = handler
        if roles is not None:
            self.guarded[f"payload:{prefix}"] = roles

    def button(
        self,
        kind: type[ButtonT],
        handler: Callable[[Incoming, Services, ButtonT], Awaitable[list[Reply]]],
        *,
        roles: frozenset[str] | None = None,
        stale: str = t.STALE_BUTTON,
    ) -> None:
        """A typed button: the handler gets `kind.parse(...)`; one that does not parse is
        answered with `stale` (the stale-button message unless the feature has its own word
        for a forged button) and never reaches the handler."""

        async def typed(incoming: Incoming, services: Services, rest: str) -> list[Reply]:
            try:
                data = kind.parse(rest)
            except StaleButton as exc:
                log.info("stale %s button: %s", kind.prefix, exc)
                return [Reply(stale)]
            return await handler(incoming, services, data)

        typed.__module__ = handler.__module__
        typed.__qualname__ = handler.__qualname__
        self.payload(kind.prefix, typed, roles=roles)

    def flow(self, name: str, handler: FlowHandler, *, roles: frozenset[str] | None = None) -> None:
        """`roles`: every message of the flow is checked, so a revoked officer, or a citizen
        typing in a group where an officer opened the flow, is refused at each step."""
        self._claim(f"flow:{name}", handler)
        self.flows[name] = handler
        if roles is not None:
            self.guarded[f"flow:{name}"] = roles

    def text(self, handler: TextHandler) -> None:
        self.text_handlers.append(handler)

    def commands_for(self, role: str) -> list[Command]:
        return [
            command
            for command in self.commands.values()
            if command.listed and (command.roles is None or role in command.roles)
        ]


def clean_text(text: str) -> str:
    """Drop control characters (but keep line breaks); NFKC and ASCII digits (the door for
    every channel: `domain.text.normalize_input`).

    Category C covers NUL, ESC, the bidi overrides and isolates (U+202A–202E, U+2066–2069)
    and lone surrogates; a terminal escape sequence goes as a whole, not only its ESC.
    """
    if text.isprintable():
        # Nothing of category C (nor ESC) to drop: the usual message skips the scan.
        return normalize_input(text).strip()
    text = normalize_input(strip_escape_sequences(text))
    return "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C").strip()


def valid_unicode(text: str) -> str:
    """Lone surrogates (JSON may carry them, UTF-8 and SQLite cannot) become U+FFFD."""
    return text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")


def _clean_attachment(item: Attachment) -> Attachment:
    """A file's name as text like any other; its ids without what SQLite cannot store."""
    return replace(
        item,
        file_id=valid_unicode(item.file_id),
        file_name=clean_text(item.file_name) if item.file_name is not None else None,
        mime_type=valid_unicode(item.mime_type) if item.mime_type is not None else None,
    )


def split_command(text: str) -> tuple[str, str] | None:
    """`/TraCuu@bot  ABC` → (`tracuu`, `ABC`); None when the text is not a command."""
    if not text.startswith("/"):
        return None
    # Any white space ends the name: `/capnhat` and a pasted column of codes on the next lines.
    parts = text[1:].split(maxsplit=1)
    if not parts:
        return None
    head, rest = parts[0], parts[1] if len(parts) > 1 else ""
    name = fold(head.split("@", 1)[0])
    if not name:
        return None
    return name, rest.strip()


class BotCore:
    """The whole bot behind every channel: one `handle` call per incoming message."""

    def __init__(
        self,
        router: Router,
        services: Services,
        *,
        button_channels: frozenset[str] = BUTTON_CHANNELS,
    ) -> None:
        router.attach("a BotCore")
        self.router = router
        self.services = services
        #: Channels that show choices as buttons; elsewhere they are numbered and remembered.
        self.button_channels = button_channels
        #: Commands and button prefixes seen to need the event loop (a file built in a thread):
        #: their messages skip batching rather than run twice.
        self._on_loop: set[str] = set()

    async def handle(self, incoming: Incoming) -> list[Reply]:
        """Never raises: a failure is logged and answered with a polite Vietnamese message.

        The database work of messages from many chats arriving at once runs in one hand-off
        to SQLite's thread (`Database.batched`); each chat's messages still come one by one.
        """
        key = _route_key(incoming)
        if key is not None and key in self._on_loop:
            return await self._handle(incoming)

        async def work() -> list[Reply]:
            try:
                return await self._handle(incoming)
            except NeedsEventLoop:
                if key is not None:
                    self._on_loop.add(key)
                raise

        return await self.services.db.batched(work)

    async def _handle(self, incoming: Incoming) -> list[Reply]:
        try:
            replies = await self._route(incoming)
        except Exception:
            log.exception("handler failed for %s chat", incoming.channel)
            return [Reply(t.INTERNAL_ERROR)]
        if incoming.channel not in self.button_channels:
            replies = await self._repeat_choices(incoming, replies)
            await self._remember_choices(incoming, replies)
        return replies or [Reply(t.NOT_UNDERSTOOD.format(example=_example()))]

    async def progress(self, incoming: Incoming) -> str | None:
        """The "working on it" line to show before handling `incoming`, when it starts a slow
        command the sender may run; None otherwise. Channels show it their way (a chat action
        on Telegram, this line on Zalo and the console). Never raises."""
        try:
            parsed = split_command(clean_text(incoming.text)) if incoming.text else None
            if incoming.payload is not None or parsed is None:
                return None
            command = self.router.commands.get(parsed[0])
            if command is None or not command.slow:
                return None
            if callable(command.slow) and not command.slow(parsed[1], self.services):
                return None
            if command.roles is not None:
                if await self.router.role_of(incoming, self.services) not in command.roles:
                    return None
        except Exception:
            log.exception("progress check failed")
            return None
        from handlers.texts import casework

        return casework.WORKING

    async def _repeat_choices(self, incoming: Incoming, replies: list[Reply]) -> list[Reply]:
        if not any(r.extra.get("keep_choices") == "repeat" and not r.choices for r in replies):
            return replies
        offered = await self.services.conversations.offered_with_labels(
            incoming.channel, incoming.chat_id
        )
        if not offered or any(not label for _payload, label in offered):
            return replies
        choices = tuple(Choice(label, payload) for payload, label in offered)
        return [
            replace(reply, choices=choices)
            if reply.extra.get("keep_choices") == "repeat" and not reply.choices
            else reply
            for reply in replies
        ]

    async def _remember_choices(self, incoming: Incoming, replies: list[Reply]) -> None:
        if any(reply.extra.get("keep_choices") for reply in replies):
            return  # "answer with 1 to N": the numbers offered before still apply
        payloads: list[str] = []
        labels: list[str] = []
        for reply in replies:
            if reply.choices:
                payloads = [choice.payload for choice in reply.choices]
                labels = [choice.label for choice in reply.choices]
        await self.services.conversations.offer_choices(
            incoming.channel, incoming.chat_id, payloads, self.services.now(), labels=labels
        )

    async def _route(self, incoming: Incoming) -> list[Reply]:
        services = self.services
        text = clean_text(incoming.text) if incoming.text is not None else None
        if text is not None and len(text) > MAX_INPUT_CHARS:
            return [Reply(t.TOO_LONG.format(length=len(text), limit=MAX_INPUT_CHARS))]
        payload = valid_unicode(incoming.payload) if incoming.payload is not None else None
        if payload is None and text and incoming.channel not in self.button_channels:
            offered = await services.conversations.offered_choices(
                incoming.channel, incoming.chat_id
            )
            if offered and text.isdecimal():
                # `0001` (the phone's digits typed again) is no choice number, not choice 1.
                index = int(text) if text.isascii() and not text.startswith("0") else 0
                if not 1 <= index <= len(offered):
                    out_of_range = t.CHOICE_OUT_OF_RANGE.format(count=len(offered))
                    # The numbers offered before still apply; the reply names their range.
                    return [Reply(out_of_range, extra={"keep_choices": "1"})]
                payload = offered[index - 1]
        incoming = Incoming(
            channel=incoming.channel,
            chat_id=incoming.chat_id,
            sender_id=incoming.sender_id,
            text=text,
            payload=payload,
            attachments=tuple(_clean_attachment(item) for item in incoming.attachments),
            sender_name=clean_text(incoming.sender_name) if incoming.sender_name else None,
        )
        if payload is not None:
            return await self._route_payload(incoming, payload)
        if text:
            parsed = split_command(text)
            if parsed is not None:
                return await self._route_command(incoming, *parsed)
        conversation = await services.conversations.get(incoming.channel, incoming.chat_id)
        if conversation is not None and conversation.flow in self.router.flows:
            refused = await self._refusal(incoming, f"flow:{conversation.flow}")
            if refused is not None:
                return refused
            return await self.router.flows[conversation.flow](incoming, services, conversation)
        if not text:
            return [Reply(t.TEXT_EXPECTED if incoming.attachments else t.EMPTY)]
        for handler in self.router.text_handlers:
            replies = await handler(incoming, services)
            if replies is not None:
                return replies
        return [Reply(t.NOT_UNDERSTOOD.format(example=_example()))]

    async def _route_command(self, incoming: Incoming, name: str, args: str) -> list[Reply]:
        command = self.router.commands.get(name)
        if command is None:
            return [Reply(t.UNKNOWN_COMMAND.format(command=name[:40]))]
        if command.roles is not None:
            role = await self.router.role_of(incoming, self.services)
            if role not in command.roles:
                return [Reply(self.router.refusal(role, command.roles))]
        return await command.handler(incoming, self.services, args)

    async def _refusal(self, incoming: Incoming, key: str) -> list[Reply] | None:
        roles = self.router.guarded.get(key)
        if roles is None:
            return None
        role = await self.router.role_of(incoming, self.services)
        return None if role in roles else [Reply(self.router.refusal(role, roles))]

    async def _route_payload(self, incoming: Incoming, payload: str) -> list[Reply]:
        prefix, _, rest = payload.partition(":")
        handler = self.router.payloads.get(prefix)
        if handler is None:
            return [Reply(t.STALE_BUTTON)]
        refused = await self._refusal(incoming, f"payload:{prefix}")
        if refused is not None:
            return refused
        return await handler(incoming, self.services, rest)


def _route_key(incoming: Incoming) -> str | None:
    """`/xuat` → `cmd:xuat`, a button `wl:v:1` → `payload:wl`; None for other messages."""
    if incoming.payload is not None:
        return f"payload:{incoming.payload.partition(':')[0]}"
    parsed = split_command(incoming.text.strip()) if incoming.text else None
    return f"cmd:{parsed[0]}" if parsed is not None else None


def _example() -> str:
    from domain.codes import EXAMPLE_CODE

    return EXAMPLE_CODE
