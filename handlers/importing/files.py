"""One entry for a file to import, CSV or .xlsx: read and checked chunk by chunk, in this
process or, for a big file, in the reading process while this one writes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from config.catalog import AwardCatalog
from domain.calendar import WorkCalendar
from handlers.importing.batches import CHUNK_ROWS
from handlers.importing.columns import ParsedImport
from handlers.importing.readers import XLSX, ChunkTracker, read_here
from handlers.importing.reading_process import read_elsewhere
from handlers.importing.rules import RowRules

#: CSV files this big (about 50,000 rows) are read in a second process while this one writes.
PARALLEL_BYTES = 8 << 20


def read_chunks(
    path: Path,
    rules: RowRules,
    *,
    progress: ChunkTracker | None = None,
    size: int = CHUNK_ROWS,
    parallel: bool | None = None,
) -> Iterator[ParsedImport]:
    """The file's rows checked chunk by chunk (see `batches.parse_chunks`), never held whole.

    `parallel` (by default: a CSV file of PARALLEL_BYTES or more) reads and checks the file in
    a second process, so that it runs on another core while this one writes; the chunks and
    errors are those of the same reading here, in the same order. `progress` wraps the chunks,
    e.g. with a progress bar; it gets an estimate of the rows (None for a workbook).
    """
    is_csv = path.suffix.lower() != XLSX
    if parallel is None:
        try:
            parallel = is_csv and path.stat().st_size >= PARALLEL_BYTES
        except OSError:
            parallel = False  # the reading below says what is wrong with the file
    estimate = _estimated_rows(path) if is_csv else None
    if parallel and is_csv:  # the reading process reads CSV only
        chunks = read_elsewhere(path, rules, size=size)
    else:
        chunks = read_here(path, rules, size=size)
    return progress(chunks, estimate) if progress else chunks


def csv_chunks(
    path: Path,
    catalog: AwardCatalog,
    calendar: WorkCalendar,
    *,
    progress: ChunkTracker | None = None,
    size: int = CHUNK_ROWS,
    keep_phones: bool = False,
    parallel: bool | None = None,
    rules: RowRules | None = None,
) -> Iterator[ParsedImport]:
    """`read_chunks` with the plain rules of a catalogue and calendar."""
    rules = rules or RowRules(catalog, calendar, keep_phones=keep_phones)
    return read_chunks(path, rules, progress=progress, size=size, parallel=parallel)


def _estimated_rows(path: Path) -> int:
    """The file's size over the length of its first lines: for a progress bar."""
    try:
        with path.open("rb") as raw:
            sample = raw.read(1 << 16)
        return path.stat().st_size * sample.count(b"\n") // len(sample) if sample else 0
    except OSError:
        return 0
