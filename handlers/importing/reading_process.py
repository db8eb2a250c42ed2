"""The second process of a big import: reads and checks the file while the importer writes.

`python -m handlers.importing.reading_process`: the job comes pickled on stdin, the checked
chunks go to stdout in marshal's format (`read_in_child`); `read_elsewhere` starts it.
"""

from __future__ import annotations

import contextlib
import csv
import fcntl
import gc
import logging
import marshal
import os
import pickle
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from handlers.importing.columns import ParsedImport
from handlers.importing.csv_reading import read_csv
from handlers.importing.rules import RowRules
from handlers.texts import importing as t

#: The pipe from the reading process: room for about one chunk of CHUNK_ROWS rows.
PIPE_BYTES = 2 << 20
_LENGTH = 8  # bytes of the length before each item
log = logging.getLogger(__name__)


class ImportReaderError(Exception):
    """The process reading the file failed: the import is rolled back."""


def read_elsewhere(path: Path, rules: RowRules, *, size: int) -> Iterator[ParsedImport]:
    """`read_csv` of a CSV file run in a second Python process, its chunks handed over through
    a pipe as they are ready.

    The child starts at once, so that its start-up overlaps the caller's. A full pipe stops it,
    so at most about two chunks wait when the writer is slower. A plain subprocess rather than
    multiprocessing: "spawn" would run the caller's main script again in the child and "fork"
    would copy the locks of this process's threads. When the child fails, or dies, the import
    fails as a whole: nothing is written.
    """
    root = str(Path(__file__).resolve().parent.parent.parent)
    paths = [root, *filter(None, [os.environ.get("PYTHONPATH")])]
    errors = tempfile.TemporaryFile()  # a pipe could fill up and stop the child
    child = subprocess.Popen(
        [sys.executable, "-m", __name__],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=errors,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(paths)},
    )
    assert child.stdin is not None and child.stdout is not None
    with contextlib.suppress(OSError, AttributeError):  # Linux: room for about a chunk
        fcntl.fcntl(child.stdout.fileno(), fcntl.F_SETPIPE_SZ, PIPE_BYTES)
    job = (path, rules, size, csv.field_size_limit())
    try:
        pickle.dump(job, child.stdin, protocol=pickle.HIGHEST_PROTOCOL)
    except BrokenPipeError:
        pass  # it died already: reading its output says so
    finally:
        with contextlib.suppress(BrokenPipeError):
            child.stdin.close()
    return _handed_over(child, errors, rules.max_errors)


def _handed_over(
    child: subprocess.Popen[bytes], errors: IO[bytes], max_errors: int
) -> Iterator[ParsedImport]:
    assert child.stdout is not None
    try:
        while True:
            try:
                item = _receive(child.stdout)  # our own child's output, nobody else's
            except (EOFError, ValueError, TypeError):  # it stopped, maybe inside a chunk
                child.wait()
                errors.seek(0)
                # Its last line only (the exception), never the rows a traceback might show.
                last = errors.read().decode(errors="replace").strip().splitlines()[-1:]
                log.warning("import reader failed: %s", last[0][:300] if last else "")
                detail = f"exit code {child.returncode}"
                raise ImportReaderError(t.READER_FAILED.format(detail=detail)) from None
            if item is None:
                return
            if isinstance(item, str):
                raise ImportReaderError(t.READER_FAILED.format(detail=item))
            records, found, lines, more = item
            yield ParsedImport(records, found, lines, more, max_errors)
    finally:
        if child.poll() is None:
            child.kill()  # the consumer stopped early: the rest is not wanted
        child.wait()
        child.stdout.close()
        errors.close()


def read_in_child(stdin: IO[bytes], stdout: IO[bytes]) -> None:
    """The second process of `read_elsewhere`: every chunk as (records, errors, lines, errors
    not listed), then None (or what went wrong, as text), one after the other.

    In marshal's format rather than pickle's: a chunk is plain tuples, lists, text and
    numbers, which marshal writes and reads about a third faster (the same interpreter runs
    both ends)."""
    path, rules, size, field_limit = pickle.load(stdin)
    csv.field_size_limit(field_limit)  # the parent's limit on a cell, not the default
    try:
        for chunk in read_csv(path, rules, size=size):
            send(stdout, (chunk.records, chunk.errors, chunk.lines, chunk.more_errors))
    except Exception as exc:  # handed over, so the parent fails the import with it
        send(stdout, f"{type(exc).__name__}: {exc}")
    else:
        send(stdout, None)
    stdout.flush()


def send(stream: IO[bytes], item: object) -> None:
    """One item to the parent. Its length first: marshal.load from a stream would call the
    stream once per value."""
    data = marshal.dumps(item)
    stream.write(len(data).to_bytes(_LENGTH, "little"))
    stream.write(data)


def _receive(stream: IO[bytes]) -> Any:
    head = stream.read(_LENGTH)
    size = int.from_bytes(head, "little") if len(head) == _LENGTH else 0
    data = stream.read(size) if size else b""
    if not data or len(data) != size:
        raise EOFError
    return marshal.loads(data)


if __name__ == "__main__":
    # This process only reads: it makes no reference cycles worth collecting, while the
    # collector would walk each chunk's rows again and again as they are built.
    gc.disable()
    read_in_child(sys.stdin.buffer, sys.stdout.buffer)
