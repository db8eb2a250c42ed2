"""Roles in chat: admins invite officers and leaders, people join with the invite, the list.

Usage: an admin sends `/moi canbo` or `/moi lanhdao` and passes the code on; the new officer
sends `/dangky CODE`; `/canbo` lists staff, and an admin can revoke one from that list.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from db.models import Invite
from db.staff import InviteFailures
from domain.text import fold
from handlers.buttons import ButtonData
from handlers.formatting import vn_datetime
from handlers.messages import Choice, Incoming, Reply
from handlers.nomination.units import invite_unit, join_unit
from handlers.roles import ADMINS, LEADERS, STAFF, Role, refusal, role_of
from handlers.router import Router
from handlers.services import Services
from handlers.texts import staff as t

INVITE_TTL = timedelta(hours=72)
#: Wrong invite codes (unknown, used or expired) per chat per hour before /dangky pauses, and
#: over a whole channel per hour before it pauses for everyone there (issue 23 item 7).
INVITE_FAILURE_WINDOW = timedelta(hours=1)
MAX_INVITE_FAILURES_PER_CHAT = 5
INVITE_CHANNEL_BUDGET = 100
_INVITE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: codes are read aloud
_ROLE_WORDS = {"canbo": Role.officer, "chuyenvien": Role.officer, "lanhdao": Role.leader}
_UNIT_WORDS = frozenset({"donvi", "don vi"})


def register(router: Router) -> None:
    # Leaders may invite a unit's emulation officer (issue 24); staff invites stay admin-only.
    router.command("moi", invite, t.COMMANDS["moi"], roles=LEADERS)
    router.command("dangky", join, t.COMMANDS["dangky"], listed=False)
    router.command("canbo", list_staff, t.COMMANDS["canbo"], roles=STAFF)
    router.button(Revoke, revoke_button)


class Revoke(ButtonData, prefix="rv"):
    """Thu hồi quyền: `ask` shows the confirmation, `yes` revokes, `no` keeps the member."""

    action: str
    member_id: int = 0


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
    now = services.now()
    # The limits, the code's check and the failure's record: one write, so simultaneous
    # guesses never check more than the allowance (issue 23 item 7).
    async with services.db.transaction() as conn:
        failures = await services.staff.invite_failures(
            conn,
            channel=incoming.channel,
            chat_id=incoming.chat_id,
            since=now - INVITE_FAILURE_WINDOW,
            chat_limit=MAX_INVITE_FAILURES_PER_CHAT,
            channel_budget=INVITE_CHANNEL_BUDGET,
        )
        refusal = _invite_cooldown(services, failures)
        if refusal is not None:
            return [refusal]
        found = await services.staff.get_invite(code, conn)
        # Not a staff invite: a unit's (issue 24), which join_unit redeems.
        unit_invite = None if found else await services.submissions.invite(code, conn)
        problem = None if unit_invite else _invite_problem(found, now)
        if problem is not None:
            await services.staff.record_invite_failure(
                conn, channel=incoming.channel, chat_id=incoming.chat_id, at=now
            )
    if problem is not None:
        # `failures.chat` was read before this one: with it, the chat may have reached the limit.
        recent = [now, *failures.chat][:MAX_INVITE_FAILURES_PER_CHAT]
        left = MAX_INVITE_FAILURES_PER_CHAT - len(recent)
        if left == 0:
            return [
                Reply(f"{problem}\n{_cooldown_text(services, recent[-1] + INVITE_FAILURE_WINDOW)}")
            ]
        if left <= 2:
            return [Reply(f"{problem}\n{t.JOIN_TRIES_LEFT.format(left=left)}")]
        return [Reply(problem)]
    if unit_invite is not None:
        return await join_unit(incoming, services, code) or [Reply(t.JOIN_UNKNOWN)]
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


def _invite_problem(found: Invite | None, now: datetime) -> str | None:
    """Why an invite code cannot be used (unknown, used, expired), or None."""
    if found is None:
        return t.JOIN_UNKNOWN
    if found.used_by is not None:
        return t.JOIN_USED
    if found.expires_at <= now:
        return t.JOIN_EXPIRED
    return None


def _invite_cooldown(services: Services, failures: InviteFailures) -> Reply | None:
    """5 wrong codes in an hour pause the chat's /dangky; 100 on a channel pause the channel."""
    if len(failures.chat) >= MAX_INVITE_FAILURES_PER_CHAT:
        until = failures.chat[MAX_INVITE_FAILURES_PER_CHAT - 1] + INVITE_FAILURE_WINDOW
        return Reply(_cooldown_text(services, until))
    if failures.channel_full_at is not None:
        until = failures.channel_full_at + INVITE_FAILURE_WINDOW
        return Reply(t.JOIN_BUSY.format(until=vn_datetime(until, services.tz)))
    return None


def _cooldown_text(services: Services, until: datetime) -> str:
    return t.JOIN_COOLDOWN.format(
        limit=MAX_INVITE_FAILURES_PER_CHAT, until=vn_datetime(until, services.tz)
    )


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
            Choice(t.REVOKE_LABEL.format(name=m.name), Revoke("ask", m.id).pack()) for m in members
        )
    return [Reply("\n".join(lines), choices=choices)]


async def revoke_button(incoming: Incoming, services: Services, button: Revoke) -> list[Reply]:
    if not await _is_admin(incoming, services):
        from handlers.roles import ADMINS, refusal, role_of

        return [Reply(refusal(await role_of(incoming, services), ADMINS))]
    action = button.action
    if action == "no":
        return [Reply(t.KEPT)]
    if button.member_id < 1 or action not in ("ask", "yes"):
        from handlers.texts import common

        return [Reply(common.STALE_BUTTON)]
    member = await services.staff.get(button.member_id)
    if member is None or not member.active:
        return [Reply(t.REVOKE_GONE)]
    if action == "ask":
        return [
            Reply(
                t.REVOKE_CONFIRM.format(name=member.name, role=t.ROLE_NAMES[member.role]),
                choices=(
                    Choice(t.REVOKE_YES, Revoke("yes", member.id).pack()),
                    Choice(t.REVOKE_NO, Revoke("no").pack()),
                ),
            )
        ]
    if not await services.staff.revoke(member.id, services.now()):
        return [Reply(t.REVOKE_GONE)]
    return [Reply(t.REVOKED.format(name=member.name))]


async def _is_admin(incoming: Incoming, services: Services) -> bool:
    from handlers.roles import role_of

    return await role_of(incoming, services) == Role.admin.value
