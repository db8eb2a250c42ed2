"""The citizen's questions in plain words (hỏi đáp): papers, time, fee, where, who signs…

A message that is neither a command nor a dossier code is matched against the phrasings of
config/faq.toml (accents optional, one typo forgiven in longer words); a match gets its
answer, next step, source and the desk's contact; anything else gets the menu of questions.
`/hoidap` shows the menu. Registered as the last text handler, after the code lookup.
"""

from __future__ import annotations

from config.faq import Faq, FaqEntry
from config.settings import Settings
from domain.codes import EXAMPLE_CODE
from domain.phrases import best_topic
from handlers.buttons import ButtonData
from handlers.messages import Choice, Incoming, Reply
from handlers.router import Router
from handlers.services import Services
from handlers.texts import citizen as t
from handlers.texts import common as tc

MENU = "menu"


class FaqButton(ButtonData, prefix="faq"):
    """Một câu hỏi thường gặp: the entry's key, or MENU for the list again."""

    key: str


def register(router: Router) -> None:
    router.command("hoidap", hoidap, t.COMMANDS["hoidap"])
    router.button(FaqButton, pick)
    router.text(question_in_text)


def faq_of(services: Services) -> Faq:
    assert services.faq is not None  # Services loads it in __post_init__
    return services.faq


def match(faq: Faq, text: str) -> FaqEntry | None:
    """The question a message asks, or None."""
    key = best_topic(text, faq.index)
    return faq.get(key) if key is not None else None


def days_range(services: Services) -> str:
    days = sorted({kind.working_days for kind in services.catalog.kinds})
    return f"{days[0]}" if len(days) == 1 else f"{days[0]} đến {days[-1]}"


def fill(text: str, services: Services) -> str:
    """Only the known placeholders: braces the board types elsewhere stay as they are."""
    return text.replace("{days_range}", days_range(services)).replace("{example}", EXAMPLE_CODE)


def desk_lines(settings: Settings) -> list[str]:
    lines = [t.FAQ_DESK.format(address=settings.desk_address)]
    if settings.desk_phone:
        lines.append(t.FAQ_DESK_PHONE.format(phone=settings.desk_phone))
    lines.append(t.FAQ_DESK_HOURS.format(hours=settings.desk_hours))
    return lines


def answer_text(entry: FaqEntry, services: Services) -> str:
    lines = [f"❓ {entry.title}", "", fill(entry.answer, services).strip()]
    if entry.next_step:
        lines += ["", t.FAQ_NEXT.format(next_step=fill(entry.next_step, services).strip())]
    lines += [t.FAQ_SOURCE.format(source=entry.source), ""]
    lines += desk_lines(services.settings)
    return "\n".join(lines)


def menu(services: Services) -> Reply:
    choices = tuple(
        Choice(entry.title, FaqButton(entry.key).pack()) for entry in faq_of(services).entries
    )
    return Reply(tc.NOT_UNDERSTOOD.format(example=EXAMPLE_CODE), choices=choices)


def answer(entry: FaqEntry, services: Services) -> Reply:
    return Reply(
        answer_text(entry, services), choices=(Choice(t.FAQ_OTHER, FaqButton(MENU).pack()),)
    )


async def hoidap(_incoming: Incoming, services: Services, args: str) -> list[Reply]:
    entry = match(faq_of(services), args) if args.strip() else None
    return [answer(entry, services) if entry else menu(services)]


async def pick(_incoming: Incoming, services: Services, button: FaqButton) -> list[Reply]:
    if button.key == MENU:
        return [menu(services)]
    entry = faq_of(services).get(button.key)
    return [answer(entry, services) if entry else Reply(t.FAQ_STALE)]


async def question_in_text(incoming: Incoming, services: Services) -> list[Reply] | None:
    """The last text handler: a question's answer, or else the menu (never "not understood")."""
    entry = match(faq_of(services), incoming.text or "")
    return [answer(entry, services) if entry else menu(services)]
