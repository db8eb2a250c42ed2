"""Privacy and security: nothing personal or secret in the logs, roles hold, SQL stays data.

1. Every flow is run through the Telegram adapter (and a lookup through the Zalo adapter)
   with known names, phone numbers and tokens, logging at DEBUG with httpx's request log
   turned on, as production configures logging (bot.app.setup_logging, bot.redaction); none
   of them may appear in any log record.
2. Every officer, leader and admin command, and every guarded button, called by a citizen is
   refused and changes nothing.
3. SQL injection strings typed into every text input (commands' arguments, every step of
   every flow, button payloads) change nothing: the tables, their row counts and a checksum
   of the dossiers table are the same after; where an input is stored, it is stored verbatim.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from pydantic import SecretStr
from telegram import Update
from telegram.ext import Application
from telegram.request import HTTPXRequest

from bot import redaction
from bot.app import setup_logging
from bot.outbox import OutboxDispatcher
from bot.telegram_channel import TelegramSender, build_application
from config.settings import Settings
from db.connection import Database
from handlers import build_router
from handlers.importing.readers import parse_csv
from handlers.messages import Choice, Reply
from handlers.roles import Role
from handlers.router import BotCore
from handlers.services import Services, build_services
from tests.conftest import MovableClock
from tests.fakes import Updates
from tests.flows import CoreChat, Move, replay, walk

TOKEN = "7312345678:AAH-privacyTEST_secret0123456789abcdef"
ADMIN = {"id": 9001, "is_bot": False, "first_name": "Khôi", "last_name": "Võ Minh"}
OFFICER = {"id": 9002, "is_bot": False, "first_name": "Bích Ngọc", "last_name": "Trần Thị"}
CITIZEN = {"id": 9003, "is_bot": False, "first_name": "Yến", "last_name": "Lê Hoàng"}
CODE = "000.00.21.H01-261120-0007"
NOMINEE = "Đặng Thị Thu Hà"
UNIT = "Trường Tiểu học Kim Đồng"
PHONE = "0912345678"
NOTE = "Bổ sung bản sao giấy khen của Đặng Thị Thu Hà"
NEW_NOMINEE = "Huỳnh Văn Nghĩa"
CONTACT = "Ngô Thị Mai"
CONTACT_PHONE = "0987654321"
EXPORT = (
    "Mã hồ sơ,Hình thức khen thưởng,Đối tượng đề nghị,Đơn vị,Số điện thoại,Ngày tiếp nhận\n"
    f"{CODE},BKCT,{NOMINEE},{UNIT},{PHONE},20/11/2026\n"
    "000.00.21.H01-261120-0008,GK,Tạ Quang Bửu,Sở Nội vụ,0933222111,20/11/2026\n"
)
INJECTIONS = (
    "'; DROP TABLE dossiers; --",
    "1' OR '1'='1",
    '" OR ""="',
    f"{CODE}' OR 1=1 --",
    "Robert'); DELETE FROM staff; --",
    "0' UNION SELECT code, phone_last4 FROM dossiers --",
    "%' AND 1=0 UNION ALL SELECT sql FROM sqlite_master --",
    "\\'; UPDATE dossiers SET status = 'returned'; --",
)
#: Tables whose rows are what the board keeps: no injected input may add, drop or change them.
KEPT_TABLES = ("dossiers", "dossier_history", "staff", "follows", "invites", "nominations")


# --- the Telegram Bot API behind httpx.MockTransport -----------------------------------------


class BotApi:
    """Answers like api.telegram.org for any token; keeps every message the bot sent."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, dict[str, Any]]] = []
        self.message_id = 100

    def handler(self, request: httpx.Request) -> httpx.Response:
        method = request.url.path.rsplit("/", 1)[-1]
        fields = _fields(request)
        if method == "getMe":
            result: Any = {"id": 7312345678, "is_bot": True, "first_name": "TĐKT"}
            result["username"] = "tdkt_bot"
        elif method in ("sendMessage", "sendPhoto", "sendDocument"):
            self.sent.append((method, fields))
            self.message_id += 1
            result = {
                "message_id": self.message_id,
                "date": 1795572000,
                "chat": {"id": int(fields["chat_id"]), "type": "private"},
            }
        else:
            result = True
        return httpx.Response(200, json={"ok": True, "result": result})


