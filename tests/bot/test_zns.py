"""Phone notices through ZNS: kept numbers, the outbox's `zns` channel, against a fake ZNS API.

The fake answers as Zalo documents `POST /message/template`: header `access_token`, body
`{phone, template_id, template_data, tracking_id}`, answer `{"error": 0, "message": "Success",
"data": {"msg_id": ...}}`, or a negative error: −108 bad phone, −109 bad template, −118 not on
Zalo, −124 bad token, −144 daily quota reached.
"""

from __future__ import annotations

import base64
import json
import os
import re
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest
from pydantic import SecretStr

from bot.cli import import_file
from bot.outbox import OutboxDispatcher, PermanentError, TransientError
from bot.zns_client import StaticToken, ZnsSender, build_zns_sender
from config.settings import Settings, SettingsError, load_settings
from db.phones import PhoneRepository
from domain.transitions import can_reach
from handlers.importing.readers import parse_csv
from handlers.importing.writer import prepare
from handlers.notices import status_notice_renderer
from handlers.reminders import ReminderRules
from handlers.router import BotCore
from handlers.services import Services
from handlers.zns import erase_expired, phone_vault, zalo_phone
from tests.conftest import ChatDriver, MovableClock
from tests.handlers.test_status_update import make_staff

TOKEN = "oa-access-token-0123456789"
TEMPLATE = "287534"
BASE = "https://business.openapi.zalo.me"
HEADER = "code,award_kind,nominee,unit,phone,received_on,due_on,status,resolved_on,decision_no,note"
CODE = "000.00.21.H01-261120-0001"
GONE = "000.00.21.H01-261120-0002"
PHONE = "0912 345 678"
NOT_ON_ZALO = "0987654321"
APP_ID = "1234567890"
APP_SECRET = "app-secret-abcdef"
FIRST_REFRESH = "first-refresh-token"


def new_key() -> str:
    """A TDKT_PHONE_KEY: 32 random bytes, url-safe base64."""
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


@dataclass
class FakeZns:
    """Zalo's ZNS template endpoint, from its documented request and answer shapes."""

    not_on_zalo: set[str] = field(default_factory=lambda: {"84987654321"})
    quota: int = 1000
    #: Scripted HTTP failures answered before the real logic: (status, headers).
    failures: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    sent: list[dict[str, Any]] = field(default_factory=list)
    requests: int = 0
    #: Access tokens ZNS accepts; refresh tokens the OAuth endpoint accepts, each once.
    access_tokens: set[str] = field(default_factory=lambda: {TOKEN})
    refresh_tokens: set[str] = field(default_factory=lambda: {FIRST_REFRESH})
    refreshes: list[dict[str, str]] = field(default_factory=list)

    def handler(self, request: httpx.Request) -> httpx.Response:
        if request.url.host == "oauth.zaloapp.com":
            return self.oauth(request)
        self.requests += 1
        assert request.method == "POST" and request.url.path == "/message/template"
        if self.failures:
            status, headers = self.failures.pop(0)
            return httpx.Response(status, headers=headers, text="upstream trouble")
        if request.headers.get("access_token") not in self.access_tokens:
            return self.error(-124, "Access token invalid")
        body = json.loads(request.content)
        if not re.fullmatch(r"84\d{9}", str(body.get("phone", ""))):
            return self.error(-108, "Phone number invalid")
        if body.get("template_id") != TEMPLATE:
            return self.error(-109, "Template ID invalid")
        data = body.get("template_data")
        if not isinstance(data, dict) or set(data) != {"ma_ho_so", "trang_thai", "ngay_hen_tra"}:
            return self.error(-112, "Template data invalid")
        if body["phone"] in self.not_on_zalo:
            return self.error(-118, "Zalo account not existed")
        if self.quota <= 0:
            return self.error(-144, "OA has exceeded the daily quota")
        self.quota -= 1
        self.sent.append(body)
        return httpx.Response(
            200,
            json={
                "error": 0,
                "message": "Success",
                "data": {"msg_id": f"m{len(self.sent)}", "sent_time": "1700000000000"},
            },
        )

    def oauth(self, request: httpx.Request) -> httpx.Response:
        """`POST /v4/oa/access_token`: a single-use refresh token buys a new pair."""
        assert request.method == "POST" and request.url.path == "/v4/oa/access_token"
        form = {k: v[0] for k, v in parse_qs(request.content.decode()).items()}
        self.refreshes.append(form)
        if request.headers.get("secret_key") != APP_SECRET or form.get("app_id") != APP_ID:
            return httpx.Response(200, json={"error": -14002, "error_name": "Invalid app"})
        if form.get("grant_type") != "refresh_token" or form.get("refresh_token") not in (
            self.refresh_tokens
        ):
            return httpx.Response(
                200, json={"error": -14014, "error_description": "Invalid refresh token"}
            )
        self.refresh_tokens.discard(form["refresh_token"])  # single-use
        number = len(self.refreshes)
        access, refresh = f"access-{number}", f"refresh-{number}"
        self.access_tokens.add(access)
        self.refresh_tokens.add(refresh)
        return httpx.Response(
            200, json={"access_token": access, "refresh_token": refresh, "expires_in": "90000"}
        )

    @staticmethod
    def error(code: int, message: str) -> httpx.Response:
        return httpx.Response(200, json={"error": code, "message": message})


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        database=tmp_path / "tdkt.sqlite3",
        zns_access_token=TOKEN,
        zns_template_status=TEMPLATE,
        phone_key=new_key(),
        phone_retention_days=30,
    )


