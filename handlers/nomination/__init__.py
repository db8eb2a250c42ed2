"""Nominations (đề nghị khen thưởng): the guided chat, the officer's list, the export.

Map of the package:
- `questions.py` — the steps of `/denghi` in order, each question with its choices, the review
  card, the draft's save and expiry (`expire_drafts`, swept by bot/nomination_drafts.py).
- `chat.py` — the commands (`/denghi`, `/quaylai`, `/huy`), typed answers and buttons, the
  confirmation that creates the dossier and replies with its receipt and QR code.
- `fields.py` — each answer validated with pydantic; a bad one raises AnswerError in Vietnamese.
- `mine.py` — `/denghicuatoi`, the officer's own nominations page by page.
- `export.py` — every nomination to .xlsx or .csv (`python -m bot export --what nominations`).
- `unit_list.py` — the unit's Excel list: the template, reading a filled one, each row checked
  against config/eligibility.toml (domain/eligibility.py); `verdicts.py` words the verdicts.
- `units.py` — the unit's path: invite (`/moi donvi`), join, `/maudenghi`, `/danhsach` (check,
  then submit as one submission), `/hosodonvi` (only that unit's submissions and dossiers).

The flow of `/denghi`: who (cá nhân, tập thể, hộ gia đình) → name → position and unit, or the
governing body → award kind (from the catalogue entries that fit) → emulation movement or
topic, or skip → achievement summary → contact person and phone → documents or photos until
“xong” → review (edit a field, confirm, cancel). Confirming creates the dossier and replies
with its receipt (code, due date, QR code). `/quaylai` goes back one step, `/huy` cancels.

The draft is kept per chat in the database, so a restart resumes at the same step. A draft
untouched for TDKT_DRAFT_TTL expires: the officer is told when they next write to the bot, and
the runtime's sweep also deletes it and sends the notice through the outbox. A second
`/denghi` while a draft is open offers to continue or restart.
"""

from __future__ import annotations

from handlers.nomination import units
from handlers.nomination.chat import back, cancel_command, on_button, on_text, start
from handlers.nomination.mine import MinePage, my_nominations, on_page
from handlers.nomination.questions import (
    FLOW,
    NominationButton,
    duration_text,
    expire_drafts,
)
from handlers.roles import STAFF
from handlers.router import Router
from handlers.texts import common as tc
from handlers.texts import nomination as t
from handlers.texts import unit_list as tu

__all__ = ["duration_text", "expire_drafts", "register"]


def register(router: Router) -> None:
    """`/denghi`, `/denghicuatoi`, `/quaylai`, the nomination's `/huy`, its flow and buttons."""
    router.command("denghi", start, t.COMMANDS["denghi"], roles=STAFF)
    router.command("denghicuatoi", my_nominations, t.COMMANDS["denghicuatoi"], roles=STAFF)
    router.command("quaylai", back, t.COMMANDS["quaylai"], roles=STAFF)
    generic = router.commands.get("huy")
    router.command(
        "huy", cancel_command(generic.handler if generic else None), tc.COMMAND_DESCRIPTIONS["huy"]
    )
    router.flow(FLOW, on_text)
    router.button(NominationButton, on_button)
    router.button(MinePage, on_page, roles=STAFF)
    # Issue 24: the unit's list (units.py); who may use them is checked inside.
    router.command("maudenghi", units.template, tu.COMMANDS["maudenghi"])
    router.command("danhsach", units.check_list, tu.COMMANDS["danhsach"], listed=False)
    router.command("hosodonvi", units.unit_dossiers, tu.COMMANDS["hosodonvi"], listed=False)
    router.button(units.ListButton, units.on_button, stale=tu.LIST_STALE)
    router.flow(units.FLOW, units.on_file)
