"""`python -m bot` as a real process: every mode exits within 5 s of SIGTERM; page + ZNS only;
chat APIs unreachable while the page keeps serving. Marked slow: each starts an interpreter."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bot.runtime import STOP_GRACE_SECONDS
from config.settings import ROOT
from handlers.texts import channels as tch
from tests.bot.test_zns import new_key
from tests.test_readme_example import free_port

pytestmark = pytest.mark.slow

#: What the issue asks of every mode, SIGTERM to exit.
EXIT_WITHIN_SECONDS = 5.0
#: How long a starting interpreter may take before the test gives up (a loaded machine).
START_TIMEOUT_SECONDS = 60.0


class Bot:
    """`python -m bot ARGS` in `cwd`, stdin held open, stdout and stderr in files."""

    def __init__(self, cwd: Path, args: list[str], env: dict[str, str]) -> None:
        clean = {k: v for k, v in os.environ.items() if not k.startswith("TDKT_")}
        clean["PYTHONPATH"] = str(ROOT)
        clean["TDKT_DATABASE"] = str(cwd / "bot.sqlite3")
        clean["PYTHONUNBUFFERED"] = "1"  # the console's banner reaches the file at once
        clean.update(env)
        self.out = cwd / "stdout.txt"
        self.err = cwd / "stderr.txt"
        with self.out.open("wb") as out, self.err.open("wb") as err:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bot", *args],
                cwd=cwd,
                env=clean,
                stdin=subprocess.PIPE,
                stdout=out,
                stderr=err,
            )

    def stderr(self) -> str:
        return self.err.read_text(encoding="utf-8", errors="replace")

    def stdout(self) -> str:
        return self.out.read_text(encoding="utf-8", errors="replace")

    def wait_for(self, what: str, *, in_stdout: bool = False) -> None:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            text = self.stdout() if in_stdout else self.stderr()
            if what in text:
                return
            assert self.process.poll() is None, f"exited early:\n{self.stderr()}"
            time.sleep(0.1)
        raise AssertionError(f"{what!r} never appeared:\n{self.stderr()}")

    def get(self, port: int, path: str) -> httpx.Response:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while True:
            try:
                return httpx.get(f"http://127.0.0.1:{port}{path}", timeout=5)
            except httpx.TransportError:
                assert self.process.poll() is None, f"exited early:\n{self.stderr()}"
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def terminate(self) -> float:
        """SIGTERM; the seconds until the process is gone."""
        sent = time.monotonic()
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        finally:
            if self.process.poll() is None:
                self.process.kill()
            assert self.process.stdin is not None
            self.process.stdin.close()
        return time.monotonic() - sent


@pytest.fixture
def bots() -> Iterator[list[Bot]]:
    started: list[Bot] = []
    yield started
    for bot in started:
        if bot.process.poll() is None:
            bot.process.kill()
            bot.process.wait()


def unreachable() -> str:
    """A local port nobody listens on: the connection is refused, as for a blocked API."""
    return f"http://127.0.0.1:{free_port()}/bot"


def zns_env() -> dict[str, str]:
    return {
        "TDKT_ZNS_TEMPLATE_STATUS": "123456",
        "TDKT_ZNS_ACCESS_TOKEN": "hand-set-token",
        "TDKT_PHONE_KEY": new_key(),
        "TDKT_ZNS_BASE_URL": unreachable().removesuffix("/bot"),
    }


def test_the_grace_leaves_room_inside_5_seconds() -> None:
    assert STOP_GRACE_SECONDS + 1.0 < EXIT_WITHIN_SECONDS == 5.0
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    assert "exits within 5 s of SIGTERM" in readme


def test_page_and_zns_only_serves_the_page_and_stops_on_sigterm(
    tmp_path: Path, bots: list[Bot]
) -> None:
    port = free_port()
    env = {"TDKT_PUBLIC_URL": "https://tracuu.example.vn", "TDKT_HTTP_PORT": str(port)}
    bot = Bot(tmp_path, ["run"], env | zns_env())
    bots.append(bot)
    health = bot.get(port, "/healthz")
    assert health.status_code == 200, health.text
    assert health.json()["last_sent"] == {"zns": None}
    assert health.json()["channels"]["zns"]["state"] == "up"
    assert bot.get(port, "/tra-cuu").status_code == 200
    assert tch.PAGE_ONLY in bot.stderr()
    took = bot.terminate()
    assert took < EXIT_WITHIN_SECONDS, took
    assert bot.process.returncode == 0, bot.stderr()


def test_zns_alone_runs_without_a_page_or_a_console(tmp_path: Path, bots: list[Bot]) -> None:
    bot = Bot(tmp_path, ["run"], zns_env())
    bots.append(bot)
    bot.wait_for(tch.PAGE_ONLY)
    took = bot.terminate()
    assert took < EXIT_WITHIN_SECONDS, took
    assert bot.process.returncode == 0, bot.stderr()
    assert "TĐKT Bot — kênh dòng lệnh" not in bot.stdout()  # not the console


def test_unreachable_chat_apis_leave_the_page_up_and_healthz_says_which(
    tmp_path: Path, bots: list[Bot]
) -> None:
    port = free_port()
    env = {
        "TDKT_PUBLIC_URL": "https://bot.example.vn",
        "TDKT_HTTP_PORT": str(port),
        "TDKT_TELEGRAM_TOKEN": "123456:telegram-token-for-the-test",
        "TDKT_TELEGRAM_BASE_URL": unreachable(),
        "TDKT_ZALO_TOKEN": "98765:zalo-token-for-the-test",
        "TDKT_ZALO_BASE_URL": unreachable(),
    }
    bot = Bot(tmp_path, ["run"], env)
    bots.append(bot)
    bot.wait_for("Kênh zalo: không kết nối được")
    health = bot.get(port, "/healthz")
    assert health.status_code == 503
    channels = health.json()["channels"]
    assert channels["telegram"]["state"] == channels["zalo"]["state"] == "down"
    assert channels["telegram"]["reason"] == channels["zalo"]["reason"] == "network"
    assert set(health.json()["problems"]) == {"channel_down:telegram", "channel_down:zalo"}
    assert bot.get(port, "/tra-cuu").status_code == 200
    log = bot.stderr()
    assert "Kênh telegram: không kết nối được" in log and "Traceback" not in log
    assert "từ chối" not in log
    assert "telegram-token-for-the-test" not in log and "zalo-token-for-the-test" not in log
    took = bot.terminate()
    assert took < EXIT_WITHIN_SECONDS, took
    assert bot.process.returncode == 0, bot.stderr()


def test_run_with_console_stops_on_sigterm_while_waiting_for_a_line(
    tmp_path: Path, bots: list[Bot]
) -> None:
    env = {"TDKT_ZALO_TOKEN": "98765:zalo-token-for-the-test", "TDKT_ZALO_BASE_URL": unreachable()}
    bot = Bot(tmp_path, ["run", "--console"], env)
    bots.append(bot)
    bot.wait_for("Kênh zalo: không kết nối được")
    bot.wait_for("TĐKT Bot — kênh dòng lệnh", in_stdout=True)
    took = bot.terminate()
    assert took < EXIT_WITHIN_SECONDS, took
    assert bot.process.returncode == 0, bot.stderr()


def test_the_console_stops_on_sigterm(tmp_path: Path, bots: list[Bot]) -> None:
    bot = Bot(tmp_path, ["console"], {})
    bots.append(bot)
    bot.wait_for("TĐKT Bot — kênh dòng lệnh", in_stdout=True)
    took = bot.terminate()
    assert took < EXIT_WITHIN_SECONDS, took
