"""Progress bars for long imports and exports: on a terminal only, above 1,000 rows."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import TextIO

from tqdm import tqdm

from handlers.importing.columns import ParsedImport
from handlers.importing.readers import ChunkTracker, RowTracker
from handlers.texts import console as tconsole

#: Smaller jobs finish before a bar would help; the one-line summary is enough.
THRESHOLD = 1000

Record = tuple[int, list[str]]


def wants_bar(total: int | None, stream: TextIO | None = None) -> bool:
    """A bar only on an interactive terminal, never in logs, pipes or CI, and only for big jobs."""
    stream = stream or sys.stderr
    return total is not None and total > THRESHOLD and stream.isatty()


def progress_bar(
    total: int | None, description: str, stream: TextIO | None = None, *, initial: int = 0
) -> tqdm:
    """A tqdm bar on stderr that disables itself when `wants_bar` says no.

    With `initial` set the caller already knows the job is big but not its size (a workbook
    that stores no dimension): the bar then counts rows without a total.
    """
    stream = stream or sys.stderr
    enabled = stream.isatty() if initial > THRESHOLD else wants_bar(total, stream)
    return tqdm(
        total=total,
        initial=initial,
        desc=description,
        unit=tconsole.PROGRESS_UNIT,
        unit_scale=True,
        file=stream,
        leave=False,
        disable=not enabled,
    )


def track_rows(description: str) -> RowTracker:
    """A row tracker for the import parsers: wraps the records, updating a bar as they pass."""

    def track(records: Iterator[Record], estimated: int | None) -> Iterator[Record]:
        bar = progress_bar(estimated, description) if estimated is not None else None
        try:
            for seen, record in enumerate(records, start=1):
                yield record
                if bar is not None:
                    bar.update(1)
                elif seen == THRESHOLD + 1:
                    # Size unknown until now: start counting once the job proves big.
                    bar = progress_bar(None, description, initial=seen)
        finally:
            if bar is not None:
                bar.close()

    return track


def track_chunks(description: str) -> ChunkTracker:
    """A chunk tracker for an import: the bar moves by each chunk's rows as it passes; with
    no estimate (a workbook) it starts counting once the job proves big."""

    def track(chunks: Iterator[ParsedImport], estimated: int | None) -> Iterator[ParsedImport]:
        bar = progress_bar(estimated, description) if estimated is not None else None
        seen = 0
        try:
            for chunk in chunks:
                yield chunk
                rows = len(chunk.records) + len(chunk.errors) + chunk.more_errors
                seen += rows
                if bar is not None:
                    bar.update(rows)
                elif seen > THRESHOLD:
                    bar = progress_bar(None, description, initial=seen)
        finally:
            if bar is not None:
                bar.close()

    return track
