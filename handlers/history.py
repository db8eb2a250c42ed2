"""A dossier's full history for staff (/lichsu, lịch sử xử lý): who, when, from → to, note.

Usage: `/lichsu CODE`, or "Lịch sử đầy đủ" under a dossier in /hoso. The actor is shown by
the officer's registered name, not the chat account it acted from.
"""

from __future__ import annotations

from db.casework import NamedEntry
from domain.codes import EXAMPLE_CODE, code_variants, normalize_code
from handlers.casework_buttons import ShowHistory
from handlers.formatting import vn_datetime
from handlers.messages import Incoming, Reply
from handlers.roles import STAFF
from handlers.router import Router
from handlers.services import Services
from handlers.texts import casework as t
from handlers.texts import common as tc
from handlers.texts import lookup as tl

#: One message stays readable (and under Zalo's 2,000 characters) with this many changes.
SHOWN = 20


def register(router: Router) -> None:
    router.command("lichsu", show, t.COMMANDS["lichsu"], roles=STAFF)
    router.button(ShowHistory, on_open, roles=STAFF)


def actor_name(named: NamedEntry) -> str:
    """The officer's name; imports and other system writers by what they are."""
    return display_actor(named.entry.actor, named.actor_name)


def display_actor(actor: str | None, name: str | None) -> str:
    """Who changed a dossier, for people: the staff name, else what the writer was."""
    if name:
        return name
    if not actor:
        return ""
    if actor.startswith("import"):
        return t.ACTOR_IMPORT
    if ":" in actor:
        return t.ACTOR_UNKNOWN.format(actor=actor)
    return t.ACTOR_SYSTEM


def change_text(named: NamedEntry) -> str:
    entry = named.entry
    if entry.from_status is None:
        return t.HISTORY_CREATED.format(to=entry.to_status.label)
    if entry.from_status == entry.to_status:
        return t.HISTORY_SAME.format(to=entry.to_status.label)
    return t.HISTORY_MOVE.format(from_=entry.from_status.label, to=entry.to_status.label)


def entry_lines(named: NamedEntry, services: Services) -> list[str]:
    """One change as lines: when — who: from → to, then its note."""
    lines = [
        t.HISTORY_LINE.format(
            when=vn_datetime(named.entry.changed_at, services.tz),
            who=t.ACTOR_ADMIN
            if named.actor_name is None and named.entry.actor in services.settings.admins
            else actor_name(named),
            change=change_text(named),
        )
    ]
    if named.entry.note:
        lines.append(t.HISTORY_NOTE.format(note=named.entry.note[:300]))
    return lines


async def show(incoming: Incoming, services: Services, args: str) -> list[Reply]:
    if not args:
        return [Reply(t.HISTORY_USAGE.format(example=EXAMPLE_CODE))]
    code = normalize_code(args)
    if code is None:
        return [Reply(tl.BAD_FORMAT.format(text=args[:60], example=EXAMPLE_CODE))]
    return await history(services, code)


async def on_open(incoming: Incoming, services: Services, button: ShowHistory) -> list[Reply]:
    code = normalize_code(button.code)
    if code is None:
        return [Reply(tc.STALE_BUTTON)]
    return await history(services, code)


async def history(services: Services, code: str) -> list[Reply]:
    found = await services.casework.view(code_variants(code, services.legacy_provinces))
    if found is None:
        return [Reply(t.VIEW_NOT_FOUND.format(code=code))]
    entries = await services.casework.named_history(found.dossier.id)
    if not entries:
        return [Reply(t.HISTORY_EMPTY.format(code=found.dossier.code))]
    lines = [t.HISTORY_HEADER.format(code=found.dossier.code, count=len(entries))]
    for named in entries[-SHOWN:]:
        lines += entry_lines(named, services)
    if len(entries) > SHOWN:
        lines.append(t.HISTORY_MORE.format(shown=SHOWN, count=len(entries)))
    return [Reply("\n".join(lines))]
