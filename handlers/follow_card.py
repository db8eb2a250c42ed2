"""What a verified lookup and the follow commands share: the follow button and following itself.

Lookup ends in the card with this button and follow starts lookups, so the shared part lives
here, below both (issue 21: no import circle between lookup and follow).
"""

from __future__ import annotations

from db.models import Dossier
from handlers.buttons import ButtonData
from handlers.messages import Choice, Incoming, Reply
from handlers.services import Services
from handlers.texts import follow as t

MAX_FOLLOWS = 10


class FollowButton(ButtonData, prefix="fl"):
    """Theo dõi hồ sơ này (handlers/follow.py)."""

    code: str


class UnfollowButton(ButtonData, prefix="uf"):
    """Bỏ theo dõi hồ sơ (handlers/follow.py)."""

    code: str


async def with_follow_button(
    incoming: Incoming, services: Services, dossier: Dossier, card: Reply
) -> Reply:
    """The status card with a follow (or stop following) button."""
    follows = await services.follows.for_chat(incoming.channel, incoming.chat_id)
    if any(f.dossier_id == dossier.id for f in follows):
        choice = Choice(
            t.UNFOLLOW_BUTTON.format(code=dossier.code), UnfollowButton(dossier.code).pack()
        )
    else:
        choice = Choice(t.FOLLOW_BUTTON, FollowButton(dossier.code).pack())
    return Reply(card.text, choices=(choice,), extra=card.extra)


async def add_follow(incoming: Incoming, services: Services, dossier: Dossier) -> Reply:
    """Follow `dossier` from this chat (theo dõi), at most MAX_FOLLOWS dossiers."""
    outcome = await services.follows.follow(
        channel=incoming.channel,
        chat_id=incoming.chat_id,
        dossier_id=dossier.id,
        now=services.now(),
        limit=MAX_FOLLOWS,
    )
    template = {"added": t.FOLLOWED, "already": t.ALREADY, "full": t.FULL}[outcome]
    return Reply(template.format(code=dossier.code, limit=MAX_FOLLOWS))
