"""The import's writer: checked chunks into the database in ONE transaction, all or nothing."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from operator import itemgetter

from db.bulk import (
    bulk_settings,
    insert_new,
    is_bulk,
    restore_indexes,
    restore_settings,
    suspend_indexes,
)
from db.dossiers import ImportedHistory, NoticeRenderer
from db.models import Dossier, ImportCounts, instant_to_db
from domain.calendar import WorkCalendar
from domain.statuses import Status
from domain.transitions import can_reach, due_on_after_supplement
from handlers.importing.columns import OFFICER, ParsedImport, error_summary, listed_errors
from handlers.importing.rules import RowRules, officer_names
from handlers.services import Services
from handlers.texts import importing as t


async def rules_for(services: Services, *, keep_phones: bool = False) -> RowRules:
    """The rules the chat applies, for an import now: today, the decision pattern, the active
    officers, the settings' error limit."""
    settings = services.settings
    officers = await services.staff.active("officer")
    return RowRules(
        services.catalog,
        services.calendar,
        keep_phones=keep_phones,
        today=services.today(),
        decision_pattern=settings.decision_no_pattern,
        officers=officer_names((member.id, member.name) for member in officers),
        max_errors=settings.import_max_errors,
    )


def prepare(
    parsed: ParsedImport,
    stored: dict[str, Dossier],
    today: date,
    calendar: WorkCalendar,
) -> None:
    """Merge an export snapshot with what the board already knows about each dossier.

    - a row may show a later status, never an impossible one: the officers' transition table
      must allow a path from the stored status (nothing leaves returned, rejected, withdrawn
      or stopped), else the row is an error;
    - an empty phone or due-date cell keeps the stored value (a column missing from one export
      must not erase every second factor, nor an extension granted for supplements);
    - a move into needs_supplement pauses the clock from today; a move out of it pushes the
      stored due date by the working days waited, as a change made in chat does.
    """
    due_computed = parsed.due_computed
    for index, (line, row) in enumerate(zip(parsed.lines, parsed.rows, strict=True)):
        before = stored.get(row.code)
        since = today if row.status is Status.needs_supplement else None
        if before is None:
            if since != row.supplement_since:  # a million-row import: copy only what changes
                parsed.rows[index] = replace(row, supplement_since=since)
            continue
        if not can_reach(before.status, row.status):
            message = t.FORBIDDEN_MOVE.format(
                code=row.code, current=before.status.label, target=row.status.label
            )
            parsed.errors.append((line, message))
            continue
        due_on = before.due_on if due_computed[index] else row.due_on
        if before.status is Status.needs_supplement:
            if row.status is Status.needs_supplement:
                since = before.supplement_since
            elif due_computed[index]:
                due_on = due_on_after_supplement(due_on, before.supplement_since, today, calendar)
        parsed.rows[index] = replace(
            row,
            phone_last4=row.phone_last4 or before.phone_last4,
            due_on=due_on,
            supplement_since=since,
        )


def imported_history(services: Services) -> ImportedHistory:
    """An imported dossier's history: received on its day (local midnight), then the status
    the one-stop system gave it, "nhập từ hệ thống một cửa" at the import's time."""
    offset = services.local_now().utcoffset() or timedelta(0)
    return ImportedHistory(f"{-int(offset.total_seconds())} seconds", t.HISTORY_NOTE)


@dataclass
class ImportOutcome:
    """What an import did: the rows read, every error found (then nothing was written), and
    the counts written."""

    rows: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)
    counts: ImportCounts = field(default_factory=lambda: ImportCounts(0, 0, 0))
    bulk: bool = False
    #: Errors past the listed ones (`max_errors`): counted, not kept.
    more_errors: int = 0
    max_errors: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors and not self.more_errors

    def add(self, chunk: ParsedImport) -> None:
        """A chunk's errors: listed while fewer than `max_errors` are, counted after."""
        limit = self.max_errors or chunk.max_errors
        room = max(limit - len(self.errors), 0)
        self.errors += chunk.errors[:room]
        self.more_errors += chunk.more_errors + max(len(chunk.errors) - room, 0)

    def error_lines(self) -> list[str]:
        return listed_errors(self.errors, self.more_errors)

    def summary(self) -> str:
        return error_summary(self.errors, self.more_errors)


class _Rejected(Exception):
    """Some row is wrong: roll the whole import back."""


