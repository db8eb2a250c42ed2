"""The SQLite connection (aiosqlite): pragmas, versioned migrations, one-transaction writes.

aiosqlite (the design card's choice) runs every statement on its own worker thread, so a
statement that waits for SQLite's lock (another process importing) waits there, never on the
event loop: Telegram, Zalo and the outbox keep going. Each hand-off to that thread costs tens of
microseconds, more than an indexed query; `Database.batched` therefore runs the database work
of the messages that arrive while the worker is busy in one hand-off and one transaction, each
message in a savepoint of its own (bench/bench_lookup.py).
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import sqlite3
import threading
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Iterable, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager, contextmanager
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite

from config.settings import is_postgresql_url, redact_url
from db.dialect import POSTGRESQL, SQLITE, identity_tables
from db.direct import DirectConnection
from domain.search import match_rank

log = logging.getLogger(__name__)
# aiosqlite logs every statement and its results at DEBUG: names and phone digits. Never.
logging.getLogger("aiosqlite").setLevel(logging.INFO)

BUSY_TIMEOUT_MS = 5000
#: How long a write waits in all, in busy-timeout rounds, for another process's write lock:
#: an import holds it for its whole transaction (all or nothing; about 15 s for a million
#: rows), and a webhook update or a lookup must wait for it, not fail.
WRITE_WAIT_SECONDS = 60.0
_WRITE_PAUSE_SECONDS = 0.05

T = TypeVar("T")


def job_lock_key(job: str) -> int:
    """The advisory lock of a job, the same number in every instance (not Python's hash)."""
    return zlib.crc32(b"tdkt-job:" + job.encode())


class NeedsEventLoop(BaseException):
    """Work in a batch reached for the event loop (a network call, a thread, a sleep).

    A BaseException, so a handler's `except Exception` cannot swallow it: the batch rolls that
    message's savepoint back and runs the message again on the event loop, the ordinary way.
    """


class _NoLoop:
    """Stands in for the running loop on the worker thread while a batch runs there: any use
    raises NeedsEventLoop before the work has started anything outside the database."""

    def __getattr__(self, name: str) -> Any:
        raise NeedsEventLoop(name)


_NO_LOOP = _NoLoop()
_OK, _FAILED, _ON_LOOP = "ok", "failed", "on_loop"


class _BatchAborted(Exception):
    """The batch's own transaction broke (COMMIT failed, SQLite rolled it back): every message
    runs again, alone, on the event loop."""


class WalCheckpointer:
    """Copies the write-ahead log back into the database file, on a thread and connection of
    its own, after commits.

    SQLite's automatic checkpoint runs inside the COMMIT that crosses its threshold, on
    aiosqlite's thread, where every message waits for it: a quarter of a lookup's database time
    at 1M dossiers (bench/bench_lookup.py, SQL floor). A PASSIVE checkpoint never blocks the
    writer or the readers, and sqlite3 releases the interpreter lock while it runs, so here it
    uses the machine's other core. The connection's own automatic checkpoint stays on at a
    larger threshold as a safety net, should this thread ever fall behind.
    """

    #: Pages in the log before the writer checkpoints by itself (SQLite's default is 1,000).
    SAFETY_NET_PAGES = 10_000
    #: At most one checkpoint this often: under load, commits come every few milliseconds.
    PAUSE_SECONDS = 0.05

    def __init__(self, path: Path) -> None:
        self.path = path
        self._wanted = threading.Event()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="wal-checkpoint", daemon=True)
        #: Checkpoints done and failed, for the benchmarks and the tests.
        self.stats = {"checkpoints": 0, "failures": 0}
        #: Set after each checkpoint attempt (tests wait on it rather than sleep).
        self.attempted = threading.Event()

    def start(self) -> None:
        self._thread.start()

    def committed(self) -> None:
        """A commit added to the log: checkpoint soon."""
        self._wanted.set()

    def stop(self) -> None:
        self._stopping.set()
        self._wanted.set()
        self._thread.join()

    def _run(self) -> None:
        connection = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        try:
            while True:
                self._wanted.wait()
                if self._stopping.is_set():
                    return
                self._wanted.clear()
                try:
                    connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                    self.stats["checkpoints"] += 1
                except sqlite3.Error as exc:  # the writer's safety net checkpoints meanwhile
                    self.stats["failures"] += 1
                    log.warning("background checkpoint failed: %s", exc)
                self.attempted.set()
                self._stopping.wait(self.PAUSE_SECONDS)
        finally:
            connection.close()