@pytest.fixture
def zns_api() -> FakeZns:
    return FakeZns()


@asynccontextmanager
async def zns_sender(
    settings: Settings, services: Services, zns_api: FakeZns
) -> AsyncIterator[ZnsSender]:
    """The sender `make run` builds from these settings, talking to the fake."""
    built = build_zns_sender(
        settings, services.db, services.clock, transport=httpx.MockTransport(zns_api.handler)
    )
    assert built is not None
    zns, client = built
    try:
        yield zns
    finally:
        await client.aclose()


@pytest.fixture
async def sender(
    settings: Settings, services: Services, zns_api: FakeZns
) -> AsyncIterator[ZnsSender]:
    async with zns_sender(settings, services, zns_api) as zns:
        yield zns


def dispatcher(services: Services, sender: ZnsSender, settings: Settings) -> OutboxDispatcher:
    quiet = ReminderRules.from_settings(settings).quiet_at(settings.tz)
    return OutboxDispatcher(services.outbox, {"zns": sender}, services.clock, quiet=quiet)


async def import_rows(settings: Settings, services: Services, *rows: str) -> None:
    """What `python -m bot import` does (bot/cli.py), on the test's clock."""
    data = ("\n".join([HEADER, *rows]) + "\n").encode()
    vault = phone_vault(settings)
    parsed = parse_csv(data, services.catalog, services.calendar, keep_phones=vault is not None)
    stored = await services.dossiers.get_many([r.code for r in parsed.rows])
    prepare(parsed, stored, services.today(), services.calendar)
    assert parsed.ok, parsed.error_lines()
    await services.dossiers.upsert_many(
        parsed.rows,
        actor="import",
        now=services.now(),
        notice=status_notice_renderer(),
        allowed_move=can_reach,
        seal_phone=vault.seal if vault is not None else None,
    )


def row(code: str, phone: str, status: str) -> str:
    return f"{code},BKCT,Nguyễn Văn An,Trường THCS,{phone},2026-11-20,2026-12-28,{status},,,"


async def seed(settings: Settings, services: Services) -> None:
    await import_rows(
        settings, services, row(CODE, PHONE, "received"), row(GONE, NOT_ON_ZALO, "received")
    )


async def move(settings: Settings, services: Services, status: str, *codes: str) -> None:
    phones = {CODE: PHONE, GONE: NOT_ON_ZALO}
    await import_rows(settings, services, *(row(code, phones[code], status) for code in codes))


async def zns_messages(services: Services) -> list[Any]:
    rows = await services.db.fetch_all("SELECT chat_id FROM outbox WHERE channel = 'zns'")
    found = []
    for chat_id in sorted({r[0] for r in rows}):
        found += await services.outbox.all_for_chat("zns", chat_id)
    return found


