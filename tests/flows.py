"""Walks the bot's multi-step flows the way a person does, for the privacy and fuzz tests.

A walk starts with a command and then, at every step, either types the answer given for that
(flow, step) or presses one of the buttons the bot offered: the first that moves forward
(confirm, a target status, a pick, done, skip), never one that cancels, goes back, revokes or
erases. The current (flow, step) is read from the conversation row in the database, so the
walk follows whatever steps a flow has, and records each state it passed through together
with the moves that reached it, so a test can bring a fresh chat back to any of them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field

from handlers.messages import Incoming, Reply
from handlers.router import BotCore

#: Buttons a walk never presses: they cancel, go back, restart, revoke, erase or unfollow.
AVOID = (":no", ":cancel", ":restart", ":edit", ":clear", ":back", "rv:", "pd:", "uf:")
#: Buttons a walk prefers, in this order.
PREFER = (":ok", ":to:", ":pick:", ":done", ":resume", ":skip")


@dataclass(frozen=True)
class Move:
    """Typed text, or a pressed button (its payload)."""

    text: str | None = None
    payload: str | None = None


@dataclass
class Walk:
    """The states a walk passed through, each with the moves that led to it from the start."""

    states: list[tuple[str, str]] = field(default_factory=list)
    paths: dict[tuple[str, str], list[Move]] = field(default_factory=dict)
    replies: list[Reply] = field(default_factory=list)


class CoreChat:
    """One chat talking to BotCore.handle directly, as every channel adapter does."""

    def __init__(
        self, core: BotCore, channel: str, chat_id: str, sender_id: str, name: str = "Người dùng"
    ) -> None:
        self.core, self.channel, self.chat_id = core, channel, chat_id
        self.sender_id, self.name = sender_id, name

    async def send(self, move: Move, **extra: object) -> list[Reply]:
        incoming = Incoming(
            channel=self.channel,
            chat_id=self.chat_id,
            sender_id=self.sender_id,
            text=move.text,
            payload=move.payload,
            sender_name=self.name,
            **extra,  # type: ignore[arg-type]
        )
        return await self.core.handle(incoming)

    async def state(self) -> tuple[str, str] | None:
        conversation = await self.core.services.conversations.get(self.channel, self.chat_id)
        return (conversation.flow, conversation.step) if conversation else None


def choose(replies: list[Reply], prefer: tuple[str, ...] = ()) -> str | None:
    """The payload of the button a person moving forward would press, or None."""
    payloads = [c.payload for reply in replies for c in reply.choices]
    allowed = [p for p in payloads if not any(word in p for word in AVOID)]
    for wanted in (*prefer, *PREFER):
        for payload in allowed:
            if wanted in payload:
                return payload
    return allowed[0] if allowed else None


async def walk(
    chat: CoreChat,
    start: str,
    answers: Mapping[tuple[str, str], str],
    *,
    prefer: tuple[str, ...] = (),
    max_moves: int = 40,
    send: Callable[[Move], Awaitable[list[Reply]]] | None = None,
    finish: bool = True,
) -> Walk:
    """Start with `start`, then answer or press until the flow ends; return what it saw.

    `finish=False` stops before the final confirmation (a button ending in `:ok`), so the
    walk changes no dossier and can be replayed from any of its states.
    """
    send = send or chat.send
    result = Walk()
    moves = [Move(text=start)]
    replies = await send(moves[0])
    result.replies += replies
    previous: tuple[str, str] | None = None
    for _ in range(max_moves):
        state = await chat.state()
        if state is None:
            return result
        if state == previous and state in answers:
            raise AssertionError(f"the answer to {state} was refused: {replies[-1].text!r}")
        previous = state
        if state not in result.paths:
            result.states.append(state)
            result.paths[state] = list(moves)
        if state in answers:
            move = Move(text=answers[state])
        else:
            payload = choose(replies, prefer)
            if payload is None:
                raise AssertionError(f"no answer for step {state}: {[r.text for r in replies]}")
            if not finish and payload.endswith(":ok"):
                return result
            move = Move(payload=payload)
        moves.append(move)
        replies = await send(move)
        result.replies += replies
    raise AssertionError(f"the walk from {start!r} did not end in {max_moves} moves")


async def replay(chat: CoreChat, moves: list[Move]) -> list[Reply]:
    """Bring `chat` to a state by repeating the moves that reached it in a walk.

    Button payloads carry a nonce that changes with every step, so a recorded payload is
    stale in a new chat: each press is mapped onto the button now offered at the same place.
    """
    replies: list[Reply] = []
    for move in moves:
        if move.payload is not None:
            shape = _shape(move.payload)
            offered = [c.payload for reply in replies for c in reply.choices]
            matching = [p for p in offered if _shape(p) == shape]
            move = Move(payload=matching[0] if matching else move.payload)
        replies = await chat.send(move)
    return replies


def _shape(payload: str) -> tuple[str, ...]:
    """A payload without its nonce: `st:1a2b:to:passed` → (`st`, `to`, `passed`)."""
    parts = payload.split(":")
    if len(parts) >= 3 and all(ch in "0123456789abcdef" for ch in parts[1]):
        return (parts[0], *parts[2:])
    return tuple(parts)