async def import_chunks(
    services: Services,
    chunks: Iterator[ParsedImport],
    *,
    actor: str,
    estimated_rows: int,
    notice: NoticeRenderer | None = None,
    allowed_move: Callable[[Status, Status], bool] | None = None,
    seal_phone: Callable[[str, str], bytes | None] | None = None,
) -> ImportOutcome:
    """Validate and write an export chunk by chunk in ONE transaction: all or nothing.

    While SQLite's thread writes one chunk, the next is read and validated (here, or in the
    reading process of `csv_chunks`). New dossiers only (an empty table, no officer column,
    ZNS off) go to executemany as the parser's compact rows (`db.bulk.insert_new`); any
    other chunk goes through `prepare` and `upsert_many`. A file large relative to the table
    (`is_bulk`) is written in bulk mode: the dossier tables' secondary indexes and the
    redundant insert trigger are dropped first and built again at the end, inside the same
    transaction. After the first bad row nothing more is written,
    but the file is read to its end so that every error is listed; then everything is rolled
    back. ForbiddenMove and UnknownOfficerError roll it back too and reach the caller.
    `seal_phone` (ZNS on): the rows' full numbers are kept, encrypted, in the same transaction.
    """
    db = services.db
    outcome = ImportOutcome(bulk=is_bulk(estimated_rows, await services.dossiers.count()))
    now = services.now()
    chunk_writer = _ChunkWriter(
        services,
        actor,
        now,
        imported_history(services),
        notice=notice,
        allowed_move=allowed_move,
        seal_phone=seal_phone,
    )
    previous = await bulk_settings(db) if outcome.bulk else []
    # A million rows are millions of young objects (handed over or read here): the cyclic
    # collector would walk them again and again, while an import makes no cycles worth
    # collecting before it ends.
    collecting = gc.isenabled()
    gc.disable()
    try:
        async with db.transaction():
            # Counted again inside the transaction: nobody can add a dossier from here on.
            empty = await db.on_worker(services.dossiers.count) == 0
            rebuild = await db.on_worker(lambda: suspend_indexes(db)) if outcome.bulk else []
            writing: asyncio.Future[ImportCounts | int] | None = None
            for chunk in chunks:  # reading the next chunk here overlaps the write in flight
                outcome.rows += len(chunk.records)
                outcome.add(chunk)
                if not outcome.ok:
                    continue
                if writing is not None:
                    _add_counts(outcome, await writing)
                    writing = None
                writing = await chunk_writer.start(chunk, outcome, empty=empty)
            if writing is not None:
                _add_counts(outcome, await writing)
            if not outcome.ok:
                raise _Rejected
            if rebuild:
                await db.on_worker(lambda: restore_indexes(db, rebuild))
    except _Rejected:
        outcome.counts = ImportCounts(0, 0, 0)
    finally:
        if collecting:
            gc.enable()
        await restore_settings(db, previous)
    return outcome


_officer_of = itemgetter(OFFICER)


@dataclass
class _ChunkWriter:
    """Starts the write of one checked chunk on the database's worker."""

    services: Services
    actor: str
    now: datetime
    imported: ImportedHistory
    notice: NoticeRenderer | None = None
    allowed_move: Callable[[Status, Status], bool] | None = None
    seal_phone: Callable[[str, str], bytes | None] | None = None

    async def start(
        self, chunk: ParsedImport, outcome: ImportOutcome, *, empty: bool
    ) -> asyncio.Future[ImportCounts | int] | None:
        """The chunk's write in flight; None when `prepare` found a forbidden move (then
        the outcome has its errors and nothing more is written)."""
        services, db = self.services, self.services.db
        today, stamp = services.today(), instant_to_db(self.now)
        if empty and self.seal_phone is None and not any(map(_officer_of, chunk.records)):
            # New dossiers only: the compact rows go to executemany as they are.
            return asyncio.ensure_future(
                db.on_worker(
                    lambda: insert_new(
                        db,
                        chunk.records,
                        actor=self.actor,
                        stamp=stamp,
                        today=today,
                        imported=self.imported,
                    )
                )
            )
        stored: dict[str, Dossier] = {}
        if not empty:
            codes = [row.code for row in chunk.rows]
            stored = await db.on_worker(lambda: services.dossiers.get_many(codes))
        prepare(chunk, stored, today, services.calendar)
        if chunk.errors:
            outcome.add(chunk)
            return None
        return asyncio.ensure_future(
            db.on_worker(
                lambda: services.dossiers.upsert_many(
                    chunk.rows,
                    actor=self.actor,
                    now=self.now,
                    notice=self.notice,
                    allowed_move=self.allowed_move,
                    seal_phone=self.seal_phone,
                    all_new=empty,
                    imported=self.imported,
                )
            )
        )


def _add_counts(outcome: ImportOutcome, counts: ImportCounts | int) -> None:
    if isinstance(counts, int):  # new dossiers inserted
        counts = ImportCounts(inserted=counts, updated=0, unchanged=0)
    total = outcome.counts
    outcome.counts = ImportCounts(
        inserted=total.inserted + counts.inserted,
        updated=total.updated + counts.updated,
        unchanged=total.unchanged + counts.unchanged,
    )
