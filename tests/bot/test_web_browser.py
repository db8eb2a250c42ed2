"""The lookup page in a real browser: Playwright driving Debian's chromium, as a citizen would.

Takes the README's screenshots (a 390×844 phone viewport): into a temporary folder, so `make
test` leaves the working copy as it was; with TDKT_SCREENSHOTS=docs it writes
docs/web-lookup-*.png for the README. Needs
/usr/bin/chromium: `make test` installs it when missing (.ci/ensure-chromium); when that is
impossible this test is skipped with a loud reason, never silently.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
import threading
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from config.settings import ROOT, Settings

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ZALO_BOT = "https://zalo.me/tdkt-bot-demo"
#: Where the screenshots go: docs/ only when asked (TDKT_SCREENSHOTS=docs).
DOCS = ROOT / "docs" if os.environ.get("TDKT_SCREENSHOTS") == "docs" else None
#: Wednesday 25 November 2026, 09:00 in Vietnam.
SCREENSHOT_DAY = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)

pytestmark = pytest.mark.browser


def chromium_or_skip() -> Path:
    if CHROMIUM.is_file() or shutil.which("chromium"):
        return CHROMIUM if CHROMIUM.is_file() else Path(shutil.which("chromium") or CHROMIUM)
    reason = (
        "BROWSER TEST SKIPPED: chromium is not installed (/usr/bin/chromium missing). "
        "`make test` runs .ci/ensure-chromium, which installs it with `apt-get install -y "
        "chromium` as root; see its output above for why it could not."
    )
    warnings.warn(reason, stacklevel=2)
    pytest.skip(reason)


@dataclass
class Served:
    base: str
    code: str
    digits: str


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    """The real web app under uvicorn on a free port, in its own thread and event loop."""
    from bot.app import open_app
    from bot.demo import ensure_demo_data
    from bot.inbound import UpdateRunner
    from bot.web import WebServer, bind, build_web_app

    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        database=tmp_path / "web.sqlite3",
        zalo_bot_url=ZALO_BOT,
        telegram_bot_username="tdkt_demo_bot",
    )
    # Bound before the server runs: connections wait in the backlog, no start-up race.
    sock = bind("127.0.0.1", 0)
    port = int(sock.getsockname()[1])
    ready = threading.Event()
    found: dict[str, str] = {}
    servers: list[WebServer] = []

    async def main() -> None:
        # A fixed day: the demo's dates, and so the screenshots, are the same at every run.
        app = await open_app(settings, clock=lambda: SCREENSHOT_DAY)
        try:
            dossiers = await ensure_demo_data(app.services)
            found.update(code=dossiers[0].code, digits=dossiers[0].phone_last4)
            runner = UpdateRunner(app.services.inbound, app.services.clock)
            server = WebServer(build_web_app(app.services, runner, []), sock)
            servers.append(server)
            ready.set()
            await server.serve()
            await runner.close()
        finally:
            ready.set()
            await app.close()

    thread = threading.Thread(target=lambda: asyncio.run(main()), daemon=True)
    thread.start()
    assert ready.wait(30) and servers, "the web app did not start"
    try:
        yield Served(f"http://127.0.0.1:{port}", found["code"], found["digits"])
    finally:
        servers[0].stop()
        thread.join(30)
        sock.close()


def test_citizen_opens_the_qr_link_fails_once_then_sees_the_card(served: Served) -> None:
    executable = chromium_or_skip()
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(executable), headless=True, args=CHROMIUM_ARGS
        )
        try:
            context = browser.new_context(
                viewport={"width": 390, "height": 844}, locale="vi-VN", device_scale_factor=1
            )
            page = context.new_page()
            problems: list[str] = []
            page.on(
                "console", lambda msg: problems.append(msg.text) if msg.type == "error" else None
            )
            # Nothing may leave for the internet but the Zalo link the test follows.
            page.route(
                "**/*",
                lambda route: (
                    route.continue_()
                    if route.request.url.startswith(served.base)
                    else route.fulfill(
                        status=200,
                        content_type="text/html; charset=utf-8",
                        body="<!doctype html><title>Zalo</title><p>Zalo bot</p>",
                    )
                ),
            )

            page.goto(f"{served.base}/hs/{served.code}")
            expect(page.get_by_label("Mã hồ sơ")).to_have_value(served.code)
            expect(page.get_by_label("4 số cuối số điện thoại")).to_be_focused()
            _shoot(page, "web-lookup-form.png")

            wrong = "1111" if served.digits != "1111" else "2222"
            page.get_by_label("4 số cuối số điện thoại").fill(wrong)
            page.get_by_role("button", name="Tra cứu").click()
            alert = page.get_by_role("alert")
            expect(alert).to_contain_text("4 số cuối chưa đúng")
            expect(page.locator("[data-outcome=card]")).to_have_count(0)
            _shoot(page, "web-lookup-wrong.png")

            page.get_by_label("4 số cuối số điện thoại").fill(served.digits)
            page.get_by_role("button", name="Tra cứu").click()
            card = page.locator("[data-outcome=card]")
            expect(card).to_be_visible()
            expect(card.get_by_role("heading", level=2)).to_contain_text(served.code)
            expect(card).to_contain_text("Trạng thái")
            _shoot(page, "web-lookup-card.png")

            zalo = page.get_by_role("link", name="Nhận thông báo qua Zalo")
            expect(zalo).to_have_attribute("href", ZALO_BOT)
            expect(page.get_by_role("link", name="Nhận thông báo qua Telegram")).to_have_attribute(
                "href", f"https://t.me/tdkt_demo_bot?start={served.code.replace('.', '_')}"
            )
            zalo.click()
            page.wait_for_url(ZALO_BOT)
            assert page.url == ZALO_BOT
            assert problems == []  # no CSP violation, no failed asset
        finally:
            browser.close()


def _shoot(page: Any, name: str) -> None:
    """A whole-page screenshot once the page and its stylesheet have loaded: taken earlier,
    the page's height may still be the viewport's and the picture cut short."""
    page.wait_for_load_state("load")
    folder = DOCS or Path(tempfile.gettempdir()) / "tdkt-screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=folder / name, full_page=True)
    assert (folder / name).read_bytes().startswith(b"\x89PNG")
