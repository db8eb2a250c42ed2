"""The notice a follower receives when a dossier's status changes (thông báo thay đổi)."""

from __future__ import annotations

from datetime import date
from typing import Any

from db.dossiers import NoticeRenderer
from db.models import Dossier, HistoryEntry
from domain.statuses import FINISHED, Status
from handlers import zns
from handlers.formatting import vn_date
from handlers.texts import deadlines as ts
from handlers.texts import status as t


def status_notice(
    dossier: Dossier, entry: HistoryEntry, supplement_by: date | None = None
) -> dict[str, Any]:
    """The outbox payload of one change: the chat text and the ZNS template's parameters;
    a supplement request says by when."""
    lines = [t.NOTICE.format(code=dossier.code, label=entry.to_status.citizen_label)]
    if entry.to_status is Status.decided and dossier.decision_no:
        lines.append(t.NOTICE_DECISION.format(decision=dossier.decision_no))
    elif entry.note:
        template = {
            Status.needs_supplement: t.NOTICE_SUPPLEMENT,
            Status.rejected: t.NOTICE_REASON,
        }.get(entry.to_status, t.NOTICE_NOTE)
        lines.append(template.format(note=entry.note))
    if supplement_by is not None:
        lines.append(ts.NOTICE_SUPPLEMENT_BY.format(date=vn_date(supplement_by)))
    if entry.to_status not in FINISHED:
        lines.append(t.NOTICE_DUE.format(date=vn_date(dossier.due_on)))
    lines += ["", t.NOTICE_FOOTER.format(code=dossier.code)]
    # The phone notice (ZNS) of the same change fills an approved template instead.
    return {"text": "\n".join(lines), zns.PAYLOAD_KEY: zns.template_data(dossier, entry)}


def status_notice_renderer() -> NoticeRenderer:
    """`status_notice` as the import's write takes it (db/dossiers.upsert_many)."""
    return status_notice