class Database:
    """One shared connection; writes that belong together go through `transaction()`.

    aiosqlite runs every statement on one worker thread, so a process-wide lock keeps the
    statements of two coroutines' transactions from interleaving on the shared connection.
    """

    def __init__(
        self,
        connection: aiosqlite.Connection,
        path: Path | str,
        checkpointer: WalCheckpointer | None = None,
        *,
        dialect: str = SQLITE,
    ) -> None:
        self.connection = connection
        #: The SQLite file, or the PostgreSQL URL with its password hidden.
        self.path = path
        #: SQLITE or POSTGRESQL: for the few statements db/ writes twice (db/dialect.py).
        self.dialect = dialect
        self.checkpointer = checkpointer
        self._write_lock = asyncio.Lock()
        #: The worker thread while a batch runs on it; repositories called there use sqlite3.
        self._batch_thread: int | None = None
        self._direct: DirectConnection | None = None
        self._queue: list[tuple[Callable[[], Awaitable[Any]], asyncio.Future[Any], Any]] = []
        self._drainer: asyncio.Task[None] | None = None
        self._on_loop_tasks: set[asyncio.Task[None]] = set()
        #: The jobs this instance leads (`lead`).
        self._leading: set[str] = set()
        #: Batches run and messages in them, for the benchmarks (messages / batches = size).
        self.batch_stats = {"batches": 0, "messages": 0, "on_loop": 0}

    def _in_batch(self) -> bool:
        return self._batch_thread == threading.get_ident()

    def transaction(self) -> AbstractAsyncContextManager[aiosqlite.Connection]:
        """BEGIN IMMEDIATE … COMMIT, or ROLLBACK on any exception: nothing half-written.

        Inside a batch the batch already holds SQLite's write lock and runs one message at a
        time, so this becomes a savepoint: still all or nothing, still serialised.
        """
        if self._in_batch():
            assert self._direct is not None
            return _Savepoint(self._direct)
        return self._transaction()

    @asynccontextmanager
    async def _transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        async with self._write_lock:
            await self._begin()
            try:
                yield self.connection
            except BaseException:
                await self.connection.execute("ROLLBACK")
                raise
            else:
                await self.connection.execute("COMMIT")
                self._committed()

    async def _begin(self) -> None:
        """BEGIN IMMEDIATE, again while another process holds the write lock (an import),
        for up to WRITE_WAIT_SECONDS."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + WRITE_WAIT_SECONDS
        pause = _WRITE_PAUSE_SECONDS
        while True:
            try:
                await self.connection.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or loop.time() > deadline:
                    raise
                log.info("database locked by another writer; waiting")
            await asyncio.sleep(pause)
            pause = min(pause * 2, 1.0)

    def _committed(self) -> None:
        if self.checkpointer is not None:
            self.checkpointer.committed()

    # One hand-off to aiosqlite's thread per read (execute + fetch + close would be three);
    # inside a batch, none.
    async def fetch_one(self, sql: str, params: Iterable[Any] = ()) -> sqlite3.Row | None:
        if self._in_batch():
            return self.connection._conn.execute(sql, tuple(params)).fetchone()
        rows = await self.connection.execute_fetchall(sql, tuple(params))
        return next(iter(rows), None)

    async def fetch_all(self, sql: str, params: Iterable[Any] = ()) -> list[sqlite3.Row]:
        if self._in_batch():
            return self.connection._conn.execute(sql, tuple(params)).fetchall()
        return list(await self.connection.execute_fetchall(sql, tuple(params)))

    async def batched(self, work: Callable[[], Awaitable[T]]) -> T:
        """Run `work()` (one incoming message's handling) with others in one hand-off.

        The messages that arrive while aiosqlite's thread is busy are run there together, in
        arrival order, in one write transaction (one commit), each in a savepoint of its own:
        an exception rolls back only that message's work and is raised to its caller. Work that
        reaches for the event loop (a network call, a thread, a sleep) is rolled back and run
        again on the loop, alone. `work` must therefore make a fresh coroutine on each call.
        Callers keep each chat's messages in order (one at a time per chat), as before.
        """
        if self._in_batch():
            return await work()
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._queue.append((work, future, contextvars.copy_context()))
        if self._drainer is None or self._drainer.done():
            self._drainer = asyncio.create_task(self._drain())
        return await future

    async def _drain(self) -> None:
        while self._queue:
            # A caller cancelled before its turn has its work dropped, not run.
            items = [item for item in self._queue if not item[1].done()]
            self._queue.clear()
            if not items:
                continue
            self.batch_stats["batches"] += 1
            self.batch_stats["messages"] += len(items)
            async with self._write_lock:
                try:
                    outcomes = await self.connection._execute(self._run_batch, items)
                except _BatchAborted:
                    log.warning("batch of %d rolled back; running each alone", len(items))
                    outcomes = [(_ON_LOOP, None)] * len(items)
                except Exception as exc:  # BEGIN failed (locked by another process): each alone
                    log.warning("batch of %d not started (%s); running each alone", len(items), exc)
                    outcomes = [(_ON_LOOP, None)] * len(items)
                else:
                    self._committed()
            for (work, future, context), (kind, value) in zip(items, outcomes, strict=True):
                if future.done():
                    continue
                if kind == _OK:
                    future.set_result(value)
                elif kind == _FAILED:
                    future.set_exception(value)
                else:
                    self.batch_stats["on_loop"] += 1
                    task = asyncio.create_task(_on_loop(work, future), context=context)
                    self._on_loop_tasks.add(task)
                    task.add_done_callback(self._on_loop_tasks.discard)

    def _run_batch(
        self, items: list[tuple[Callable[[], Awaitable[Any]], asyncio.Future[Any], Any]]
    ) -> list[tuple[str, Any]]:
        """On aiosqlite's thread: every message's work, one transaction, a savepoint each."""
        raw = self.connection._conn
        raw.execute("BEGIN IMMEDIATE")
        outcomes: list[tuple[str, Any]] = []
        try:
            with self._worker_mode():
                for work, _future, context in items:
                    raw.execute("SAVEPOINT message")
                    try:
                        value = context.run(_drive, work)
                    except NeedsEventLoop:
                        outcome: tuple[str, Any] = (_ON_LOOP, None)
                    except Exception as exc:
                        outcome = (_FAILED, exc)
                    else:
                        outcome = (_OK, value)
                    if not raw.in_transaction:
                        raise _BatchAborted("SQLite rolled the batch back")
                    if outcome[0] != _OK:
                        raw.execute("ROLLBACK TO message")
                    raw.execute("RELEASE message")
                    outcomes.append(outcome)
            raw.execute("COMMIT")
        except BaseException as exc:
            if raw.in_transaction:
                raw.execute("ROLLBACK")
            raise exc if isinstance(exc, _BatchAborted) else _BatchAborted(str(exc)) from exc
        return outcomes

    @contextmanager
    def _worker_mode(self) -> Iterator[None]:
        """On aiosqlite's thread: the Database's calls use sqlite3 directly, and anything that
        reaches for an event loop raises NeedsEventLoop instead of touching the real one."""
        self._direct = DirectConnection(self.connection._conn)
        self._batch_thread = threading.get_ident()
        asyncio.events._set_running_loop(_NO_LOOP)  # type: ignore[arg-type]
        try:
            yield
        finally:
            asyncio.events._set_running_loop(None)
            self._batch_thread = None
            self._direct = None

    async def on_worker(self, work: Callable[[], Awaitable[T]]) -> T:
        """Run `work()` on aiosqlite's thread in one hand-off, inside the caller's open
        `transaction()`: its database calls (repositories included) hand nothing off.

        For long database-only work (an import's chunk, the reminder sweep); work that
        reaches for the event loop raises NeedsEventLoop, rolling the transaction back.
        """
        if self._in_batch():
            return await work()
        if not self._write_lock.locked():
            raise RuntimeError("Database.on_worker runs inside `async with db.transaction()`")
        context = contextvars.copy_context()
        return await self.connection._execute(self._run_on_worker, work, context)  # type: ignore[no-any-return]

    def _run_on_worker(self, work: Callable[[], Awaitable[T]], context: contextvars.Context) -> T:
        with self._worker_mode():
            return context.run(_drive, work)

    async def lead(self, job: str) -> bool:
        """Whether this instance runs `job` (the reminder tick, a polling channel) now.

        On PostgreSQL a session-level advisory lock named after the job: one instance holds it
        until its connection ends (it stops, dies or loses the network), then the next
        instance that asks takes it. On SQLite, one process per file: always this one.
        """
        if self.dialect != POSTGRESQL:
            return True
        if job in self._leading:
            return True
        row = await self.fetch_one("SELECT pg_try_advisory_lock(?)", (job_lock_key(job),))
        if row is not None and row[0]:
            self._leading.add(job)
            log.info("this instance now runs %s", job)
        return job in self._leading

    async def schema_version(self) -> int:
        row = await self.fetch_one("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")
        return int(row[0]) if row else 0

    async def close(self) -> None:
        if self._drainer is not None:
            await asyncio.wait([self._drainer])
        if self._on_loop_tasks:
            await asyncio.wait(list(self._on_loop_tasks))
        if self.checkpointer is not None:
            await asyncio.to_thread(self.checkpointer.stop)
        await self.connection.close()


class _Savepoint:
    """`Database.transaction()` inside a batch: a savepoint on the worker's connection.

    A class rather than a generator-based context manager: a lookup enters it at each step.
    """

    __slots__ = ("_direct",)

    def __init__(self, direct: DirectConnection) -> None:
        self._direct = direct

    async def __aenter__(self) -> aiosqlite.Connection:
        # One name for all: ROLLBACK TO and RELEASE act on the innermost savepoint of that
        # name, and the same statement text is prepared once, not per transaction.
        self._direct._raw.execute("SAVEPOINT tx")
        return self._direct  # type: ignore[return-value]  # the same calls as aiosqlite's

    async def __aexit__(self, kind: type[BaseException] | None, *_rest: object) -> None:
        raw = self._direct._raw
        if kind is not None:
            raw.execute("ROLLBACK TO tx")
        raw.execute("RELEASE tx")


def _drive(work: Callable[[], Awaitable[T]]) -> T:
    """Run a coroutine to its end on this thread; the database calls in it never suspend."""
    coroutine = work()
    if not isinstance(coroutine, Coroutine):
        raise TypeError("batched work must be a coroutine function")
    try:
        while True:
            if coroutine.send(None) is not None:
                # It waits on a future: something of the event loop's, not the database's.
                raise NeedsEventLoop("awaited a future")
    except StopIteration as stop:
        return stop.value  # type: ignore[no-any-return]
    finally:
        coroutine.close()


async def _on_loop(work: Callable[[], Awaitable[T]], future: asyncio.Future[T]) -> None:
    try:
        value = await work()
    except BaseException as exc:
        if not future.done():
            future.set_exception(exc)
        if not isinstance(exc, Exception):
            raise
    else:
        if not future.done():
            future.set_result(value)


def _migrations(dialect: str = SQLITE) -> list[tuple[int, str, str]]:
    """The migrations of one engine: db/migrations/*.sql, or their PostgreSQL twins in
    db/migrations/postgresql/ (same numbers and names; tests/db/test_dialect.py checks)."""
    folder = resources.files("db") / "migrations"
    if dialect == POSTGRESQL:
        folder = folder / "postgresql"
    found = []
    for entry in folder.iterdir():
        name = entry.name
        if name.endswith(".sql") and name[:4].isdigit():
            found.append((int(name[:4]), name, entry.read_text(encoding="utf-8")))
    return sorted(found)


async def migrate(connection: aiosqlite.Connection, dialect: str = SQLITE) -> list[str]:
    """Apply the migrations not yet applied, each in its own transaction; return their names.

    Each is applied under the write lock after checking again that it is still missing: two
    instances starting at once on one PostgreSQL apply it once.
    """
    await connection.execute("BEGIN IMMEDIATE")
    await connection.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
    )
    await connection.execute("COMMIT")
    async with connection.execute("SELECT version FROM schema_migrations") as cursor:
        applied = {row[0] for row in await cursor.fetchall()}
    done = []
    for version, name, sql in _migrations(dialect):
        if version in applied:
            continue
        # executescript would commit on its own; run the statements inside one transaction.
        await connection.execute("BEGIN IMMEDIATE")
        try:
            async with connection.execute(
                "SELECT 1 FROM schema_migrations WHERE version = ?", (version,)
            ) as cursor:
                already = await cursor.fetchone() is not None
            # PostgreSQL takes a whole file (functions with $$ bodies) as one script.
            statements = [sql] if dialect == POSTGRESQL else _split_sql(sql)
            for statement in [] if already else statements:
                await connection.execute(statement)
            if not already:
                await connection.execute(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                    (version, name, datetime.now(UTC).isoformat()),
                )
        except BaseException:
            await connection.execute("ROLLBACK")
            raise
        await connection.execute("COMMIT")
        if not already:
            log.info("applied migration %s", name)
            done.append(name)
    return done


def _split_sql(script: str) -> list[str]:
    statements, buffer = [], ""
    for line in script.splitlines(keepends=True):
        if line.strip().startswith("--"):
            continue
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        statements.append(buffer.strip())
    return statements


async def open_database(path: Path | str) -> Database:
    """Open (creating if needed) the database, set it up and migrate it: a `postgresql://`
    URL is a PostgreSQL server, anything else a SQLite file."""
    if is_postgresql_url(path):
        return await open_postgresql(str(path))
    path = Path(path)
    if str(path) != ":memory:":
        path.parent.mkdir(parents=True, exist_ok=True)
    connection = await aiosqlite.connect(path, isolation_level=None)
    connection.row_factory = sqlite3.Row
    await connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    await connection.execute("PRAGMA journal_mode = WAL")
    await connection.execute("PRAGMA synchronous = NORMAL")
    await connection.execute("PRAGMA foreign_keys = ON")
    # Deleted rows (an erasure, the retention purge) are overwritten with zeros, not left in
    # free pages; some SQLite builds have this on by default, the project does not rely on it.
    await connection.execute("PRAGMA secure_delete = ON")
    # Staff search (/tim) matches names with or without accents, as people type them.
    await connection.create_function("tdkt_match", 4, match_rank, deterministic=True)
    await migrate(connection)
    checkpointer = None
    if str(path) != ":memory:":
        await connection.execute(f"PRAGMA wal_autocheckpoint = {WalCheckpointer.SAFETY_NET_PAGES}")
        checkpointer = WalCheckpointer(path)
        checkpointer.start()
    return Database(connection, path, checkpointer)


async def open_postgresql(url: str) -> Database:
    """Connect to a PostgreSQL server (its database must exist) and migrate it."""
    # psycopg loads only for a PostgreSQL board: the SQLite processes (the import's two
    # among them) would otherwise carry its 20 MB (bench: +11% peak memory of an import).
    from db import pg

    identity = identity_tables([sql for _v, _n, sql in _migrations(POSTGRESQL)])
    connection = await pg.open_connection(url, identity)
    try:
        await migrate(connection, POSTGRESQL)  # type: ignore[arg-type]
    except BaseException:
        await connection.close()
        raise
    return Database(connection, redact_url(url), dialect=POSTGRESQL)  # type: ignore[arg-type]
