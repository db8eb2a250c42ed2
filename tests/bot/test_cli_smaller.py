"""Smaller things the command line got wrong (issue 22.9): pipes, file names, overwrites."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from config.settings import ROOT, Settings
from handlers.texts import newuser as tn
from tests.cli import run_cli
from tests.handlers.test_status_update import CODE, seed_dossier


def test_calendar_into_a_closed_pipe_exits_quietly(tmp_path: Path) -> None:
    """`bot calendar 2030 | head -3`: the reader is gone before the bot writes."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("TDKT_")}
    read, write = os.pipe()
    os.close(read)  # the reader quit at once, as `head -0` would
    try:
        done = subprocess.run(
            [sys.executable, "-m", "bot", "calendar", "2030"],
            cwd=ROOT,
            env=env,
            stdout=write,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
            check=False,
        )
    finally:
        os.close(write)
    assert "Traceback" not in done.stderr and "BrokenPipe" not in done.stderr, done.stderr
    assert done.returncode == 0


async def test_qr_refuses_a_name_that_is_not_png(
    services: object, settings: Settings, tmp_path: Path
) -> None:
    await seed_dossier(services)  # type: ignore[arg-type]
    configured = ["qr", CODE, "-o", str(tmp_path / "x.jpg")]
    env_settings = settings.model_copy(update={"public_url": "https://bot.example.vn"})
    done = run_cli_with_url(env_settings, *configured)
    assert done.returncode == 1
    assert tn.QR_NOT_PNG.format(name="x.jpg") in done.stderr
    assert not (tmp_path / "x.jpg").exists()
    good = run_cli_with_url(env_settings, "qr", CODE, "-o", str(tmp_path / "x.png"))
    assert good.returncode == 0, good.stderr
    assert (tmp_path / "x.png").read_bytes().startswith(b"\x89PNG")


def run_cli_with_url(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("TDKT_")}
    env["TDKT_DATABASE"] = str(settings.database)
    env["TDKT_PUBLIC_URL"] = str(settings.public_url)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


async def test_export_refuses_to_overwrite_without_force(
    services: object, settings: Settings, tmp_path: Path
) -> None:
    await seed_dossier(services)  # type: ignore[arg-type]
    target = tmp_path / "ho-so.csv"
    target.write_text("giữ nguyên", encoding="utf-8")
    refused = run_cli(settings, "export", "-o", str(target))
    assert refused.returncode == 1
    assert tn.EXPORT_EXISTS.format(path=target) in refused.stderr
    assert target.read_text(encoding="utf-8") == "giữ nguyên"
    forced = run_cli(settings, "export", "--force", "-o", str(target))
    assert forced.returncode == 0, forced.stderr
    assert CODE in target.read_text(encoding="utf-8-sig")


async def test_report_ends_with_a_line_break(
    services: object, settings: Settings, tmp_path: Path
) -> None:
    await seed_dossier(services)  # type: ignore[arg-type]
    done = run_cli(settings, "report", "--from", "2026-11-01", "--to", "2026-11-30")
    assert done.returncode == 0, done.stderr
    assert done.stdout.endswith("\n") and not done.stdout.endswith("\n\n")
