"""Following dossiers: a verified chat is told of every status change, at most 10 dossiers.

Usage: after a lookup press “Theo dõi hồ sơ này”, or `/theodoi CODE` (asks the phone digits
first when this chat has not proved them); `/dangtheodoi` lists; `/botheodoi CODE` stops.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from domain.codes import EXAMPLE_CODE, code_variants, normalize_code
from handlers import lookup
from handlers.follow_card import MAX_FOLLOWS, FollowButton, UnfollowButton, add_follow
from handlers.messages import Choice, Incoming, Reply
from handlers.router import CommandHandler, Router
from handlers.services import Services
from handlers.texts import common as tc
from handlers.texts import follow as t
from handlers.texts import lookup as tl


def register(router: Router) -> None:
    router.command("theodoi", _command(_follow_code, t.FOLLOW_USAGE), t.COMMANDS["theodoi"])
    router.command("dangtheodoi", list_follows, t.COMMANDS["dangtheodoi"])
    router.command("botheodoi", _command(_unfollow, t.UNFOLLOW_USAGE), t.COMMANDS["botheodoi"])
    router.button(FollowButton, _button(_follow_code))
    router.button(UnfollowButton, _button(_unfollow))


async def _follow_code(incoming: Incoming, services: Services, code: str) -> list[Reply]:
    dossier = await services.dossiers.find_first(code_variants(code, services.legacy_provinces))
    if dossier is not None and await services.follows.has_verified(
        incoming.channel, incoming.chat_id, dossier.code
    ):
        return [await add_follow(incoming, services, dossier)]
    # Whether the code exists is the lookup's to tell, within its per-chat budget.
    replies = await lookup.begin(incoming, services, code, then="follow")
    if replies and replies[0].extra.get(lookup.OUTCOME) == lookup.ASK_PHONE:
        return [Reply(t.VERIFY_FIRST), *replies]
    return replies


CodeAction = Callable[[Incoming, Services, str], Awaitable[list[Reply]]]


def _command(action: CodeAction, usage: str) -> CommandHandler:
    """`/theodoi CODE` and `/botheodoi CODE`: a usage line or a format error, else `action`."""

    async def handler(incoming: Incoming, services: Services, args: str) -> list[Reply]:
        if not args:
            return [Reply(usage)]
        code = normalize_code(args)
        if code is None:
            return [Reply(tl.BAD_FORMAT.format(text=args[:60], example=EXAMPLE_CODE))]
        return await action(incoming, services, code)

    return handler


CodeButton = FollowButton | UnfollowButton
ButtonHandler = Callable[[Incoming, Services, CodeButton], Awaitable[list[Reply]]]


def _button(action: CodeAction) -> ButtonHandler:
    """A follow / stop-following button: a forged payload is a stale button."""

    async def handler(incoming: Incoming, services: Services, button: CodeButton) -> list[Reply]:
        code = normalize_code(button.code)
        if code is None:
            return [Reply(tc.STALE_BUTTON)]
        return await action(incoming, services, code)

    return handler


async def list_follows(incoming: Incoming, services: Services, _args: str) -> list[Reply]:
    follows = await services.follows.for_chat(incoming.channel, incoming.chat_id)
    if not follows:
        return [Reply(t.LIST_EMPTY)]
    lines = [t.LIST_HEADER.format(count=len(follows), limit=MAX_FOLLOWS)]
    lines += [t.LIST_LINE.format(code=f.code, label=f.status.label) for f in follows]
    choices = tuple(
        Choice(t.UNFOLLOW_BUTTON.format(code=f.code), UnfollowButton(f.code).pack())
        for f in follows
    )
    return [Reply("\n".join(lines), choices=choices)]


async def _unfollow(incoming: Incoming, services: Services, code: str) -> list[Reply]:
    dossier = await services.dossiers.find_first(code_variants(code, services.legacy_provinces))
    removed = dossier is not None and await services.follows.unfollow(
        channel=incoming.channel, chat_id=incoming.chat_id, dossier_id=dossier.id
    )
    if not removed:
        # The code as typed: the stored spelling would tell that the dossier exists.
        return [Reply(t.NOT_FOLLOWING.format(code=code))]
    return [Reply(t.UNFOLLOWED.format(code=dossier.code))]