def test_zalo_phone_forms() -> None:
    assert zalo_phone("0912 345 678") == "84912345678"
    assert zalo_phone("+84 912.345.678") == "84912345678"
    assert zalo_phone("912345678") == "84912345678"  # Excel dropped the 0
    assert zalo_phone("5678") is None and zalo_phone("abc") is None


def test_settings_need_a_real_key() -> None:
    with pytest.raises(SettingsError, match="TDKT_PHONE_KEY"):
        load_settings(_env_file=None, phone_key="not-a-key")
    half = load_settings(_env_file=None, zns_access_token=TOKEN, zns_template_status=TEMPLATE)
    assert not half.zns_on  # no key, no full numbers kept, no phone notices


async def test_the_full_number_is_kept_only_encrypted(
    services: Services, settings: Settings, tmp_path: Path
) -> None:
    path = tmp_path / "export.csv"
    lines = [HEADER, row(CODE, PHONE, "received"), row(GONE, NOT_ON_ZALO, "received")]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert await import_file(settings, path) == 0  # `python -m bot import`
    assert settings.database is not None
    raw = sqlite3.connect(settings.database)
    try:
        stored = raw.execute("SELECT phone_enc FROM dossier_phones").fetchall()
        everything = "\n".join(
            repr(r)
            for table in ("dossiers", "dossier_phones", "dossier_history", "outbox")
            for r in raw.execute(f"SELECT * FROM {table}").fetchall()
        )
    finally:
        raw.close()
    assert len(stored) == 2
    for digits in ("912345678", "0912345678", "987654321"):
        assert digits not in everything  # not in clear anywhere, only phone_last4
    dossier = await services.dossiers.get_by_code(CODE)
    assert dossier is not None and dossier.phone_last4 == "5678"


async def test_without_zns_only_the_last_4_digits_are_kept(
    services: Services, settings: Settings, tmp_path: Path
) -> None:
    off = settings.model_copy(update={"zns_access_token": None})
    await seed(off, services)
    phones = PhoneRepository(services.db)
    assert await phones.count() == 0
    await move(off, services, "in_review", CODE)
    assert await zns_messages(services) == []
    # Turned on, the next import keeps the numbers; turned off again, they are erased.
    await import_rows(
        settings, services, row(CODE, PHONE, "in_review"), row(GONE, NOT_ON_ZALO, "received")
    )
    assert await phones.count() == 2
    assert await erase_expired(phones, off, services.now()) == 2
    assert await phones.count() == 0


async def test_status_change_is_sent_to_the_phone(
    services: Services, settings: Settings, tmp_path: Path, sender: ZnsSender, zns_api: FakeZns
) -> None:
    await seed(settings, services)
    await move(settings, services, "in_review", CODE)
    (message,) = await zns_messages(services)
    dossier = await services.dossiers.get_by_code(CODE)
    assert dossier is not None and message.chat_id == str(dossier.id)
    assert "0912" not in json.dumps(message.payload)  # the outbox holds no number
    assert await dispatcher(services, sender, settings).run_once() == 1
    (body,) = zns_api.sent
    assert body["phone"] == "84912345678"
    assert body["template_id"] == TEMPLATE
    assert body["template_data"] == {
        "ma_ho_so": CODE,
        "trang_thai": "Đang thẩm định",
        "ngay_hen_tra": "28/12/2026",
    }
    assert body["tracking_id"].startswith(f"tdkt-{dossier.id}-")
    (message,) = await zns_messages(services)
    assert message.state == "sent"


async def test_retried_on_5xx_and_429_then_sent(
    services: Services,
    settings: Settings,
    tmp_path: Path,
    sender: ZnsSender,
    zns_api: FakeZns,
    clock: MovableClock,
) -> None:
    await seed(settings, services)
    await move(settings, services, "in_review", CODE)
    outbox = dispatcher(services, sender, settings)
    zns_api.failures = [(502, {}), (429, {"Retry-After": "30"})]
    assert await outbox.run_once() == 0
    (message,) = await zns_messages(services)
    assert message.state == "pending" and message.attempts == 1
    assert "502" in (message.last_error or "")
    clock.advance(minutes=5)
    assert await outbox.run_once() == 0
    (message,) = await zns_messages(services)
    assert message.state == "pending" and "429" in (message.last_error or "")
    clock.advance(seconds=31)
    assert await outbox.run_once() == 1
    assert len(zns_api.sent) == 1 and zns_api.requests == 3


