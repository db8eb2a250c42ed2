"""The board works a submission to the decision (issue 25): inbox, returns, council, decision.

Map of the package:
- `common.py` — the repository, the limits and thresholds (config/review.toml), a row's step
  and its last day, the one-dossier call into the status change, files sent with a command.
- `inbox.py` — `/denghimoi`: submissions waiting, oldest first, counts per step; a submission,
  then a row.
- `returns.py` — `/tralai` (reasons from a list, free text, a date; the unit told and
  reminded through the outbox) and `/nopbosung` (the corrected file, same dossier code).
- `council.py` — `/hophoidong`, `/bophieu` (the award's threshold), `/bienban`.
- `decision.py` — `/quyetdinh` (the bulk status change, one transaction, one message per
  unit) and the decision's list as .xlsx
  (`python -m bot export --what decision --decision NUMBER -o FILE.xlsx`).
"""

from __future__ import annotations

from handlers.review import council, decision, inbox, returns
from handlers.roles import LEADERS, STAFF
from handlers.router import Router
from handlers.texts import review as t


def register(router: Router) -> None:
    router.command("denghimoi", inbox.inbox, t.COMMANDS["denghimoi"], roles=STAFF)
    router.button(inbox.InboxButton, inbox.on_button, roles=STAFF)
    router.command("tralai", returns.return_rows, t.COMMANDS["tralai"], roles=STAFF)
    # Who may resubmit (the unit that sent it, or staff) is checked inside.
    router.command("nopbosung", returns.resubmit, t.COMMANDS["nopbosung"], listed=False)
    router.command("hophoidong", council.schedule, t.COMMANDS["hophoidong"], roles=LEADERS)
    router.command("bophieu", council.vote, t.COMMANDS["bophieu"], roles=LEADERS)
    router.command("bienban", council.minutes, t.COMMANDS["bienban"], roles=LEADERS)
    router.command("quyetdinh", decision.decide, t.COMMANDS["quyetdinh"], roles=LEADERS)
