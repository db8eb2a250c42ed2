"""Runs `python -m bot ...` in a child process, on a test's database file."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from config.settings import ROOT, Settings


def run_cli(settings: Settings, *args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """`python -m bot ARGS` in `cwd` with TDKT_DATABASE set; TDKT_ variables of the test run
    are left out, so only the test's settings count."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("TDKT_")}
    env["TDKT_DATABASE"] = str(settings.database)
    # The tree under test, whatever `cwd` is (the venv's editable install may name another).
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