def _fields(request: httpx.Request) -> dict[str, Any]:
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("application/x-www-form-urlencoded"):
        return dict(httpx.QueryParams(request.content.decode()))
    if content_type.startswith("multipart/form-data"):
        text = request.content.decode("utf-8", "replace")
        fields = {}
        for name in ("chat_id", "caption"):
            marker = f'name="{name}"\r\n\r\n'
            if marker in text:
                fields[name] = text.split(marker, 1)[1].split("\r\n", 1)[0]
        return fields
    return json.loads(request.content or b"{}")


def _reply_of(method: str, fields: dict[str, Any]) -> Reply:
    markup = fields.get("reply_markup")
    rows = json.loads(markup)["inline_keyboard"] if markup else []
    choices = tuple(Choice(b["text"], b["callback_data"]) for row in rows for b in row)
    return Reply(str(fields.get("text") or fields.get("caption") or method), choices=choices)


class TelegramChat:
    """A person in a private chat with the bot, through the real python-telegram-bot path."""

    def __init__(self, app: Application, api: BotApi, core: BotCore, user: dict) -> None:
        self.app, self.api, self.core = app, api, core
        self.updates = Updates(user, update_id=user["id"] * 1000)
        self.chat_id = str(user["id"])

    async def send(self, move: Move) -> list[Reply]:
        before = len(self.api.sent)
        data = (
            self.updates.callback(move.payload)
            if move.payload is not None
            else self.updates.text(move.text or "")
        )
        await self.app.process_update(Update.de_json(data, self.app.bot))
        return [_reply_of(method, fields) for method, fields in self.api.sent[before:]]

    async def say(self, text: str) -> str:
        return "\n".join(reply.text for reply in await self.send(Move(text=text)))

    async def state(self) -> tuple[str, str] | None:
        conversation = await self.core.services.conversations.get("telegram", self.chat_id)
        return (conversation.flow, conversation.step) if conversation else None


# --- fixtures ---------------------------------------------------------------------------------


@pytest.fixture
def staff_settings(settings: Settings) -> Settings:
    return settings.model_copy(
        update={"admins": [f"telegram:{ADMIN['id']}"], "telegram_token": SecretStr(TOKEN)}
    )


@pytest.fixture
def staff_services(staff_settings: Settings, db: Database, clock: MovableClock) -> Services:
    return build_services(staff_settings, db, clock=clock)


@pytest.fixture
def staff_core(staff_services: Services) -> BotCore:
    return BotCore(build_router(), staff_services)


@pytest.fixture
async def imported(staff_services: Services) -> None:
    """The two dossiers arrive as the one-stop export, full phone numbers and all."""
    parsed = parse_csv(EXPORT.encode(), staff_services.catalog, staff_services.calendar)
    assert parsed.ok, parsed.errors
    await staff_services.dossiers.upsert_many(parsed.rows, actor="import", now=staff_services.now())


@pytest.fixture
def production_logging(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """Logging as `python -m bot` sets it up, at DEBUG, with httpx's request log turned on."""
    names = ("", "httpx", "httpcore", "telegram", "aiohttp")
    levels = {name: logging.getLogger(name).level for name in names}
    setup_logging("DEBUG")
    redaction.install([TOKEN])
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="httpx")
    caplog.set_level(logging.DEBUG, logger="httpcore")
    yield caplog
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


@pytest.fixture
async def telegram(staff_core: BotCore) -> AsyncIterator[tuple[Application, BotApi]]:
    api = BotApi()
    # Through a lambda, so that a test can swap `api.handler` for a failing one.
    transport = httpx.MockTransport(lambda request: api.handler(request))
    application = build_application(
        staff_core,
        TOKEN,
        request=HTTPXRequest(httpx_kwargs={"transport": transport}),
        get_updates_request=HTTPXRequest(httpx_kwargs={"transport": transport}),
    )
    await application.initialize()
    yield application, api
    await application.shutdown()


# --- 1. nothing personal or secret in the logs ----------------------------------------------