async def test_permanent_refusals_are_dead_lettered_with_zalos_code(
    services: Services, settings: Settings, tmp_path: Path, zns_api: FakeZns
) -> None:
    await seed(settings, services)
    await move(settings, services, "in_review", CODE, GONE)
    wrong_template = settings.model_copy(update={"zns_template_status": "999"})
    async with zns_sender(wrong_template, services, zns_api) as bad:
        await dispatcher(services, bad, settings).run_once()
    errors = {m.chat_id: (m.state, m.last_error) for m in await zns_messages(services)}
    assert all(state == "dead" for state, _ in errors.values())
    assert all("ZNS -109" in (error or "") for _, error in errors.values())
    assert zns_api.sent == []


async def test_not_on_zalo_is_dead_and_the_quota_waits(
    services: Services,
    settings: Settings,
    tmp_path: Path,
    sender: ZnsSender,
    zns_api: FakeZns,
    clock: MovableClock,
) -> None:
    await seed(settings, services)
    await move(settings, services, "in_review", CODE, GONE)
    zns_api.quota = 0
    await dispatcher(services, sender, settings).run_once()
    gone = await services.dossiers.get_by_code(GONE)
    assert gone is not None
    by_chat = {m.chat_id: m for m in await zns_messages(services)}
    dead = by_chat.pop(str(gone.id))
    assert dead.state == "dead" and "ZNS -118" in (dead.last_error or "")
    (waiting,) = by_chat.values()
    assert waiting.state == "pending" and "ZNS -144" in (waiting.last_error or "")
    zns_api.quota = 10
    clock.advance(hours=1, minutes=1)
    assert await dispatcher(services, sender, settings).run_once() == 1


async def test_never_in_the_quiet_hours(
    services: Services,
    settings: Settings,
    tmp_path: Path,
    sender: ZnsSender,
    zns_api: FakeZns,
    clock: MovableClock,
) -> None:
    clock.set_local("2026-11-25 22:30")
    await seed(settings, services)
    await move(settings, services, "in_review", CODE)
    outbox = dispatcher(services, sender, settings)
    for _ in range(8):
        assert await outbox.run_once() == 0
        clock.advance(hours=1)
    assert zns_api.requests == 0  # 22:30 to 05:30: nothing left
    clock.set_local("2026-11-26 07:01")
    assert await outbox.run_once() == 1 and len(zns_api.sent) == 1


async def test_erased_after_the_retention_period_of_a_returned_dossier(
    services: Services,
    settings: Settings,
    tmp_path: Path,
    sender: ZnsSender,
    clock: MovableClock,
) -> None:
    await seed(settings, services)
    phones = PhoneRepository(services.db)
    returned = f"{CODE},BKCT,Nguyễn Văn An,,{PHONE},2026-11-20,2026-12-28,returned,2026-11-25,,"
    await import_rows(settings, services, returned)
    clock.advance(days=settings.phone_retention_days - 1)
    assert await erase_expired(phones, settings, services.now()) == 0
    clock.advance(days=2)
    assert await erase_expired(phones, settings, services.now()) == 1  # the returned one
    assert await phones.count() == 1  # the open dossier keeps its number
    # A notice still queued for the erased number is dead, never sent to a guess.
    dossier = await services.dossiers.get_by_code(CODE)
    assert dossier is not None and await sender.phone_of(str(dossier.id)) is None


async def test_a_number_under_another_key_is_never_sent(
    services: Services, settings: Settings, tmp_path: Path, zns_api: FakeZns
) -> None:
    await seed(settings, services)
    await move(settings, services, "in_review", CODE)
    rotated = settings.model_copy(update={"phone_key": SecretStr(new_key())})
    async with zns_sender(rotated, services, zns_api) as other:
        await dispatcher(services, other, settings).run_once()
    (message,) = await zns_messages(services)
    assert message.state == "dead" and zns_api.requests == 0


