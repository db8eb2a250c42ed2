"""A throwaway PostgreSQL cluster for the tests: initdb in a temporary folder, a free port on
127.0.0.1 and a unix socket in that folder, removed after the run.

Debian's `postgresql` package provides the programs (.ci/ensure-postgresql installs it).
initdb refuses to run as root, so as root the cluster belongs to the `postgres` user. When the
cluster cannot start, `start_cluster` returns why, and the PostgreSQL tests are skipped with
that reason in pytest's summary: never silently.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import psycopg

#: A server's settings for tests only: nothing here must survive a crash.
_FAST = (
    "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=100"
    " -c shared_buffers=64MB"
)


@dataclass
class Cluster:
    folder: Path
    port: int
    run_as: str | None
    created: int = 0

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, template: str | None = None) -> str:
        """A new empty (or copied from `template`) database; its URL."""
        self.created += 1
        name = f"tdkt_{os.getpid()}_{self.created}"
        clause = f" TEMPLATE {template}" if template else ""
        with psycopg.connect(self.url(), autocommit=True) as admin:
            admin.execute(f"CREATE DATABASE {name}{clause}")
        return self.url(name)

    def drop_database(self, url: str) -> None:
        name = url.rsplit("/", 1)[1]
        with psycopg.connect(self.url(), autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def stop(self) -> None:
        _run(self, [_program("pg_ctl"), "-D", str(self.folder / "data"), "-m", "immediate", "stop"])
        shutil.rmtree(self.folder, ignore_errors=True)


def _program(name: str) -> str:
    found = shutil.which(name) or next(
        iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)), None
    )
    if found is None:
        raise FileNotFoundError(f"{name} not found (Debian package postgresql)")
    return found


def _run(cluster: Cluster, command: list[str]) -> subprocess.CompletedProcess[str]:
    if cluster.run_as is not None:
        command = ["runuser", "-u", cluster.run_as, "--", *command]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_cluster() -> Cluster | str:
    """A running cluster, or the reason there is none."""
    try:
        initdb, pg_ctl = _program("initdb"), _program("pg_ctl")
    except FileNotFoundError as exc:
        return f"PostgreSQL is not installed ({exc}); run .ci/ensure-postgresql"
    run_as = None
    if os.geteuid() == 0:
        try:
            owner = pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and there is no `postgres` user for initdb"
        run_as = "postgres"
    folder = Path(tempfile.mkdtemp(prefix="tdkt-pg-"))
    if run_as is not None:
        os.chown(folder, owner.pw_uid, owner.pw_gid)
    cluster = Cluster(folder=folder, port=_free_port(), run_as=run_as)
    data = folder / "data"
    init = _run(cluster, [initdb, "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8"])
    if init.returncode != 0:
        shutil.rmtree(folder, ignore_errors=True)
        return f"initdb failed: {init.stderr.strip()[-300:]}"
    options = f"-c listen_addresses=127.0.0.1 -p {cluster.port} -k {folder} {_FAST}"
    log = str(folder / "server.log")
    start = _run(cluster, [pg_ctl, "-D", str(data), "-l", log, "-o", options, "-w", "start"])
    if start.returncode != 0:
        detail = (folder / "server.log").read_text(errors="replace")[-300:]
        shutil.rmtree(folder, ignore_errors=True)
        return f"pg_ctl start failed: {start.stderr.strip()[-200:]} {detail}"
    return cluster
