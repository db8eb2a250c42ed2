"""Synthetic dossiers for the benchmarks: deterministic, so any dossier's code and digits are known.

Of `count` dossiers, dossier `i` is received `i // PER_DAY` days after `start_of(count)` (so the
newest arrive the day before NOW) with sequence `i % PER_DAY + 1`; its phone digits come from
`i` too, so a benchmark can look any of them up without a query. The last two months are still
being handled; older ones are mostly resolved, as in the board's report.
"""

from __future__ import annotations

import asyncio
import atexit
import csv
import hashlib
import shutil
import sqlite3
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from config.catalog import AwardCatalog, load_catalog
from config.settings import Settings
from db.bulk import insert_dossiers_sync
from db.connection import open_database
from db.models import DossierInput
from domain.calendar import WorkCalendar
from domain.statuses import RESOLVED, Status

AGENCY = "000.00.21.H01"
PER_DAY = 2000
NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
LAST_DAY = date(2026, 11, 24)
SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng")
MIDDLE = ("Văn", "Thị", "Hữu", "Minh", "Ngọc", "Thanh", "Đức", "Quốc")
GIVEN = ("An", "Bình", "Cường", "Dung", "Hà", "Hải", "Hương", "Lan", "Long", "Mai", "Nam", "Tâm")
UNITS = (
    "UBND xã Tân Hiệp",
    "Trường THPT Nguyễn Trung Trực",
    "Sở Y tế",
    "Công an huyện Châu Thành",
    "Hội Nông dân tỉnh",
)
#: Older dossiers are mostly finished; the newest are still being handled.
_STATUS_CYCLE = (
    Status.returned,
    Status.decided,
    Status.returned,
    Status.passed,
    Status.returned,
    Status.rejected,
    Status.returned,
    Status.decided,
    Status.returned,
    Status.withdrawn,
)
_OPEN = (Status.received, Status.in_review, Status.needs_supplement, Status.in_review)


