"""The receipt QR code: /qr and `python -m bot qr` write a PNG that decodes to the deep link."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from config.settings import ROOT, Settings
from handlers.router import BotCore
from handlers.services import Services
from handlers.texts import lookup as tl
from handlers.texts import qr as t
from handlers.texts import staff as ts
from tests.conftest import ChatDriver
from tests.handlers.test_status_update import CODE, DIGITS, make_staff, seed_dossier

BOT = "tdkt_test_bot"
LINK = f"https://t.me/{BOT}?start=000_00_21_H01-261120-0001"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"telegram_bot_username": BOT})


def decode(png: bytes) -> list[str]:
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    return [barcode.text for barcode in zxingcpp.read_barcodes(image)]


async def test_qr_command_returns_a_decodable_png(services: Services, core: BotCore) -> None:
    await seed_dossier(services)
    await make_staff(services, "off1")
    replies = await ChatDriver(core, "console", "off1").send(f"/qr {CODE.lower()}")
    (reply,) = replies
    assert reply.image is not None and reply.image.startswith(b"\x89PNG\r\n\x1a\n")
    assert reply.image_name == f"qr-{CODE}.png"
    assert decode(reply.image) == [LINK]
    assert reply.text == t.CAPTION.format(code=CODE, link=LINK)
    image = Image.open(io.BytesIO(reply.image))
    assert image.height > image.width  # the band with the dossier code printed under the code
    payload = LINK.split("start=", 1)[1]
    assert re.fullmatch(r"[A-Za-z0-9_-]{1,64}", payload)


async def test_opening_the_deep_link_starts_the_lookup(services: Services, core: BotCore) -> None:
    await seed_dossier(services)
    await make_staff(services, "off1")
    (reply,) = await ChatDriver(core, "console", "off1").send(f"/qr {CODE}")
    assert reply.image is not None
    (link,) = decode(reply.image)
    payload = link.split("?start=", 1)[1]
    # Telegram sends `/start <payload>` when the citizen opens the link.
    citizen = ChatDriver(core, "telegram", "5551")
    assert await citizen.say(f"/start {payload}") == tl.ASK_PHONE.format(code=CODE)
    card = await citizen.say(DIGITS)
    assert card.startswith(f"📄 Hồ sơ {CODE}")


async def test_legacy_code_links_to_the_stored_dossier(services: Services, core: BotCore) -> None:
    await seed_dossier(services)
    await make_staff(services, "off1")
    legacy = CODE.replace(".H01-", ".H33-")
    (reply,) = await ChatDriver(core, "console", "off1").send(f"/qr {legacy}")
    assert reply.image is not None and decode(reply.image) == [LINK]


async def test_qr_refusals_and_bad_input(services: Services, core: BotCore) -> None:
    await seed_dossier(services)
    await make_staff(services, "off1")
    officer = ChatDriver(core, "console", "off1")
    assert await ChatDriver(core, "console", "9001").say(f"/qr {CODE}") == ts.REFUSED
    assert await officer.say("/qr") == t.USAGE
    assert "không phải là mã hồ sơ hợp lệ" in await officer.say("/qr 123")
    missing = "000.00.21.H01-261120-0099"
    assert (await officer.send(f"/qr {missing}"))[0].image is None
    services.bot_username = None
    assert await officer.say(f"/qr {CODE}") == t.NO_USERNAME


def run_cli(settings: Settings, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("TDKT_")}
    clean |= {"TDKT_DATABASE": str(settings.database), **env}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


async def test_cli_writes_a_decodable_png(
    services: Services, settings: Settings, tmp_path: Path
) -> None:
    await seed_dossier(services)
    out = tmp_path / "phieu.png"
    done = run_cli(settings, "qr", CODE, "-o", str(out), TDKT_TELEGRAM_BOT_USERNAME=BOT)
    assert done.returncode == 0, done.stderr
    assert decode(out.read_bytes()) == [LINK]
    assert LINK in done.stdout

    missing = tmp_path / "missing.png"
    failed = run_cli(
        settings,
        "qr",
        "000.00.21.H01-261120-0099",
        "-o",
        str(missing),
        TDKT_TELEGRAM_BOT_USERNAME=BOT,
    )
    assert failed.returncode == 1
    assert "Không tìm thấy hồ sơ" in failed.stderr
    assert not missing.exists()
    no_name = run_cli(settings, "qr", CODE, "-o", str(missing))
    assert no_name.returncode == 1 and "TDKT_TELEGRAM_BOT_USERNAME" in no_name.stderr
    assert not missing.exists()


PUBLIC = "https://tra-cuu.example.vn"


async def test_with_a_public_url_the_qr_opens_the_lookup_page(
    services: Services, core: BotCore, settings: Settings
) -> None:
    import httpx

    from bot.inbound import UpdateRunner
    from bot.web import build_web_app

    await seed_dossier(services)
    await make_staff(services, "off1")
    services.settings = settings.model_copy(update={"public_url": PUBLIC})
    (reply,) = await ChatDriver(core, "console", "off1").send(f"/qr {CODE}")
    assert reply.image is not None
    (link,) = decode(reply.image)
    assert link == f"{PUBLIC}/hs/{CODE}"  # not Telegram, which Vietnamese ISPs block
    # What the citizen's phone opens: the page with the code filled in.
    app = build_web_app(services, UpdateRunner(services.inbound, services.clock), [])
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=PUBLIC) as client:
        page = await client.get(link.removeprefix(PUBLIC))
    assert page.status_code == 200 and f'value="{CODE}"' in page.text


async def test_cli_qr_uses_the_public_url(
    services: Services, settings: Settings, tmp_path: Path
) -> None:
    await seed_dossier(services)
    out = tmp_path / "phieu.png"
    done = run_cli(settings, "qr", CODE, "-o", str(out), TDKT_PUBLIC_URL=PUBLIC)
    assert done.returncode == 0, done.stderr
    assert decode(out.read_bytes()) == [f"{PUBLIC}/hs/{CODE}"]
