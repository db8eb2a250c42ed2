"""Roles (vai trò): admin, leader (lãnh đạo), officer (chuyên viên); everyone else is a citizen."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from handlers.messages import Incoming
    from handlers.services import Services


class Role(StrEnum):
    admin = "admin"
    leader = "leader"
    officer = "officer"
    citizen = "citizen"


#: Commands for board staff: officers, leaders and admins.
STAFF = frozenset({Role.officer.value, Role.leader.value, Role.admin.value})
#: Commands for leaders (and admins).
LEADERS = frozenset({Role.leader.value, Role.admin.value})
ADMINS = frozenset({Role.admin.value})


async def role_of(incoming: Incoming, services: Services) -> str:
    """Admins come from TDKT_ADMINS; officers and leaders from the staff table."""
    if f"{incoming.channel}:{incoming.sender_id}" in services.settings.admins:
        return Role.admin.value
    member = await services.staff.by_user(incoming.channel, incoming.sender_id)
    return member.role if member is not None else Role.citizen.value


def refusal(role: str, allowed: frozenset[str] | None = None) -> str:
    """Citizens hear the command is for the board's staff; staff hear whose it is."""
    from handlers.texts import staff as t

    if role in STAFF and allowed:
        return t.REFUSED_ADMINS if allowed <= ADMINS else t.REFUSED_LEADERS
    return t.REFUSED