async def test_a_number_zalo_calls_invalid_is_dead_lettered(zns_api: FakeZns) -> None:
    async def phone_of(_chat_id: str) -> str | None:
        return "0123"  # what an old export might hold: Zalo answers -108

    async with httpx.AsyncClient(
        base_url=BASE, transport=httpx.MockTransport(zns_api.handler)
    ) as client:
        sender = ZnsSender(
            client,
            base_url=BASE,
            tokens=StaticToken(TOKEN),
            template_id=TEMPLATE,
            phone_of=phone_of,
        )
        data = {"ma_ho_so": CODE, "trang_thai": "Đang thẩm định", "ngay_hen_tra": "28/12/2026"}
        with pytest.raises(PermanentError, match="ZNS -108"):
            await sender.send("1", {"text": "…", "zns": data})
        wrong_token = ZnsSender(
            client,
            base_url=BASE,
            tokens=StaticToken("old"),
            template_id=TEMPLATE,
            phone_of=phone_of,
        )
        with pytest.raises(TransientError, match="ZNS -124"):
            await wrong_token.send("1", {"text": "…", "zns": data})


@pytest.fixture
def refreshing(settings: Settings) -> Settings:
    """The OA token is refreshed by the bot: app id, secret and a first refresh token."""
    return settings.model_copy(
        update={
            "zns_access_token": None,
            "zns_app_id": APP_ID,
            "zns_app_secret": SecretStr(APP_SECRET),
            "zns_refresh_token": SecretStr(FIRST_REFRESH),
        }
    )


async def test_the_bot_refreshes_the_oa_token_and_keeps_the_pair_encrypted(
    services: Services, refreshing: Settings, zns_api: FakeZns, clock: MovableClock
) -> None:
    assert refreshing.zns_on and refreshing.zns_refreshes
    await seed(refreshing, services)
    await move(refreshing, services, "in_review", CODE, GONE)
    async with zns_sender(refreshing, services, zns_api) as sender:
        await dispatcher(services, sender, refreshing).run_once()
    assert [r["refresh_token"] for r in zns_api.refreshes] == [FIRST_REFRESH]  # once for both
    assert len(zns_api.sent) == 1  # the other number is not on Zalo
    raw = await services.db.fetch_all("SELECT * FROM zns_tokens")
    assert len(raw) == 1 and "access-1" not in repr(tuple(raw[0]))
    assert "refresh-1" not in repr(tuple(raw[0]))

    # A restart uses the stored pair: the first refresh token is spent and never sent again.
    await move(refreshing, services, "needs_supplement", CODE)
    async with zns_sender(refreshing, services, zns_api) as sender:
        await dispatcher(services, sender, refreshing).run_once()
    assert len(zns_api.refreshes) == 1 and len(zns_api.sent) == 2

    # An hour before it expires, the stored refresh token buys the next pair.
    clock.advance(hours=24, minutes=1)
    await move(refreshing, services, "in_review", CODE)
    async with zns_sender(refreshing, services, zns_api) as sender:
        await dispatcher(services, sender, refreshing).run_once()
    assert [r["refresh_token"] for r in zns_api.refreshes] == [FIRST_REFRESH, "refresh-1"]
    assert len(zns_api.sent) == 3


async def test_a_token_zalo_refuses_is_refreshed_and_the_notice_retried(
    services: Services, refreshing: Settings, zns_api: FakeZns, clock: MovableClock
) -> None:
    await seed(refreshing, services)
    await move(refreshing, services, "in_review", CODE)
    async with zns_sender(refreshing, services, zns_api) as sender:
        outbox = dispatcher(services, sender, refreshing)
        zns_api.quota = 0
        await outbox.run_once()  # gets access-1, then waits for the quota
        zns_api.quota, zns_api.access_tokens = 10, set()  # access-1 revoked early
        clock.advance(hours=1, minutes=1)
        assert await outbox.run_once() == 0
        (message,) = await zns_messages(services)
        assert message.state == "pending" and "ZNS -124" in (message.last_error or "")
        clock.advance(minutes=10)
        assert await outbox.run_once() == 1
    assert [r["refresh_token"] for r in zns_api.refreshes] == [FIRST_REFRESH, "refresh-1"]


