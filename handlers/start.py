"""/start, /help and /huy: what the bot does, the commands of the caller's role, cancel.

Usage: `/start` greets; `/start <deep-link payload>` opens the lookup of that dossier
(the QR code on the receipt); `/help` lists commands; `/huy` cancels any open step.
"""

from __future__ import annotations

from domain.codes import EXAMPLE_CODE, from_deep_link_payload
from handlers import lookup, privacy
from handlers.messages import Incoming, Reply
from handlers.router import Router
from handlers.services import Services
from handlers.texts import common as t


def register(router: Router) -> None:
    async def start(incoming: Incoming, services: Services, args: str) -> list[Reply]:
        # A person who blocked the bot and comes back presses /start: notices resume.
        await services.outbox.chat_unblocked(incoming.channel, incoming.chat_id)
        if args:
            code = from_deep_link_payload(args.split()[0])
            if code is not None:
                return await lookup.begin(incoming, services, code)
        welcome = t.WELCOME.format(bot_name=t.BOT_NAME, example=EXAMPLE_CODE)
        # First contact: who holds the data, what is kept, where the rights are (Law 91/2025).
        return [Reply(f"{welcome}\n\n{privacy.short_notice(services)}")]

    async def help_(incoming: Incoming, services: Services, _args: str) -> list[Reply]:
        role = await router.role_of(incoming, services)
        lines = [t.HELP_HEADER]
        lines += [f"/{c.name} — {c.description}" for c in router.commands_for(role)]
        lines += ["", t.HELP_FOOTER]
        return [Reply("\n".join(lines))]

    async def cancel(incoming: Incoming, services: Services, _args: str) -> list[Reply]:
        conversation = await services.conversations.get(incoming.channel, incoming.chat_id)
        if conversation is None:
            return [Reply(t.NOTHING_TO_CANCEL)]
        await services.conversations.clear(incoming.channel, incoming.chat_id)
        return [Reply(t.CANCELLED)]

    router.command("start", start, t.COMMAND_DESCRIPTIONS["start"])
    router.command("help", help_, t.COMMAND_DESCRIPTIONS["help"])
    # Open to wrapping: a flow's own /huy (the nomination's) cancels its step, then this one.
    router.command("huy", cancel, t.COMMAND_DESCRIPTIONS["huy"], wrappable=True)
