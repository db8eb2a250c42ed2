"""What the board's review steps share: the repository, the rules, a row's step and limit,
the one call into the status change, a file sent with a command, and dates typed by people."""

from __future__ import annotations

import logging
import re
from datetime import date
from pathlib import Path

from config.review import ReviewRules, review_rules
from db.models import Dossier
from db.review import ReviewRepository, RowView
from domain.review import Step, decision_due, return_due
from domain.statuses import Status
from handlers.actions.dossier_status import change_status as change_dossier_status
from handlers.messages import Channel, Incoming
from handlers.services import Services
from handlers.texts import review as t

log = logging.getLogger(__name__)

_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
#: A minutes file or a signed decision: enough for a scanned PDF, small for the database.
MAX_FILE_BYTES = 20 * 1024 * 1024


def repository(services: Services) -> ReviewRepository:
    return ReviewRepository(services.db)


def rules() -> ReviewRules:
    return review_rules()


async def change_status(
    services: Services, dossier: Dossier, target: Status, note: str, actor: str
) -> bool:
    """The one place this feature moves a dossier: today's status-change entry point, so that
    the move, its history and the followers' notices stay the same as an officer's `/capnhat`."""
    change = await change_dossier_status(services, dossier, target, note, actor)
    return change.applied


def parse_date(text: str) -> date | None:
    """`dd/mm/yyyy` (also with `.` or `-`), or None."""
    found = _DATE.match(text.strip())
    if found is None:
        return None
    try:
        return date(int(found[3]), int(found[2]), int(found[1]))
    except ValueError:
        return None


def step_of(row: RowView) -> Step:
    status = row.dossier.status
    if status is Status.received:
        return Step.check
    if status is Status.needs_supplement:
        return Step.returned
    if status is Status.in_review:
        return Step.council
    if status is Status.passed and row.passed:
        return Step.decision
    return Step.done


def step_due(services: Services, submitted_on: date, row: RowView) -> date | None:
    """The last day of the row's current step (None once it is done)."""
    step = step_of(row)
    limits = rules().limits
    if step is Step.check:
        return return_due(submitted_on, limits, services.calendar)
    if step is Step.returned:
        return row.resubmit_by
    if step is Step.council:
        return row.dossier.due_on
    if step is Step.decision and row.meets_on is not None:
        return decision_due(row.meets_on, limits, services.calendar)
    return None


async def sent_file(
    incoming: Incoming, services: Services, path_text: str
) -> tuple[str, bytes] | str:
    """The file sent with a command: an attachment, or a path on the console; else why not."""
    if incoming.attachments:
        item = incoming.attachments[0]
        name = item.file_name or "tep"
        fetch = services.file_fetchers.get(incoming.channel)
        if fetch is None:
            return t.FILE_NEEDED
        if item.size is not None and item.size > MAX_FILE_BYTES:
            return t.FILE_MISSING.format(file=name)
        try:
            return name, await fetch(item.file_id)
        except Exception:  # the channel's download failed: the person sends it again
            log.exception("could not download a file from %s", incoming.channel)
            return t.FILE_DOWNLOAD_FAILED.format(file=name)
    path_text = path_text.strip().strip('"')
    if incoming.channel != Channel.console.value or not path_text:
        return t.FILE_NEEDED
    path = Path(path_text)
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            return t.FILE_MISSING.format(file=path.name)
        return path.name, path.read_bytes()
    except OSError:
        return t.FILE_MISSING.format(file=path.name or path_text)