async def test_no_name_phone_or_token_reaches_the_logs(
    production_logging: pytest.LogCaptureFixture,
    imported: None,
    telegram: tuple[Application, BotApi],
    staff_core: BotCore,
    staff_services: Services,
) -> None:
    app, api = telegram
    admin = TelegramChat(app, api, staff_core, ADMIN)
    officer = TelegramChat(app, api, staff_core, OFFICER)
    citizen = TelegramChat(app, api, staff_core, CITIZEN)

    # A citizen looks the dossier up, follows it, lists what the bot keeps about the chat.
    await citizen.say(CODE)
    card = await citizen.send(Move(text=PHONE[-4:]))
    assert NOMINEE in card[0].text
    await citizen.send(Move(payload=card[0].choices[0].payload))
    await citizen.say("/dangtheodoi")
    await citizen.say("/dulieucuatoi")

    # The admin invites an officer, who joins under the name Telegram gives.
    invite = await admin.say("/moi canbo")
    code = next(word for word in invite.split() if word.count("-") == 1 and len(word) >= 9)
    assert OFFICER["first_name"] in await officer.say(f"/dangky {code.strip('.,')}")

    # The officer asks for supplements with a note naming the nominee; the follower is told.
    walked = await walk(
        officer,
        f"/capnhat {CODE}",
        {("status", "note"): NOTE},
        prefer=(":to:needs_supplement",),
        send=officer.send,
    )
    assert ("status", "confirm") in walked.states
    dispatcher = OutboxDispatcher(
        staff_services.outbox, {"telegram": TelegramSender(app, rate=25)}, staff_services.clock
    )
    assert await dispatcher.run_once() == 1
    assert NOTE in api.sent[-1][1]["text"]

    # The officer registers a nomination with a contact person and a phone number.
    nomination = await walk(
        officer,
        "/denghi",
        {
            ("nomination", "name"): NEW_NOMINEE,
            ("nomination", "unit"): f"Giáo viên, {UNIT}",
            ("nomination", "summary"): (
                "Hoàn thành xuất sắc nhiệm vụ năm học 2025–2026, sáng kiến cấp tỉnh."
            ),
            ("nomination", "contact"): CONTACT,
            ("nomination", "phone"): CONTACT_PHONE,
            ("nomination", "files"): "xong",
        },
        prefer=(":pick:individual",),
        send=officer.send,
    )
    assert ("nomination", "review") in nomination.states
    assert await staff_services.db.fetch_one(
        "SELECT 1 FROM nominations WHERE nominee_name = ?", (NEW_NOMINEE,)
    )
    await officer.say("/denghicuatoi")
    # The report, the staff list, the export: what leaders and admins read.
    await officer.say("/thongke")
    await admin.say("/canbo")
    await admin.say("/xuat")
    # A reply the API refuses, and one it cannot be reached for, are logged as failures.
    api_handler = api.handler

    def failing(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/sendMessage"):
            raise httpx.ConnectError(f"cannot reach {request.url}", request=request)
        return api_handler(request)

    api.handler = failing  # type: ignore[method-assign]
    await citizen.say(CODE)
    await staff_services.outbox.enqueue(
        key="privacy:retry",
        channel="telegram",
        chat_id=citizen.chat_id,
        payload={"text": f"Hồ sơ {CODE} của {NOMINEE}"},
        at=staff_services.now(),
    )
    await OutboxDispatcher(
        staff_services.outbox, {"telegram": TelegramSender(app, rate=25)}, staff_services.clock
    ).run_once()

    # What the outbox wrote down about the failure holds no token either.
    errors = await staff_services.outbox.last_errors()
    assert errors and all(TOKEN.split(":")[1] not in (e.last_error or "") for e in errors)

    records = production_logging.records
    text = production_logging.text + "\n".join(record.getMessage() for record in records)
    # Logging was on: the requests were logged, with their URLs, and the failures too.
    assert "HTTP Request: POST https://api.telegram.org/bot" in text
    assert "outbox" in text and "ConnectError" in text
    secrets = {
        "token": TOKEN,
        "token's secret part": TOKEN.split(":")[1],
        "nominee": NOMINEE,
        "new nominee": NEW_NOMINEE,
        "contact": CONTACT,
        "phone": PHONE,
        "contact phone": CONTACT_PHONE,
        "officer": OFFICER["last_name"],
        "citizen": CITIZEN["last_name"],
        "admin": ADMIN["last_name"],
        "note": NOTE,
        "unit": UNIT,
    }
    leaked = {what for what, value in secrets.items() if value in text}
    assert not leaked, f"in the logs: {sorted(leaked)}"


async def test_a_lookup_through_zalo_leaves_no_trace_in_the_logs(
    production_logging: pytest.LogCaptureFixture, services: Services, core: BotCore
) -> None:
    from bot.inbound import UpdateRunner
    from bot.zalo_channel import ZaloChannel
    from tests.bot.test_zalo import TOKEN as ZALO_TOKEN
    from tests.bot.test_zalo import FakeZalo, ZaloUpdates
    from tests.handlers.test_status_update import seed_dossier

    redaction.install([ZALO_TOKEN])
    dossier = await seed_dossier(services)
    api = FakeZalo()
    client = api.client()

    async def no_sleep(_seconds: float) -> None:
        return None

    channel = ZaloChannel(core, client, sleep=no_sleep, backoff_sleep=no_sleep)
    runner = UpdateRunner(services.inbound, services.clock)
    updates = ZaloUpdates()
    try:
        for text in (dossier.code, dossier.phone_last4, "1", "/dulieucuatoi"):
            await runner.submit(channel, updates.message(text))
            await runner.drain()
    finally:
        await client.aclose()
    sent = "\n".join(call.params["text"] for call in api.sent())
    assert dossier.nominee in sent  # the card reached the citizen
    text = production_logging.text + "".join(r.getMessage() for r in production_logging.records)
    assert "HTTP Request: POST" in text
    for value in (ZALO_TOKEN, ZALO_TOKEN.split(":")[1], dossier.nominee, "Nguyễn Thị Lan"):
        assert value not in text


# --- 2. roles ---------------------------------------------------------------------------------


async def _snapshot(db: Database) -> dict[str, Any]:
    """Tables, their row counts, and a checksum of the dossiers table."""
    tables = [
        row[0]
        for row in await db.fetch_all(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
        )
    ]
    counts = {}
    for table in tables:
        row = await db.fetch_one(f'SELECT COUNT(*) FROM "{table}"')
        counts[table] = row[0] if row else 0
    rows = await db.fetch_all("SELECT * FROM dossiers ORDER BY id")
    digest = hashlib.sha256(repr([tuple(row) for row in rows]).encode()).hexdigest()
    return {"tables": tables, "counts": counts, "dossiers": digest}


def _kept(snapshot: dict[str, Any]) -> dict[str, Any]:
    return {
        "tables": snapshot["tables"],
        "dossiers": snapshot["dossiers"],
        "counts": {t: n for t, n in snapshot["counts"].items() if t in KEPT_TABLES},
    }


async def test_every_staff_command_and_button_refuses_a_citizen(
    staff_core: BotCore, staff_services: Services, imported: None
) -> None:
    router = staff_core.router
    guarded = {name: c for name, c in router.commands.items() if c.roles is not None}
    assert {"moi", "capnhat", "thongke", "denghi", "giao", "xuat"} <= set(guarded)
    refusal = router.refusal(Role.citizen.value)
    before = await _snapshot(staff_services.db)
    for channel in ("telegram", "zalo", "console"):
        citizen = CoreChat(staff_core, channel, "c-77", "c-77", "Lê Hoàng Yến")
        for name in guarded:
            for text in (f"/{name}", f"/{name} {CODE}", f"/{name} canbo", f"/{name} tat"):
                replies = await citizen.send(Move(text=text))
                assert [r.text for r in replies] == [refusal], (channel, text)
        prefixes = [key.split(":", 1)[1] for key in router.guarded if key.startswith("payload:")]
        for prefix in prefixes:
            replies = await citizen.send(Move(payload=f"{prefix}:00000000:ok"))
            assert [r.text for r in replies] == [refusal], (channel, prefix)
        assert await citizen.state() is None
    assert await _snapshot(staff_services.db) == before


async def test_a_citizen_cannot_reach_an_officers_open_step(
    staff_core: BotCore, staff_services: Services, imported: None
) -> None:
    """An officer's status change waiting for its confirmation in a group chat: a citizen
    typing there, or pressing its buttons, changes nothing."""
    officer = CoreChat(staff_core, "telegram", "group-1", str(ADMIN["id"]))
    walked = await walk(officer, f"/capnhat {CODE}", {("status", "note"): "Ghi chú"}, finish=False)
    assert await officer.state() == ("status", "confirm")
    ok = next(c.payload for r in walked.replies for c in r.choices if c.payload.endswith(":ok"))
    before = await _snapshot(staff_services.db)
    intruder = CoreChat(staff_core, "telegram", "group-1", "c-88")
    await intruder.send(Move(payload=ok))
    await intruder.send(Move(text="Đồng ý"))
    assert await _snapshot(staff_services.db) == before


# --- 3. SQL injection -------------------------------------------------------------------------


async def test_sql_injection_in_every_input_changes_nothing(
    staff_core: BotCore, staff_services: Services, imported: None
) -> None:
    router = staff_core.router
    before = await _snapshot(staff_services.db)
    admin = CoreChat(staff_core, "telegram", str(ADMIN["id"]), str(ADMIN["id"]), "Võ Minh Khôi")
    citizen = CoreChat(staff_core, "zalo", "c-99", "c-99", "Lê Hoàng Yến")
    for injection in INJECTIONS:
        for chat in (citizen, admin):
            await chat.send(Move(text=injection))
            for name in router.commands:
                if name in ("xoadulieu",):
                    continue  # erases the chat's own data by design; its input is a button
                await chat.send(Move(text=f"/{name} {injection}"))
                await chat.send(Move(text=injection))  # into whatever step it opened
                await chat.send(Move(text="/huy"))
            for prefix in router.payloads:
                await chat.send(Move(payload=f"{prefix}:{injection}"))
                await chat.send(Move(payload=f"{prefix}:00000000:{injection}"))
    after = await _snapshot(staff_services.db)
    assert _kept(after) == _kept(before)
    assert await staff_services.dossiers.count() == 2


async def test_injected_text_in_every_flow_step_is_stored_verbatim_or_refused(
    staff_core: BotCore, staff_services: Services, imported: None
) -> None:
    """Walk each staff flow to each of its steps, type an injection string there, and go on:
    what a step accepts is kept as the very text typed; nothing else in the tables moves."""
    admin_id = str(ADMIN["id"])
    flows = {
        "/tracuu": {("lookup", "code"): CODE, ("lookup", "phone"): PHONE[-4:]},
        f"/giao {CODE}": {},
        f"/capnhat {CODE}": {("status", "note"): "Ghi chú"},
        "/denghi": {
            ("nomination", "name"): NEW_NOMINEE,
            ("nomination", "unit"): "Giáo viên, Trường THPT Nguyễn Trung Trực",
            ("nomination", "summary"): "Hoàn thành xuất sắc nhiệm vụ năm học, có sáng kiến.",
            ("nomination", "contact"): CONTACT,
            ("nomination", "phone"): CONTACT_PHONE,
            ("nomination", "files"): "xong",
        },
    }
    chat_number = 0
    for start, answers in flows.items():
        probe = CoreChat(staff_core, "telegram", f"probe-{start}", admin_id)
        walked = await walk(probe, start, answers, finish=False)
        for state in walked.states:
            for injection in INJECTIONS:
                chat_number += 1
                chat = CoreChat(staff_core, "telegram", f"inj-{chat_number}", admin_id)
                await replay(chat, walked.paths[state])
                assert await chat.state() == state
                before = _kept(await _snapshot(staff_services.db))
                await chat.send(Move(text=injection))
                after = _kept(await _snapshot(staff_services.db))
                assert after == before, (state, injection)
                await chat.send(Move(text="/huy"))
    # A note typed at the note step is data: confirmed, it is stored exactly as typed.
    officer = CoreChat(staff_core, "telegram", "inj-note", admin_id)
    await walk(officer, f"/capnhat {CODE}", {("status", "note"): INJECTIONS[0]})
    row = await staff_services.db.fetch_one(
        "SELECT note FROM dossier_history WHERE note IS NOT NULL ORDER BY id DESC LIMIT 1"
    )
    assert row is not None and row[0] == INJECTIONS[0]
    assert await staff_services.dossiers.count() == 2
    tables = (await _snapshot(staff_services.db))["tables"]
    assert {"dossiers", "staff", "outbox"} <= set(tables)
