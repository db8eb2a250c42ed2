"""The procedure guide (hướng dẫn thủ tục): what to bring, where, how long, who decides.

Usage: `/thutuc` lists the award kinds; `/thutuc KIND` (a code, a name or a few words of it,
accents optional) gives the guide. Every fact comes from the award catalogue
(config/award_catalog.toml); the web page (`/thu-tuc`) shows the same `Guide`.
"""

from __future__ import annotations

from dataclasses import dataclass

from config.catalog import AwardKind
from config.settings import Settings
from handlers.buttons import ButtonData
from handlers.messages import Choice, Incoming, Reply
from handlers.router import Router
from handlers.services import Services
from handlers.texts import citizen as t


class GuideButton(ButtonData, prefix="tt"):
    """Thủ tục of one award kind, by its catalogue code."""

    code: str


@dataclass(frozen=True)
class Guide:
    """One award kind's procedure, in the words shown to people."""

    code: str
    name: str
    for_whom: str
    papers: list[str]
    where: str
    time: str
    fee: str
    authority: str
    basis: list[str]

    def facts(self) -> list[tuple[str, str]]:
        """The one-line facts, label first, in the order the chat and the page show them."""
        return [
            (t.GUIDE_FOR_WHOM, self.for_whom),
            (t.GUIDE_WHERE, self.where),
            (t.GUIDE_TIME, self.time),
            (t.GUIDE_FEE, self.fee),
            (t.GUIDE_AUTHORITY, self.authority),
        ]


def guide_for(kind: AwardKind, settings: Settings) -> Guide:
    """The guide of one kind, from its catalogue entry and the desk's settings."""
    if kind.board_step_only:
        time = t.GUIDE_DAYS_BOARD_STEP.format(days=kind.working_days, authority=kind.authority)
    else:
        time = t.GUIDE_DAYS.format(days=kind.working_days)
    papers = [
        t.GUIDE_FORM.format(document=document, form=form) if form else document
        for document, form in kind.papers()
    ]
    return Guide(
        code=kind.code,
        name=kind.name,
        for_whom=", ".join(t.NOMINEE_LABELS[who.value] for who in kind.for_whom),
        papers=papers,
        where=kind.submit_to or t.GUIDE_WHERE_DEFAULT.format(desk=settings.desk_address),
        time=time,
        fee=t.GUIDE_FEE_NONE,
        authority=kind.authority,
        basis=list(kind.procedure_basis),
    )


def guide_text(guide: Guide) -> str:
    lines = [t.GUIDE_TITLE.format(name=guide.name, code=guide.code), ""]
    lines += [f"{label}: {value}" for label, value in guide.facts()]
    if guide.papers:
        lines += ["", f"{t.GUIDE_PAPERS}:"]
        lines += [f"{index}. {paper}" for index, paper in enumerate(guide.papers, start=1)]
    if guide.basis:
        lines += ["", f"{t.GUIDE_BASIS}:"]
        lines += [f"• {item}" for item in guide.basis]
    lines += ["", t.GUIDE_FOOTER]
    return "\n".join(lines)


def register(router: Router) -> None:
    router.command("thutuc", thutuc, t.COMMANDS["thutuc"])
    router.button(GuideButton, pick)


def _kind_choices(kinds: list[AwardKind]) -> tuple[Choice, ...]:
    return tuple(Choice(kind.name, GuideButton(kind.code).pack()) for kind in kinds)


async def thutuc(_incoming: Incoming, services: Services, args: str) -> list[Reply]:
    catalog = services.catalog
    if not args.strip():
        text = t.GUIDE_LIST.format(count=len(catalog.kinds))
        return [Reply(text, choices=_kind_choices(catalog.kinds))]
    found = catalog.search(args)
    shown = " ".join(args.split())[:60]
    if not found:
        return [Reply(t.GUIDE_NOT_FOUND.format(text=shown))]
    if len(found) > 1:
        text = t.GUIDE_SEVERAL.format(count=len(found), text=shown)
        return [Reply(text, choices=_kind_choices(found))]
    return [Reply(guide_text(guide_for(found[0], services.settings)))]


async def pick(_incoming: Incoming, services: Services, button: GuideButton) -> list[Reply]:
    kind = services.catalog.get(button.code)
    if kind is None:
        return [Reply(t.GUIDE_NOT_FOUND.format(text=button.code[:40]))]
    return [Reply(guide_text(guide_for(kind, services.settings)))]
