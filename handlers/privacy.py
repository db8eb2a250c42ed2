"""Personal data (dữ liệu cá nhân): what the bot keeps about a chat, and erasing it.

Usage: `/dulieucuatoi` shows it; `/xoadulieu` asks for confirmation, then deletes follows,
lookup attempts, notices waiting for this chat and any open step.
"""

from __future__ import annotations

from handlers.conversation import current_flow, start_flow
from handlers.lookup import FAILURE_WINDOW
from handlers.messages import Choice, Incoming, Reply
from handlers.router import Router
from handlers.services import Services
from handlers.texts import common as tc
from handlers.texts import follow as t
from handlers.texts import staff as ts

FLOW = "erase"


def register(router: Router) -> None:
    router.command("dulieucuatoi", my_data, t.COMMANDS["dulieucuatoi"])
    router.command("xoadulieu", erase, t.COMMANDS["xoadulieu"])
    router.payload("pd", on_button)


async def my_data(incoming: Incoming, services: Services, _args: str) -> list[Reply]:
    counts = await services.follows.chat_summary(incoming.channel, incoming.chat_id)
    member = await services.staff.by_user(incoming.channel, incoming.sender_id)
    staff_line = (
        t.MY_DATA_STAFF.format(role=ts.ROLE_NAMES[member.role], name=member.name) if member else ""
    )
    return [Reply(t.MY_DATA.format(staff_line=staff_line, **counts))]


async def erase(incoming: Incoming, services: Services, _args: str) -> list[Reply]:
    conversation = await start_flow(services, incoming, FLOW, "confirm", {})
    nonce = conversation.nonce
    return [
        Reply(
            t.ERASE_CONFIRM,
            choices=(Choice(t.ERASE_YES, f"pd:{nonce}:yes"), Choice(t.ERASE_NO, f"pd:{nonce}:no")),
        )
    ]


async def on_button(incoming: Incoming, services: Services, rest: str) -> list[Reply]:
    nonce, _, answer = rest.partition(":")
    if await current_flow(services, incoming, FLOW, nonce) is None:
        return [Reply(tc.STALE_BUTTON)]
    if answer == "yes":
        await services.follows.erase_chat(
            incoming.channel,
            incoming.chat_id,
            keep_failures_since=services.now() - FAILURE_WINDOW,
        )
        return [Reply(t.ERASED)]
    await services.conversations.clear(incoming.channel, incoming.chat_id)
    return [Reply(t.ERASE_KEPT)]
