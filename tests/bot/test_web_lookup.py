"""The public lookup page (bot/web_lookup.py) on httpx.ASGITransport: rules, limits, security."""

from __future__ import annotations

import asyncio
import html
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pytest

from bot.inbound import UpdateRunner
from bot.web import build_web_app
from bot.web_lookup import CSRF_COOKIE, SECURITY_HEADERS, card_view
from config.settings import Settings
from handlers import lookup
from handlers.lookup import MAX_FAILURES_PER_CHAT, status_card
from handlers.router import BotCore
from handlers.services import Services
from handlers.texts import lookup as tl
from handlers.texts import web as tw
from tests.conftest import ChatDriver, MovableClock
from tests.handlers.test_status_update import CODE, DIGITS, OTHER_CODE, seed_dossier

WRONG = "0000"
ZALO_URL = "https://zalo.me/1234567890123456789"
BOT = "tdkt_test_bot"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        database=tmp_path / "tdkt.sqlite3",
        zalo_bot_url=ZALO_URL,
        telegram_bot_username=BOT,
    )


class Browser:
    """One visitor: a cookie jar and an address, like a phone behind one IP."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def open(self, path: str = "/tra-cuu") -> httpx.Response:
        return await self.client.get(path)

    async def lookup(
        self, code: str, digits: str, *, token: str | None = None, **headers: str
    ) -> httpx.Response:
        if token is None:
            token = form_token(await self.open())
        return await self.client.post(
            "/tra-cuu", data={"csrf": token, "code": code, "digits": digits}, headers=headers
        )


def form_token(response: httpx.Response) -> str:
    found = re.search(r'name="csrf" value="([0-9a-f]+)"', response.text)
    assert found, response.text
    return found.group(1)


def outcome(response: httpx.Response) -> str:
    found = re.search(r'data-outcome="(\w+)"', response.text)
    return found.group(1) if found else "form"


def visible_text(response: httpx.Response) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", response.text))


@pytest.fixture
def web_app(services: Services) -> object:
    return build_web_app(services, UpdateRunner(services.inbound, services.clock), [])


@asynccontextmanager
async def visitor(app: object, address: str = "203.0.113.7") -> AsyncIterator[Browser]:
    transport = httpx.ASGITransport(app=app, client=(address, 51000))  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield Browser(client)


@pytest.fixture
async def citizen(web_app: object) -> AsyncIterator[Browser]:
    async with visitor(web_app) as browser:
        yield browser


async def test_qr_target_prefills_the_code_and_is_an_accessible_vietnamese_page(
    services: Services, citizen: Browser
) -> None:
    await seed_dossier(services)
    page = await citizen.open(f"/hs/{CODE.lower()}")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert '<html lang="vi">' in page.text
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in page.text
    assert f'value="{CODE}"' in page.text  # normalised, ready for the digits
    for field in ("code", "digits"):
        assert f'<label for="{field}">' in page.text and f'id="{field}"' in page.text
    assert "<script" not in page.text and "style=" not in page.text
    assert not re.search(r'(src|href)="(https?:)?//', page.text)  # no third-party asset
    assert "Nguyễn Văn An" not in page.text  # opening the link shows nothing of the dossier
    hostile = await citizen.open('/hs/"><script>alert(1)</script>' + "9" * 500)
    assert hostile.status_code == 200 and "<script>" not in hostile.text
    assert (
        len(re.search(r'id="code" name="code" type="text" value="([^"]*)"', hostile.text)[1]) < 120
    )
    css = await citizen.open("/tra-cuu.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")


async def test_security_headers_and_the_csrf_cookie(services: Services, citizen: Browser) -> None:
    await seed_dossier(services)
    page = await citizen.open("/tra-cuu")
    for name, value in SECURITY_HEADERS.items():
        assert page.headers[name] == value
    csp = page.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert page.headers["x-frame-options"] == "DENY"
    assert page.headers["cache-control"] == "no-store"
    cookie = page.headers["set-cookie"].lower()
    assert f"{CSRF_COOKIE}=" in cookie
    assert "samesite=strict" in cookie and "httponly" in cookie
    card = await citizen.lookup(CODE, DIGITS)
    assert outcome(card) == "card"
    assert card.headers["cache-control"] == "no-store"
    assert card.headers["referrer-policy"] == "no-referrer"
    assert card.headers["x-content-type-options"] == "nosniff"


async def test_wrong_digits_then_the_right_ones_show_the_chat_card(
    services: Services, citizen: Browser
) -> None:
    dossier = await seed_dossier(services)
    wrong = await citizen.lookup(CODE, WRONG)
    assert outcome(wrong) == lookup.WRONG
    assert tl.WRONG_PHONE.format(left=MAX_FAILURES_PER_CHAT - 1) in visible_text(wrong)
    assert "Nguyễn Văn An" not in wrong.text
    assert f'value="{CODE}"' in wrong.text  # the code stays, only the digits are asked again

    card = await citizen.lookup(CODE.lower(), "５６ ７８")  # a phone's full-width digits
    assert outcome(card) == "card"
    text = visible_text(card)
    expected = await status_card(services, dossier)
    title, *lines = expected.text.splitlines()
    words = " ".join(text.split())
    assert title.removeprefix("📄 ") in words
    for line in lines:
        assert " ".join(line.split()) in words  # the same lines as the chat
    assert f'href="{ZALO_URL}"' in card.text and tw.NOTIFY_ZALO in text
    assert f'href="https://t.me/{BOT}?start=000_00_21_H01-261120-0001"' in card.text


async def test_no_card_without_the_digits(services: Services, citizen: Browser) -> None:
    await seed_dossier(services)
    for digits in ("", "12", "abcd", "12345", "5678' OR 1=1", "٥٦٧٨x"):
        response = await citizen.lookup(CODE, digits)
        assert outcome(response) == "bad", digits
        assert "Nguyễn Văn An" not in response.text
        assert tw.PHONE_FORMAT in visible_text(response)
    bad_code = await citizen.lookup("<script>alert(1)</script>", DIGITS)
    assert outcome(bad_code) == "bad"
    assert "<script>alert" not in bad_code.text  # escaped, never markup
    missing = await citizen.lookup(OTHER_CODE, DIGITS)
    assert outcome(missing) == lookup.NOT_FOUND
    # Bad formats are not attempts: the right digits still work at once.
    assert outcome(await citizen.lookup(CODE, DIGITS)) == "card"


async def test_csrf_post_without_the_cookie_or_with_a_foreign_token_is_refused(
    services: Services, web_app: object
) -> None:
    await seed_dossier(services)
    async with visitor(web_app) as victim, visitor(web_app, "198.51.100.9") as attacker:
        attacker_token = form_token(await attacker.open())
        # A cross-site form post arrives without the SameSite=Strict cookie.
        cross_site = await victim.client.post(
            "/tra-cuu", data={"csrf": attacker_token, "code": CODE, "digits": DIGITS}
        )
        assert cross_site.status_code == 403
        assert outcome(cross_site) == "expired" and "Nguyễn Văn An" not in cross_site.text
        await victim.open()  # the victim has a cookie now; the attacker's token is not for it
        forged = await victim.lookup(CODE, DIGITS, token=attacker_token)
        assert forged.status_code == 403 and "Nguyễn Văn An" not in forged.text
        blank = await victim.lookup(CODE, DIGITS, token="")
        assert blank.status_code == 403
        # Refused posts are not attempts and change nothing: the owner still gets the card.
        assert outcome(await victim.lookup(CODE, DIGITS)) == "card"


async def test_junk_and_oversized_bodies(services: Services, citizen: Browser) -> None:
    await seed_dossier(services)
    await citizen.open()
    huge = await citizen.client.post("/tra-cuu", content=b"code=" + b"x" * 10_000)
    assert huge.status_code == 413
    junk = await citizen.client.post(
        "/tra-cuu", content=b"\xff\xfe\x00garbage", headers={"content-type": "text/plain"}
    )
    assert junk.status_code == 403 and outcome(junk) == "expired"


async def test_five_wrong_from_one_client_lock_that_dossier_for_it(
    services: Services, web_app: object, clock: MovableClock, core: BotCore
) -> None:
    """Issue 23 item 8: on the page the 5 count per (address, dossier), not per address."""
    await seed_dossier(services)
    await seed_dossier(services, OTHER_CODE, phone="4321")
    async with visitor(web_app) as citizen:
        outcomes = [
            outcome(await citizen.lookup(CODE, WRONG)) for _ in range(MAX_FAILURES_PER_CHAT)
        ]
        assert outcomes == [lookup.WRONG] * (MAX_FAILURES_PER_CHAT - 1) + [lookup.COOLDOWN]
        locked = await citizen.lookup(CODE, DIGITS)
        assert outcome(locked) == lookup.COOLDOWN
        assert "Nguyễn Văn An" not in locked.text
        # Someone else behind the same address (CGNAT, the desk's Wi-Fi) is not locked out.
        assert outcome(await citizen.lookup(OTHER_CODE, "4321")) == "card"
    # Another address is another client.
    async with visitor(web_app, "192.0.2.44") as neighbour:
        assert outcome(await neighbour.lookup(CODE, DIGITS)) == "card"
    # The web client is not a chat: a Telegram chat is untouched by it.
    telegram = ChatDriver(core, "telegram", "777")
    assert (await telegram.send(CODE))[0].extra[lookup.OUTCOME] == lookup.ASK_PHONE
    clock.advance(hours=lookup.FAILURE_WINDOW.total_seconds() / 3600, minutes=1)
    async with visitor(web_app) as citizen:
        assert outcome(await citizen.lookup(CODE, DIGITS)) == "card"


async def test_concurrent_guesses_never_exceed_the_allowance(
    services: Services, web_app: object
) -> None:
    await seed_dossier(services)
    async with visitor(web_app) as citizen:
        token = form_token(await citizen.open())
        guesses = [f"{n:04d}" for n in range(1000, 1000 + 3 * MAX_FAILURES_PER_CHAT)]
        responses = await asyncio.gather(
            *(citizen.lookup(CODE, digits, token=token) for digits in guesses)
        )
        outcomes = [outcome(response) for response in responses]
        assert "card" not in outcomes
        assert outcomes.count(lookup.WRONG) < MAX_FAILURES_PER_CHAT
        assert set(outcomes) <= {lookup.WRONG, lookup.COOLDOWN}
        assert outcome(await citizen.lookup(CODE, DIGITS, token=token)) == lookup.COOLDOWN
    since = services.now() - lookup.FAILURE_WINDOW
    failures = await services.attempts.failures_for_chat("web", "203.0.113.7", since)
    assert failures <= MAX_FAILURES_PER_CHAT


async def test_forwarded_for_is_believed_only_from_a_trusted_proxy(
    services: Services, settings: Settings
) -> None:
    await seed_dossier(services)
    await seed_dossier(services, OTHER_CODE, phone="4321")
    runner = UpdateRunner(services.inbound, services.clock)
    # Untrusted: a header per request would otherwise be a fresh allowance per request.
    app = build_web_app(services, runner, [])
    async with visitor(app, "203.0.113.50") as direct:
        results = [
            outcome(await direct.lookup(CODE, WRONG, **{"X-Forwarded-For": f"10.0.0.{n}"}))
            for n in range(MAX_FAILURES_PER_CHAT)
        ]
        assert results[-1] == lookup.COOLDOWN
    services.settings = settings.model_copy(update={"trusted_proxy": ("127.0.0.1",)})
    app = build_web_app(services, runner, [])
    async with visitor(app, "127.0.0.1") as proxy:
        for n in range(MAX_FAILURES_PER_CHAT):
            # Each forwarded client is its own client; a spoofed left hop changes nothing.
            forwarded = f"6.6.6.6, 198.51.100.{n}"
            response = await proxy.lookup(OTHER_CODE, WRONG, **{"X-Forwarded-For": forwarded})
            assert outcome(response) == lookup.WRONG
        since = services.now() - lookup.FAILURE_WINDOW
        assert await services.attempts.failures_for_chat("web", "198.51.100.0", since) == 1
        assert await services.attempts.failures_for_chat("web", "6.6.6.6", since) == 0


def test_card_view_keeps_every_line() -> None:
    text = "📄 Hồ sơ X\nTrạng thái: Đang xử lý\nCòn 3 ngày.\n\nQuá trình:\n• 01/01: Đã tiếp nhận"
    view = card_view("X", text)
    assert view.title == "Hồ sơ X"  # the chat's pictograph is left out
    assert view.facts == [("Trạng thái", "Đang xử lý")]
    assert view.notes == ["Còn 3 ngày."]
    assert view.history_title == "Quá trình:" and view.history == ["• 01/01: Đã tiếp nhận"]


def test_an_ipv6_subscriber_is_one_client_whatever_address_of_its_64() -> None:
    from starlette.requests import Request

    from bot.web_lookup import client_address

    def peer(host: str, forwarded: str = "") -> Request:
        headers = [(b"x-forwarded-for", forwarded.encode())] if forwarded else []
        return Request({"type": "http", "client": (host, 1), "headers": headers})

    one = client_address(peer("2001:db8:1:2::1"), ())
    assert one == client_address(peer("2001:db8:1:2:ffff:1:2:3"), ()) == "2001:db8:1:2::/64"
    assert one != client_address(peer("2001:db8:1:3::1"), ())
    assert client_address(peer("::ffff:203.0.113.7"), ()) == "203.0.113.7"
    proxy = ("127.0.0.1",)
    assert client_address(peer("127.0.0.1", "2001:db8:9:9::5"), proxy) == "2001:db8:9:9::/64"
    assert client_address(peer("127.0.0.1", "not an address"), proxy) == "127.0.0.1"
    assert client_address(peer("198.51.100.1", "203.0.113.9"), proxy) == "198.51.100.1"


def test_page_settings_are_checked() -> None:
    from config.settings import SettingsError, load_settings

    good = load_settings(_env_file=None, trusted_proxy="127.0.0.1, ::1", zalo_bot_url=ZALO_URL)
    assert good.trusted_proxy == ("127.0.0.1", "::1") and good.zalo_bot_url == ZALO_URL
    with pytest.raises(SettingsError, match="TDKT_TRUSTED_PROXY"):
        load_settings(_env_file=None, trusted_proxy="proxy.example.vn")
    with pytest.raises(SettingsError, match="TDKT_ZALO_BOT_URL"):
        load_settings(_env_file=None, zalo_bot_url="javascript:alert(1)")
