"""The console channel: rendering, the piped loop, and `python -m bot` as a subprocess."""

from __future__ import annotations

import asyncio
import io
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import bot.cli as cli
import bot.console_channel as console_channel
from bot.console_channel import render, run_console
from bot.demo import DEMO, demo_inputs
from config.settings import DEMO_DATABASE, ROOT, Settings
from db.connection import open_database
from db.dossiers import DossierRepository
from handlers.messages import Choice, Incoming, Reply
from handlers.router import BotCore
from handlers.services import Services
from handlers.texts import common as tc
from handlers.texts import console as tconsole
from handlers.texts import lookup as tl


def run_bot(cwd: Path, stdin: str, **env: str) -> subprocess.CompletedProcess[str]:
    """`python -m bot` with piped stdin, no TDKT_ variables but `env`, no developer .env."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("TDKT_")}
    clean["PYTHONPATH"] = str(ROOT)
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-m", "bot"],
        cwd=cwd,
        env=clean,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )


async def count_dossiers_async(path: Path) -> int:
    """How many dossiers the database file holds."""
    db = await open_database(path)
    try:
        return await DossierRepository(db).count()
    finally:
        await db.close()


def count_dossiers(path: Path) -> int:
    """count_dossiers_async for tests that are not coroutines."""
    return asyncio.run(count_dossiers_async(path))


def test_render_numbers_choices(tmp_path: Path) -> None:
    reply = Reply(
        "Chọn hình thức khen thưởng:",
        choices=(Choice("Bằng khen", "k:BKCT"), Choice("Giấy khen", "k:GK")),
    )
    assert render(reply, tmp_path).splitlines() == [
        "Chọn hình thức khen thưởng:",
        "",
        "1. Bằng khen",
        "2. Giấy khen",
    ]
    assert render(Reply("Không có lựa chọn"), tmp_path) == "Không có lựa chọn"


def test_render_saves_image_and_document(tmp_path: Path) -> None:
    reply = Reply(
        "Mã QR",
        image=b"\x89PNG data",
        image_name="../../qr.png",
        document=b"a,b\n",
        document_name="bao-cao.csv",
    )
    lines = render(reply, tmp_path / "files").splitlines()
    image = tmp_path / "files" / "qr.png"
    document = tmp_path / "files" / "bao-cao.csv"
    assert lines == [
        "Mã QR",
        tconsole.IMAGE_SAVED.format(path=image),
        tconsole.DOCUMENT_SAVED.format(path=document),
    ]
    assert image.read_bytes() == b"\x89PNG data"
    assert document.read_bytes() == b"a,b\n"


async def test_piped_loop_answers_choices_by_number(core: BotCore) -> None:
    picked: list[str] = []

    async def ask(_incoming: Incoming, _services: Services, _args: str) -> list[Reply]:
        return [
            Reply("Đề nghị cho ai?", choices=(Choice("Cá nhân", "ai:1"), Choice("Tập thể", "ai:2")))
        ]

    async def answer(_incoming: Incoming, _services: Services, rest: str) -> list[Reply]:
        picked.append(rest)
        return [Reply(f"Đã chọn {rest}")]

    core.router.command("thu", ask, "thử", listed=False)
    core.router.payload("ai", answer)
    stdin = io.StringIO("/thu\n7\n2\n2\n")
    stdout = io.StringIO()
    await run_console(core, stdin=stdin, stdout=stdout, banner=["Cơ sở dữ liệu: thử"])
    output = stdout.getvalue()
    assert output.startswith(tconsole.BANNER + "\nCơ sở dữ liệu: thử\n")
    assert "> /thu\nĐề nghị cho ai?\n\n1. Cá nhân\n2. Tập thể\n" in output
    assert tc.CHOICE_OUT_OF_RANGE.format(count=2) in output
    assert "> 2\nĐã chọn 2\n" in output
    assert picked == ["2"]
    # Once answered, the choices are gone: a second "2" is ordinary text, answered (issue 26.2)
    # with the line for what is not understood and the menu of common questions under it.
    last = output.rstrip().rsplit("> 2\n", 1)[1]
    assert last.startswith(
        tc.NOT_UNDERSTOOD.format(example="000.00.21.H01-250704-0001") + "\n\n1. "
    )
    assert last.endswith("11. Hồ sơ của tôi đang đến đâu?")


async def test_piped_lookup_subprocess(services: Services, settings: Settings) -> None:
    assert settings.database is not None
    items = demo_inputs(services.today(), services)
    await services.dossiers.upsert_many(items, actor="test", now=services.now())
    await services.db.close()
    before = await count_dossiers_async(settings.database)
    assert before == len(DEMO)
    demo = items[1]

    result = await asyncio.to_thread(
        run_bot,
        settings.database.parent,
        f"/start\n{demo.code.lower()}\n{demo.phone_last4}\n",
        TDKT_DATABASE=str(settings.database),
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Traceback" not in result.stderr
    assert tconsole.DATABASE_LINE.format(path=settings.database) in out
    assert tconsole.DEMO_HEADER.split("(")[0] not in out
    assert "> /start\nXin chào!" in out
    assert tl.ASK_PHONE.format(code=demo.code) in out
    card = out.split(f"> {demo.phone_last4}\n", 1)[1]
    assert card.startswith(f"📄 Hồ sơ {demo.code}\n")
    assert f"Đối tượng đề nghị: {demo.nominee}\n" in card
    assert f"Trạng thái: {demo.status.citizen_label}\n" in card
    assert f"Ngày tiếp nhận: {demo.received_on:%d/%m/%Y}\n" in card
    assert f"Ngày hẹn trả kết quả: {demo.due_on:%d/%m/%Y}\n" in card
    # The console never adds demo data to a database named by TDKT_DATABASE.
    assert await count_dossiers_async(settings.database) == before


def test_console_on_a_new_empty_database(tmp_path: Path) -> None:
    database = tmp_path / "empty.sqlite3"
    result = run_bot(tmp_path, "000.00.21.H01-261110-0001\n\n", TDKT_DATABASE=str(database))
    assert result.returncode == 0, result.stderr
    assert "Không tìm thấy hồ sơ có mã 000.00.21.H01-261110-0001." in result.stdout
    assert tc.EMPTY in result.stdout
    assert count_dossiers(database) == 0


def test_console_bad_setting(tmp_path: Path) -> None:
    result = run_bot(tmp_path, "/start\n", TDKT_TIMEZONE="Mars/Olympus")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.strip().count("\n") == 0
    assert "TDKT_TIMEZONE" in result.stderr


def test_console_uses_demo_database_when_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TDKT_DATABASE", raising=False)
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.database_path(console=True) == DEMO_DATABASE
    assert settings.database_path() != DEMO_DATABASE


async def test_cli_console_opens_demo_database_and_fills_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Without TDKT_DATABASE the console asks for the demo file and prints the demo codes."""
    from tests.test_readme_example import free_port

    monkeypatch.delenv("TDKT_DATABASE", raising=False)
    # The demo serves the lookup page beside the console: on a free port, not 8080.
    settings = Settings(_env_file=None, http_port=free_port())  # type: ignore[call-arg]
    requested: list[Path | None] = []
    banners: list[list[str]] = []
    real_open_app = cli.open_app

    async def open_app(settings: Settings, *, database: Path | None = None, **kw: Any) -> Any:
        requested.append(database)
        return await real_open_app(settings, database=tmp_path / "demo-copy.sqlite3", **kw)

    async def fake_loop(_core: BotCore, *, banner: list[str] | None = None, **_kw: Any) -> None:
        banners.append(list(banner or []))

    monkeypatch.setattr(cli, "open_app", open_app)
    monkeypatch.setattr(console_channel, "run_console", fake_loop)
    assert await cli.run_console(settings) == cli.EXIT_OK
    assert requested == [DEMO_DATABASE]
    (banner,) = banners
    assert banner[0] == tconsole.DEMO_HEADER.format(path=DEMO_DATABASE)
    demo_lines = [line for line in banner if line.startswith("  000.00.21.")]
    assert len(demo_lines) == len(DEMO)
    assert await count_dossiers_async(tmp_path / "demo-copy.sqlite3") == len(DEMO)


async def test_odd_digits_while_choices_are_offered(core: BotCore) -> None:
    async def ask(_incoming: Incoming, _services: Services, _args: str) -> list[Reply]:
        return [Reply("Chọn", choices=(Choice("Một", "ai:1"), Choice("Hai", "ai:2")))]

    core.router.command("thu", ask, "thử", listed=False)
    stdin = io.StringIO("/thu\n²\n/thu\n" + "9" * 4000 + "\n")
    stdout = io.StringIO()
    await run_console(core, stdin=stdin, stdout=stdout)
    output = stdout.getvalue()
    assert tc.INTERNAL_ERROR not in output
    assert output.count(tc.CHOICE_OUT_OF_RANGE.format(count=2)) == 1