def start_of(count: int) -> date:
    return LAST_DAY - timedelta(days=(count - 1) // PER_DAY)


def code_of(index: int, count: int) -> str:
    day = start_of(count) + timedelta(days=index // PER_DAY)
    return f"{AGENCY}-{day:%y%m%d}-{index % PER_DAY + 1:04d}"


def digits_of(index: int) -> str:
    """The last 4 phone digits stored for dossier `index`."""
    return f"{(index * 7919 + 13) % 10000:04d}"


def phone_of(index: int) -> str:
    return f"09{(index * 104729) % 10000:04d}{digits_of(index)}"


def _name(index: int) -> str:
    return (
        f"{SURNAMES[index % len(SURNAMES)]} {MIDDLE[index // 7 % len(MIDDLE)]}"
        f" {GIVEN[index // 11 % len(GIVEN)]}"
    )


def catalog_and_calendar() -> tuple[AwardCatalog, WorkCalendar]:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    return load_catalog(settings.award_catalog), WorkCalendar.from_file(settings.holidays_file)


def dossiers(count: int, catalog: AwardCatalog, calendar: WorkCalendar) -> Iterator[DossierInput]:
    """`count` dossiers up to LAST_DAY; the due dates follow the working-day rules."""
    kinds = catalog.kinds
    start = start_of(count)
    due_cache: dict[tuple[date, int], date] = {}
    recent = ((count - 1) // PER_DAY - 60) * PER_DAY  # the last ~two months are still open
    for index in range(count):
        received_on = start + timedelta(days=index // PER_DAY)
        kind = kinds[index % len(kinds)]
        key = (received_on, kind.working_days)
        due_on = due_cache.get(key)
        if due_on is None:
            due_on = due_cache[key] = calendar.add_working_days(received_on, kind.working_days)
        if index >= recent:
            status = _OPEN[index % len(_OPEN)]
        else:
            status = _STATUS_CYCLE[index % len(_STATUS_CYCLE)]
        resolved_on = None
        if status in RESOLVED:
            resolved_on = min(due_on, received_on + timedelta(days=10 + index % 20))
        yield DossierInput(
            code=code_of(index, count),
            award_kind=kind.code,
            nominee=_name(index),
            unit=UNITS[index % len(UNITS)],
            phone_last4=digits_of(index),
            received_on=received_on,
            due_on=due_on,
            status=status,
            resolved_on=resolved_on,
            decision_no=f"{1000 + index % 9000}/QĐ-UBND" if status is Status.decided else None,
            note="Bổ sung biên bản họp Hội đồng" if status is Status.needs_supplement else None,
        )


CSV_HEADER = (
    "Mã hồ sơ",
    "Hình thức khen thưởng",
    "Đối tượng đề nghị",
    "Đơn vị",
    "Số điện thoại",
    "Ngày tiếp nhận",
    "Ngày hẹn trả",
    "Trạng thái",
    "Ngày giải quyết",
    "Số quyết định",
    "Ghi chú",
)


def write_csv(path: Path, count: int, catalog: AwardCatalog, calendar: WorkCalendar) -> int:
    """The one-stop system's export of `count` dossiers: Vietnamese headers and labels."""
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSV_HEADER)
        for index, item in enumerate(dossiers(count, catalog, calendar)):
            writer.writerow(
                (
                    item.code,
                    item.award_kind,
                    item.nominee,
                    item.unit,
                    phone_of(index),
                    f"{item.received_on:%d/%m/%Y}",
                    f"{item.due_on:%d/%m/%Y}",
                    item.status.label,
                    f"{item.resolved_on:%d/%m/%Y}" if item.resolved_on else "",
                    item.decision_no or "",
                    item.note or "",
                )
            )
    return count


WORK = Path(__file__).resolve().parent.parent / "data" / "bench"


def _fingerprint() -> str:
    """Changes whenever the schema or this generator changes, so a stale database is rebuilt."""
    digest = hashlib.sha256(Path(__file__).read_bytes())
    for migration in sorted(
        (Path(__file__).resolve().parent.parent / "db" / "migrations").glob("*.sql")
    ):
        digest.update(migration.name.encode())
        digest.update(migration.read_bytes())
    return digest.hexdigest()[:12]


def database(count: int) -> Path:
    """A migrated database holding `count` synthetic dossiers, built once and then reused.

    Benchmarks that write (lookups count attempts) work on a copy: `fresh_copy(database(n))`.
    """
    WORK.mkdir(parents=True, exist_ok=True)
    path = WORK / f"dossiers-{count}-{_fingerprint()}.sqlite3"
    if path.exists():
        return path
    for old in WORK.glob(f"dossiers-{count}-*.sqlite3*"):
        old.unlink()
    building = path.with_suffix(".building")
    for leftover in WORK.glob(building.name + "*"):
        leftover.unlink()
    started = time.perf_counter()
    print(f"building a database of {count:,} dossiers in {WORK} …", file=sys.stderr, flush=True)
    # Callable from inside an event loop too: the migration gets a loop of its own.
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, _migrate(building)).result()
    catalog, calendar = catalog_and_calendar()
    insert_dossiers_sync(building, dossiers(count, catalog, calendar), now=NOW)
    _checkpoint(building)
    building.rename(path)
    print(f"  built in {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)
    return path


async def _migrate(path: Path) -> None:
    db = await open_database(path)
    await db.close()


def _checkpoint(path: Path) -> None:
    connection = sqlite3.connect(path)
    try:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()


def fresh_copy(path: Path, name: str) -> Path:
    """A copy of a prepared database for one benchmark run to write into (removed at exit)."""
    target = WORK / f"{name}.sqlite3"
    _remove(name)
    shutil.copyfile(path, target)
    atexit.register(_remove, name)
    return target


def _remove(name: str) -> None:
    for old in WORK.glob(f"{name}.sqlite3*"):
        old.unlink(missing_ok=True)