async def test_a_refused_refresh_keeps_the_notice_pending(
    services: Services, refreshing: Settings, zns_api: FakeZns
) -> None:
    await seed(refreshing, services)
    await move(refreshing, services, "in_review", CODE)
    zns_api.refresh_tokens = set()  # the configured one was already used elsewhere
    async with zns_sender(refreshing, services, zns_api) as sender:
        assert await dispatcher(services, sender, refreshing).run_once() == 0
    (message,) = await zns_messages(services)
    assert message.state == "pending" and "-14014" in (message.last_error or "")
    assert zns_api.requests == 0


async def test_a_nomination_keeps_its_contacts_number_for_zns(
    services: Services, settings: Settings, core: BotCore, zns_api: FakeZns, sender: ZnsSender
) -> None:
    from handlers.texts import nomination as tn
    from tests.handlers.nomination.test_chat import press, to_review

    officer = ChatDriver(core, "console", "off-9")
    await make_staff(services, "off-9")
    replies = await press(officer, await to_review(officer), tn.CONFIRM)
    assert "000.00.21.H01-" in replies[0].text
    assert await PhoneRepository(services.db).count() == 1
    (dossier,) = await services.dossiers.first(1)
    assert await sender.phone_of(str(dossier.id)) == "84912345678"
    off = settings.model_copy(update={"zns_template_status": None})
    services.settings = off
    replies = await press(officer, await to_review(officer), tn.CONFIRM)
    assert await PhoneRepository(services.db).count() == 1  # ZNS off: only the last 4 digits


async def test_the_served_bot_erases_kept_numbers_when_zns_is_turned_off(
    services: Services, settings: Settings
) -> None:
    import asyncio

    from bot.app import App
    from bot.zns_client import erase_phones_loop

    await seed(settings, services)
    phones = PhoneRepository(services.db)
    assert await phones.count() == 2
    off = settings.model_copy(update={"phone_key": None})
    app = App(settings=off, db=services.db, services=services, core=None)  # type: ignore[arg-type]
    stop = asyncio.Event()
    loop = asyncio.create_task(erase_phones_loop(app, stop))
    for _ in range(500):  # the loop's first pass runs at start
        if await phones.count() == 0:
            break
        await asyncio.sleep(0.01)
    stop.set()
    await loop
    assert await phones.count() == 0


async def test_a_number_copied_onto_another_dossier_does_not_decrypt(
    services: Services, settings: Settings, sender: ZnsSender
) -> None:
    """An auditor's check: the ciphertext is bound to its dossier's code."""
    await seed(settings, services)
    first = await services.dossiers.get_by_code(CODE)
    second = await services.dossiers.get_by_code(GONE)
    assert first is not None and second is not None
    assert await sender.phone_of(str(first.id)) == "84912345678"
    async with services.db.transaction() as conn:
        await conn.execute(
            "UPDATE dossier_phones SET phone_enc ="
            " (SELECT phone_enc FROM dossier_phones WHERE dossier_id = ?) WHERE dossier_id = ?",
            (first.id, second.id),
        )
    assert await sender.phone_of(str(second.id)) is None


async def test_a_finished_dossier_reimported_after_retention_keeps_no_number(
    services: Services, settings: Settings, tmp_path: Path
) -> None:
    path = tmp_path / "export.csv"
    # Received on its code's day, returned a few days ago.
    returned = f"{CODE},BKCT,Nguyễn Văn An,,{PHONE},2026-11-20,2026-12-28,returned,2026-12-01,,"
    path.write_text(f"{HEADER}\n{returned}\n", encoding="utf-8")
    assert await import_file(settings, path) == 0
    phones = PhoneRepository(services.db)
    assert await phones.count() == 1  # just returned: kept for the retention period
    async with services.db.transaction() as conn:  # as if it had been returned long ago
        await conn.execute("UPDATE dossier_history SET changed_at = '2021-01-01T00:00:00+00:00'")
    assert await import_file(settings, path) == 0  # `python -m bot import` again
    assert await phones.count() == 0
