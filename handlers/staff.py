"""Roles in chat: admins invite officers and leaders, people join with the invite, the list.

Usage: an admin sends `/moi canbo` or `/moi lanhdao` and passes the code on; the new officer
sends `/dangky CODE`; `/canbo` lists staff, and an admin can revoke one from that list.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from domain.text import fold
from handlers.formatting import vn_datetime
from handlers.messages import Choice, Incoming, Reply
from handlers.nomination.units import invite_unit, join_unit
from handlers.roles import ADMINS, LEADERS, STAFF, Role, refusal, role_of
from handlers.router import Router
from handlers.services import Services
from handlers.texts import staff as t

INVITE_TTL = timedelta(hours=72)
_INVITE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: codes are read aloud
_ROLE_WORDS = {"canbo": Role.officer, "chuyenvien": Role.officer, "lanhdao": Role.leader}
_UNIT_WORDS = frozenset({"donvi", "don vi"})


def register(router: Router) -> None:
    # Leaders may invite a unit's emulation officer (issue 24); staff invites stay admin-only.
    router.command("moi", invite, t.COMMANDS["moi"], roles=LEADERS)
    router.command("dangky", join, t.COMMANDS["dangky"], listed=False)
    router.command("canbo", list_staff, t.COMMANDS["canbo"], roles=STAFF)
    router.payload("rv", revoke_button)


def new_invite_code() -> str:
    body = "".join(secrets.choice(_INVITE_ALPHABET) for _ in range(8))
    return f"{body[:4]}-{body[4:]}"


async def invite(incoming: Incoming, services: Services, args: str) -> list[Reply]:
    head, _, rest = args.strip().partition(" ")
    if fold(head) in _UNIT_WORDS:
        return await invite_unit(incoming, services, rest)
    if (asker := await role_of(incoming, services)) not in ADMINS:
        return [Reply(refusal(asker, ADMINS))]
    role = _ROLE_WORDS.get(fold(args).replace(" ", ""))
    if role is None:
        return [Reply(t.INVITE_USAGE)]
    code = new_invite_code()
    now = services.now()
    await services.staff.create_invite(
        code=code, role=role.value, created_by=incoming.actor, now=now, expires_at=now + INVITE_TTL
    )
    return [
        Reply(
            t.INVITE_CREATED.format(
                role=t.ROLE_NAMES[role.value],
                code=code,
                expires=vn_datetime(now + INVITE_TTL, services.tz),
            )
        )
    ]


async def join(incoming: Incoming, services: Services, args: str) -> list[Reply]:
    code = args.strip().upper().replace(" ", "")
    if not code:
        return [Reply(t.JOIN_USAGE)]
    if f"{incoming.channel}:{incoming.sender_id}" in services.settings.admins:
        return [Reply(t.JOIN_ALREADY_ADMIN)]
    found = await services.staff.get_invite(code)
    if found is None:
        return await join_unit(incoming, services, code) or [Reply(t.JOIN_UNKNOWN)]
    if found.used_by is not None:
        return [Reply(t.JOIN_USED)]
    if found.expires_at <= services.now():
        return [Reply(t.JOIN_EXPIRED)]
    name = (incoming.sender_name or "").strip()[:100] or t.STAFF_UNNAMED.format(
        user_id=incoming.sender_id
    )
    member = await services.staff.redeem_invite(
        code=code,
        channel=incoming.channel,
        user_id=incoming.sender_id,
        chat_id=incoming.chat_id,
        name=name,
        now=services.now(),
    )
    if member is None:
        return [Reply(t.JOIN_USED)]
    return [
        Reply(
            t.JOIN_DONE.format(name=member.name, role=t.ROLE_NAMES[member.role]),
            extra={"menu_role": member.role},
        )
    ]


async def list_staff(incoming: Incoming, services: Services, _args: str) -> list[Reply]:
    members = await services.staff.active()
    if not members:
        return [Reply(t.STAFF_EMPTY)]
    lines = [t.STAFF_HEADER.format(count=len(members))]
    lines += [
        t.STAFF_LINE.format(index=index, name=m.name, role=t.ROLE_NAMES[m.role], channel=m.channel)
        for index, m in enumerate(members, start=1)
    ]
    choices: tuple[Choice, ...] = ()
    if await _is_admin(incoming, services):
        choices = tuple(
            Choice(t.REVOKE_LABEL.format(name=m.name), f"rv:ask:{m.id}") for m in members
        )
    return [Reply("\n".join(lines), choices=choices)]


async def revoke_button(incoming: Incoming, services: Services, rest: str) -> list[Reply]:
    if not await _is_admin(incoming, services):
        from handlers.roles import ADMINS, refusal, role_of

        return [Reply(refusal(await role_of(incoming, services), ADMINS))]
    action, _, raw_id = rest.partition(":")
    if action == "no":
        return [Reply(t.KEPT)]
    if not raw_id.isdecimal() or action not in ("ask", "yes"):
        from handlers.texts import common

        return [Reply(common.STALE_BUTTON)]
    member = await services.staff.get(int(raw_id))
    if member is None or not member.active:
        return [Reply(t.REVOKE_GONE)]
    if action == "ask":
        return [
            Reply(
                t.REVOKE_CONFIRM.format(name=member.name, role=t.ROLE_NAMES[member.role]),
                choices=(
                    Choice(t.REVOKE_YES, f"rv:yes:{member.id}"),
                    Choice(t.REVOKE_NO, "rv:no"),
                ),
            )
        ]
    if not await services.staff.revoke(member.id, services.now()):
        return [Reply(t.REVOKE_GONE)]
    return [Reply(t.REVOKED.format(name=member.name))]


async def _is_admin(incoming: Incoming, services: Services) -> bool:
    from handlers.roles import role_of

    return await role_of(incoming, services) == Role.admin.value
