"""Helpers for multi-step flows whose state lives in the database (one per chat)."""

from __future__ import annotations

import secrets
from typing import Any

from db.models import Conversation
from handlers.messages import Incoming
from handlers.services import Services


def new_conversation(
    services: Services, incoming: Incoming, flow: str, step: str, data: dict[str, Any]
) -> Conversation:
    """A conversation for the chat with a fresh nonce, not saved yet."""
    return Conversation(
        channel=incoming.channel,
        chat_id=incoming.chat_id,
        flow=flow,
        step=step,
        nonce=secrets.token_hex(4),
        updated_at=services.now(),
        data=data,
    )


async def start_flow(
    services: Services, incoming: Incoming, flow: str, step: str, data: dict[str, Any]
) -> Conversation:
    """Open (or replace) the chat's conversation; buttons of any earlier one become stale."""
    conversation = new_conversation(services, incoming, flow, step, data)
    await services.conversations.save(conversation)
    return conversation


async def advance(services: Services, conversation: Conversation, step: str) -> Conversation:
    """Move to `step` with a new nonce, so buttons of earlier steps become stale."""
    conversation.step = step
    conversation.nonce = secrets.token_hex(4)
    conversation.updated_at = services.now()
    await services.conversations.save(conversation)
    return conversation


async def current_flow(
    services: Services, incoming: Incoming, flow: str, nonce: str
) -> Conversation | None:
    """The chat's open conversation when a button of `flow` with `nonce` is still valid."""
    conversation = await services.conversations.get(incoming.channel, incoming.chat_id)
    if conversation is None or conversation.flow != flow or conversation.nonce != nonce:
        return None
    return conversation
