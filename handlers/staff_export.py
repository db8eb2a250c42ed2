"""The export staff read (danh sách hồ sơ cho cán bộ): `/xuat` in chat and
`python -m bot export --for-staff`.

Vietnamese headers, status labels and award names, the officer in charge and who last changed
each dossier, working days left or overdue, a frozen header row, column widths and Excel's
filter buttons. The plain `python -m bot export` stays the import's round-trip format.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator, Callable, Sequence
from datetime import date
from pathlib import Path
from typing import BinaryIO, Protocol

from config.catalog import AwardCatalog
from db.casework import StaffExportRow
from db.reminders import RUNNING
from domain.calendar import WorkCalendar
from handlers.formatting import vn_date, vn_number
from handlers.history import display_actor
from handlers.messages import Incoming, Reply
from handlers.reminders import WorkdayIndex
from handlers.roles import STAFF
from handlers.router import Router
from handlers.services import Services
from handlers.spreadsheet import CsvSheet, XlsxSheet
from handlers.texts import casework as tw
from handlers.texts import report as t

#: (header, width) of each column, in order.
COLUMNS: tuple[tuple[str, int], ...] = (
    ("Mã hồ sơ", 28),
    ("Người/tập thể được đề nghị", 30),
    ("Đơn vị", 30),
    ("Hình thức khen thưởng", 34),
    ("Trạng thái", 26),
    ("Ngày tiếp nhận", 14),
    ("Ngày hẹn trả", 14),
    ("Còn (ngày làm việc)", 12),
    ("Quá hạn (ngày làm việc)", 12),
    ("Ngày giải quyết", 14),
    ("Số quyết định", 18),
    ("Chuyên viên phụ trách", 24),
    ("Cập nhật gần nhất bởi", 24),
    ("Ghi chú", 40),
)
HEADERS = [name for name, _width in COLUMNS]
#: A chat document stays a reasonable size (the CLI has no limit).
MAX_CHAT_ROWS = 50_000

Cell = str | int | date | None


def register(router: Router) -> None:
    router.command("xuat", xuat, t.COMMAND_DESCRIPTIONS["xuat"], roles=STAFF, slow=True)


def staff_values(
    row: StaffExportRow, catalog: AwardCatalog, today: date, index: WorkdayIndex
) -> list[Cell]:
    """A dossier as the staff sheet shows it (dates as dates, day counts as numbers)."""
    left: int | None = None
    late: int | None = None
    if row.status in RUNNING:
        offset = index.offset(row.due_on, today) if row.due_on >= today else None
        if row.due_on < today:
            late = max(-index.offset(row.due_on, today), 1)
        else:
            left = max(offset or 0, 0)
    return [
        row.code,
        row.nominee,
        row.unit or None,
        catalog.name_of(row.award_kind),
        row.status.label,
        row.received_on,
        row.due_on,
        left,
        late,
        row.resolved_on,
        row.decision_no,
        row.officer_name or tw.UNASSIGNED,
        display_actor(row.last_actor, row.last_actor_name) or None,
        row.note,
    ]


class StaffWriter(Protocol):
    def add(self, rows: Sequence[list[Cell]]) -> None: ...

    def close(self) -> None: ...


class StaffXlsxWriter(XlsxSheet):
    """Streaming workbook: header frozen, widths set, filter buttons on every column."""

    def __init__(self, target: BinaryIO | Path) -> None:
        widths = [width for _name, width in COLUMNS]
        super().__init__(target, t.XLSX_SHEET_TITLE, HEADERS, widths, auto_filter=True)


class StaffCsvWriter(CsvSheet):
    """UTF-8 with a BOM so Excel shows the Vietnamese; dates written DD/MM/YYYY; formulas off."""

    def __init__(self, target: Path) -> None:
        super().__init__(target, HEADERS, date_format=vn_date)


STAFF_WRITERS: dict[str, Callable[[Path], StaffWriter]] = {
    ".xlsx": StaffXlsxWriter,
    ".csv": StaffCsvWriter,
}


async def write_staff_rows(
    batches: AsyncIterator[list[StaffExportRow]],
    writer: StaffWriter,
    catalog: AwardCatalog,
    calendar: WorkCalendar,
    today: date,
    on_batch: Callable[[int], None] | None = None,
) -> int:
    index = WorkdayIndex(calendar, today)
    written = 0
    async for batch in batches:
        writer.add([staff_values(row, catalog, today, index) for row in batch])
        written += len(batch)
        if on_batch is not None:
            on_batch(len(batch))
    writer.close()
    return written


async def xuat(incoming: Incoming, services: Services, args: str) -> list[Reply]:
    """The period's dossiers as the staff .xlsx document."""
    from handlers.report import ReportInputError, period_from_args

    try:
        period = period_from_args(args, services.today(), t.EXPORT_USAGE)
    except ReportInputError as exc:
        return [Reply(str(exc))]
    count = await services.casework.count_for_export(period.start, period.end)
    if count == 0:
        return [Reply(t.EMPTY_PERIOD.format(start=vn_date(period.start), end=vn_date(period.end)))]
    if count > MAX_CHAT_ROWS:
        return [
            Reply(t.EXPORT_TOO_MANY.format(count=vn_number(count), limit=vn_number(MAX_CHAT_ROWS)))
        ]
    today = services.today()
    index = WorkdayIndex(services.calendar, today)
    rows: list[list[Cell]] = []
    async for batch in services.casework.staff_export_rows(period.start, period.end):
        rows += [staff_values(row, services.catalog, today, index) for row in batch]

    def build() -> bytes:
        # The workbook is made here, in the thread: a message first tried beside the database
        # and handed back to the event loop (Database.batched) leaves no half-built one behind.
        buffer = io.BytesIO()
        writer = StaffXlsxWriter(buffer)
        writer.add(rows)
        writer.close()
        return buffer.getvalue()

    # Writing the workbook is CPU work: keep the event loop serving other chats meanwhile.
    document = await asyncio.to_thread(build)
    caption = t.EXPORT_CAPTION.format(
        count=vn_number(len(rows)), start=vn_date(period.start), end=vn_date(period.end)
    )
    stamp = f"{period.start:%Y%m%d}-{period.end:%Y%m%d}"
    return [Reply(caption, document=document, document_name=f"ho-so-{stamp}.xlsx")]
