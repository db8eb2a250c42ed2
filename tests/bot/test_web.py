"""The webhook app (bot/web.py) on httpx.ASGITransport, with fake Telegram and Zalo APIs."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import sqlite3
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from telegram.ext import Application

from bot.inbound import UpdateRunner
from bot.outbox import OutboxDispatcher
from bot.telegram_channel import TelegramSender, TelegramUpdates
from bot.web import Webhook, build_web_app
from bot.zalo_channel import ZaloChannel, ZaloSender
from bot.zalo_client import ZaloClient
from config.settings import ROOT, Settings, SettingsError, load_settings
from db.connection import Database
from domain.statuses import Status
from handlers.lookup import FREE_STRANGER_FAILURES
from handlers.messages import Reply
from handlers.router import BotCore
from handlers.services import Services
from handlers.texts import follow as tf
from handlers.texts import lookup as tl
from handlers.texts import status as ts
from tests.bot.test_zalo import CHAT, CODE, DIGITS, FakeZalo, ZaloUpdates
from tests.conftest import MovableClock
from tests.fakes import USER_ID, FakeBotApi, Updates, buttons_of, running_application
from tests.handlers.test_status_update import seed_dossier

TELEGRAM_SECRET = "tg-secret-0123456789"
ZALO_SECRET = "zalo-secret-0123456789"
ZALO_HEADER = "X-Bot-Api-Secret-Token"
TELEGRAM_HEADER = "X-Telegram-Bot-Api-Secret-Token"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    # The Telegram test user is an admin, so they may change statuses.
    return Settings(  # type: ignore[call-arg]
        _env_file=None, database=tmp_path / "tdkt.sqlite3", admins=[f"telegram:{USER_ID}"]
    )


@pytest.fixture
def tg_api() -> FakeBotApi:
    return FakeBotApi()


@pytest.fixture
async def tg_app(core: BotCore, tg_api: FakeBotApi) -> AsyncIterator[Application]:
    async with running_application(core, tg_api.handler) as application:
        yield application


@pytest.fixture
def zalo_api() -> FakeZalo:
    return FakeZalo()


@pytest.fixture
async def zalo_client(zalo_api: FakeZalo) -> AsyncIterator[ZaloClient]:
    client = zalo_api.client()
    yield client
    await client.aclose()


@pytest.fixture
def zalo(core: BotCore, zalo_client: ZaloClient) -> ZaloChannel:
    return ZaloChannel(core, zalo_client, public_url="https://bot.example.vn")


@pytest.fixture
def runner(services: Services) -> UpdateRunner:
    return UpdateRunner(services.inbound, services.clock)


@pytest.fixture
async def web(
    services: Services, runner: UpdateRunner, tg_app: Application, zalo: ZaloChannel
) -> AsyncIterator[httpx.AsyncClient]:
    telegram = TelegramUpdates(tg_app)
    app = build_web_app(
        services,
        runner,
        [
            Webhook(telegram, telegram.secret_header, TELEGRAM_SECRET),
            Webhook(zalo, zalo.secret_header, ZALO_SECRET),
        ],
        channels=["telegram", "zalo"],
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


async def post_zalo(
    web: httpx.AsyncClient, body: Any, secret: str | None = ZALO_SECRET
) -> httpx.Response:
    headers = {ZALO_HEADER: secret} if secret is not None else {}
    if isinstance(body, bytes):
        return await web.post("/zalo", content=body, headers=headers)
    return await web.post("/zalo", json=body, headers=headers)


async def post_telegram(
    web: httpx.AsyncClient, body: dict[str, Any], secret: str = TELEGRAM_SECRET
) -> httpx.Response:
    return await web.post("/telegram", json=body, headers={TELEGRAM_HEADER: secret})


async def inbound_count(db: Database) -> int:
    row = await db.fetch_one("SELECT COUNT(*) FROM inbound_updates")
    assert row is not None
    return int(row[0])


# --- Zalo webhook ------------------------------------------------------------------------


async def test_zalo_flat_body_is_answered_after_200(
    web: httpx.AsyncClient, runner: UpdateRunner, zalo_api: FakeZalo
) -> None:
    response = await post_zalo(web, ZaloUpdates().message("/start"))
    assert response.status_code == 200
    assert response.json() == {"ok": True}
    await runner.drain()
    (text,) = zalo_api.texts()
    assert text.startswith("Xin chào!")


async def test_zalo_wrapped_body(
    web: httpx.AsyncClient, runner: UpdateRunner, zalo_api: FakeZalo, services: Services
) -> None:
    await seed_dossier(services)
    response = await post_zalo(web, {"ok": True, "result": ZaloUpdates().message(CODE)})
    assert response.status_code == 200
    await runner.drain()
    assert zalo_api.texts() == [tl.ASK_PHONE.format(code=CODE)]


@pytest.mark.parametrize("secret", [None, "", "wrong-secret-0123456789", TELEGRAM_SECRET])
async def test_wrong_or_missing_secret_is_refused(
    web: httpx.AsyncClient,
    runner: UpdateRunner,
    zalo_api: FakeZalo,
    db: Database,
    secret: str | None,
) -> None:
    response = await post_zalo(web, ZaloUpdates().message("/start"), secret=secret)
    assert response.status_code == 403
    await runner.drain()
    assert zalo_api.calls == []
    assert await inbound_count(db) == 0


async def test_repeated_message_id_is_handled_once(
    web: httpx.AsyncClient, runner: UpdateRunner, zalo_api: FakeZalo
) -> None:
    update = ZaloUpdates().message("/start")
    assert (await post_zalo(web, update)).status_code == 200
    await runner.drain()
    # Zalo delivers it again (flat, then wrapped): acknowledged, not answered twice.
    assert (await post_zalo(web, update)).status_code == 200
    assert (await post_zalo(web, {"ok": True, "result": update})).status_code == 200
    await runner.drain()
    assert len(zalo_api.texts()) == 1


@pytest.mark.parametrize(
    "body", [b"{not json", b"", b"[1, 2]", b'"text"', b'{"hello": 1}', b'{"ok": false}']
)
async def test_malformed_body_is_400(
    web: httpx.AsyncClient, runner: UpdateRunner, zalo_api: FakeZalo, db: Database, body: bytes
) -> None:
    response = await post_zalo(web, body)
    assert response.status_code == 400
    await runner.drain()
    assert zalo_api.calls == []
    assert await inbound_count(db) == 0


async def test_unknown_event_is_acknowledged_and_ignored(
    web: httpx.AsyncClient,
    runner: UpdateRunner,
    zalo_api: FakeZalo,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    response = await post_zalo(web, ZaloUpdates().message("hi", event="user.reacted"))
    assert response.status_code == 200
    await runner.drain()
    assert zalo_api.calls == []
    assert "user.reacted" in caplog.text


async def test_a_lone_surrogate_is_stored_cleaned_and_answered(
    web: httpx.AsyncClient,
    runner: UpdateRunner,
    services: Services,
    zalo_api: FakeZalo,
    db: Database,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A lone surrogate is valid JSON but not UTF-8: once it made every retry a 503."""
    await seed_dossier(services, status=Status.in_review)
    body = ZaloUpdates().message(CODE)
    raw = json.dumps(body).replace(CODE, "\\ud800" + CODE + "\\udfff").encode()
    assert b"\\ud800" in raw
    seen: list[str] = []
    accept = services.inbound.accept

    async def spy(channel: str, update_id: str, update: dict[str, Any], at: Any) -> bool:
        seen.append(update["message"]["text"])
        return await accept(channel, update_id, update, at)

    services.inbound.accept = spy  # type: ignore[method-assign]
    response = await post_zalo(web, raw)
    assert response.status_code == 200
    assert seen == ["\ufffd" + CODE + "\ufffd"]
    assert await inbound_count(db) == 1
    await runner.drain()
    assert "Traceback" not in caplog.text
    # Handled like any text: the code is read around the replacement characters.
    (reply,) = zalo_api.texts()
    assert reply.startswith(f"Đã tìm thấy hồ sơ {CODE}")
    # Delivered again, it is known: no second answer, no error.
    assert (await post_zalo(web, raw)).status_code == 200
    await runner.drain()
    assert len(zalo_api.texts()) == 1


@pytest.mark.parametrize("depth", [33, 1000, 100_000])
async def test_deeply_nested_json_is_400_without_a_traceback(
    web: httpx.AsyncClient,
    runner: UpdateRunner,
    zalo_api: FakeZalo,
    db: Database,
    caplog: pytest.LogCaptureFixture,
    depth: int,
) -> None:
    body = b'{"message": ' + b"[" * depth + b"]" * depth + b"}"
    response = await post_zalo(web, body)
    assert response.status_code == 400
    assert response.json() == {"ok": False, "error": "JSON nested too deep"}
    await runner.drain()
    assert zalo_api.calls == [] and await inbound_count(db) == 0
    # The Telegram endpoint is guarded the same way.
    deep = await web.post(
        "/telegram",
        content=body.replace(b"message", b"update_id"),
        headers={TELEGRAM_HEADER: TELEGRAM_SECRET},
    )
    assert deep.status_code == 400
    assert "Traceback" not in caplog.text and "RecursionError" not in caplog.text
    # Brackets inside strings are text, not nesting: a normal update still goes through.
    update = ZaloUpdates().message("[[[[" * 20 + "{{{{" * 20)
    assert (await post_zalo(web, update)).status_code == 200


async def test_oversized_body_is_refused(web: httpx.AsyncClient, zalo_api: FakeZalo) -> None:
    response = await post_zalo(web, b"{" + b" " * 1_100_000 + b"}")
    assert response.status_code == 413
    assert (await web.get("/zalo")).status_code == 405


async def test_unconfigured_channel_has_no_endpoint(
    services: Services, runner: UpdateRunner
) -> None:
    app = build_web_app(services, runner, [])
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        response = await client.post("/zalo", json={}, headers={ZALO_HEADER: ZALO_SECRET})
    assert response.status_code == 404


# --- Telegram webhook --------------------------------------------------------------------


async def test_telegram_update_end_to_end(
    web: httpx.AsyncClient, runner: UpdateRunner, tg_api: FakeBotApi
) -> None:
    updates = Updates()
    update = updates.text("/start")
    response = await post_telegram(web, update)
    assert response.status_code == 200
    await runner.drain()
    (call,) = tg_api.sent()
    assert int(call.params["chat_id"]) == USER_ID
    assert call.params["text"].startswith("Xin chào! Tôi là Trợ lý Thi đua – Khen thưởng")
    # A redelivery of the same update_id is acknowledged and not answered again.
    assert (await post_telegram(web, update)).status_code == 200
    await runner.drain()
    assert len(tg_api.sent()) == 1


async def test_telegram_wrong_secret_and_bad_update(
    web: httpx.AsyncClient, runner: UpdateRunner, tg_api: FakeBotApi, db: Database
) -> None:
    update = Updates().text("/start")
    assert (await post_telegram(web, update, secret=ZALO_SECRET)).status_code == 403
    assert (await web.post("/telegram", json=update)).status_code == 403
    assert (await post_telegram(web, {"message": {"text": "no id"}})).status_code == 400
    await runner.drain()
    assert tg_api.sent() == []
    assert await inbound_count(db) == 0


# --- both channels -----------------------------------------------------------------------


async def test_status_change_on_telegram_notifies_a_zalo_follower(
    web: httpx.AsyncClient,
    runner: UpdateRunner,
    services: Services,
    tg_app: Application,
    tg_api: FakeBotApi,
    zalo_client: ZaloClient,
    zalo_api: FakeZalo,
    clock: MovableClock,
) -> None:
    await seed_dossier(services, status=Status.received)
    # A citizen on Zalo looks the dossier up and follows it by answering "1".
    zalo_updates = ZaloUpdates()
    for text in (CODE, DIGITS, "1"):
        assert (await post_zalo(web, zalo_updates.message(text))).status_code == 200
    await runner.drain()
    assert zalo_api.texts()[-1] == tf.FOLLOWED.format(code=CODE)

    # An officer on Telegram moves it to "in review" with the buttons.
    tg_updates = Updates()

    async def press(update: dict[str, Any]) -> Any:
        assert (await post_telegram(web, update)).status_code == 200
        await runner.drain()
        return tg_api.sent()[-1]

    menu = await press(tg_updates.text(f"/capnhat {CODE}"))
    note = await press(tg_updates.callback(buttons_of(menu)[Status.in_review.label]))
    assert note.params["text"] == ts.ASK_NOTE_OPTIONAL
    confirm = await press(tg_updates.callback(buttons_of(note)[ts.SKIP]))
    done = await press(tg_updates.callback(buttons_of(confirm)[ts.YES]))
    assert done.params["text"] == (
        ts.DONE.format(code=CODE, label=Status.in_review.label) + " Đã báo cho 1 người theo dõi."
    )

    # The outbox delivers the notice on the follower's own channel.
    sent_before = len(tg_api.sent())
    dispatcher = OutboxDispatcher(
        services.outbox,
        {
            "telegram": TelegramSender(tg_app, rate=25),
            "zalo": ZaloSender(zalo_client, rate=25),
        },
        clock,
    )
    assert await dispatcher.drain() == 1
    notice = zalo_api.texts()[-1]
    assert ts.NOTICE.format(code=CODE, label=Status.in_review.citizen_label) in notice
    assert len(tg_api.sent()) == sent_before
    assert await services.outbox.last_sent_at("zalo") == clock()


# --- health ------------------------------------------------------------------------------


async def test_healthz_healthy(
    web: httpx.AsyncClient, services: Services, clock: MovableClock
) -> None:
    response = await web.get("/healthz")
    assert response.status_code == 200
    report = response.json()
    assert report["status"] == "ok" and report["database"] == "ok"
    assert report["outbox"] == {
        "pending": 0,
        "dead": 0,
        "oldest_pending_age_seconds": None,
        "oldest_pending_age_by_channel": {},
    }
    assert report["last_sent"] == {"telegram": None, "zalo": None}
    # A fresh pending message is no problem.
    await services.outbox.enqueue(
        key="k1", channel="zalo", chat_id=CHAT, payload={"text": "x"}, at=services.now()
    )
    clock.advance(minutes=2)
    report = (await web.get("/healthz")).json()
    assert report["status"] == "ok"
    assert report["outbox"]["pending"] == 1
    assert report["outbox"]["oldest_pending_age_seconds"] == 120.0


async def test_healthz_unhealthy_with_an_old_backlog(
    web: httpx.AsyncClient, services: Services, clock: MovableClock
) -> None:
    await services.outbox.enqueue(
        key="k1", channel="zalo", chat_id=CHAT, payload={"text": "x"}, at=services.now()
    )
    clock.advance(minutes=20)
    response = await web.get("/healthz")
    assert response.status_code == 503
    report = response.json()
    assert report["status"] == "unhealthy"
    assert report["problems"] == ["outbox_backlog:zalo"]
    assert report["outbox"]["oldest_pending_age_seconds"] == 1200.0
    assert report["outbox"]["oldest_pending_age_by_channel"] == {"zalo": 1200.0}


async def test_backlog_of_a_channel_not_served_here_is_no_alarm(
    services: Services, runner: UpdateRunner, clock: MovableClock
) -> None:
    """Only Zalo runs; old notices for Telegram followers wait without making it unhealthy."""
    await services.outbox.enqueue(
        key="k1", channel="telegram", chat_id="1", payload={"text": "x"}, at=services.now()
    )
    clock.advance(hours=3)
    app = build_web_app(services, runner, [], channels=["zalo"])
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        response = await client.get("/healthz")
    assert response.status_code == 200
    report = response.json()
    assert report["outbox"]["oldest_pending_age_by_channel"] == {"telegram": 10800.0}
    assert report["last_sent"] == {"zalo": None}


async def test_healthz_unhealthy_without_database(web: httpx.AsyncClient, db: Database) -> None:
    await db.close()
    response = await web.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


# --- files for Zalo ----------------------------------------------------------------------


async def test_reply_image_is_served_under_an_unguessable_path(
    web: httpx.AsyncClient, zalo: ZaloChannel, zalo_api: FakeZalo, clock: MovableClock
) -> None:
    await zalo.send_replies(CHAT, [Reply("Mã QR", image=b"\x89PNG-data", image_name="qr.png")])
    (photo,) = zalo_api.sent("sendPhoto")
    path = httpx.URL(photo.params["photo"]).path
    response = await web.get(path)
    assert response.status_code == 200
    assert response.content == b"\x89PNG-data"
    assert response.headers["content-type"] == "image/png"
    assert (await web.get("/files/guessed-token/qr.png")).status_code == 404
    clock.advance(hours=25)
    assert (await web.get(path)).status_code == 404


async def test_document_reply_becomes_a_link(
    zalo: ZaloChannel, zalo_api: FakeZalo, web: httpx.AsyncClient
) -> None:
    await zalo.send_replies(
        CHAT, [Reply("Báo cáo", document=b"PK-xlsx", document_name="bao-cao.xlsx")]
    )
    (text,) = zalo_api.texts()
    url = text.split("tại: ")[1].split("\n")[0]
    assert url.startswith("https://bot.example.vn/files/")
    response = await web.get(httpx.URL(url).path)
    assert response.content == b"PK-xlsx"


# --- start-up (the channels' own webhooks: tests/bot/test_channels.py) ---------------------


def test_webhook_settings_are_validated(tmp_path: Path) -> None:
    good = load_settings(
        _env_file=None,
        public_url=" https://bot.example.vn/ ",
        zalo_webhook_secret="abcDEF_123-xyz",
        zalo_token="",
        http_port="9000",
    )
    assert good.public_url == "https://bot.example.vn"
    assert good.zalo_token is None
    assert good.http_host == "127.0.0.1" and good.http_port == 9000
    assert good.zalo_base_url == "https://bot-api.zaloplatforms.com/bot"
    with pytest.raises(SettingsError, match="TDKT_PUBLIC_URL"):
        load_settings(_env_file=None, public_url="http://bot.example.vn")
    with pytest.raises(SettingsError, match="TDKT_ZALO_WEBHOOK_SECRET"):
        load_settings(_env_file=None, zalo_webhook_secret="short")
    with pytest.raises(SettingsError, match="TDKT_TELEGRAM_WEBHOOK_SECRET"):
        load_settings(_env_file=None, telegram_webhook_secret="has spaces in it")
    with pytest.raises(SettingsError, match="TDKT_HTTP_PORT"):
        load_settings(_env_file=None, http_port="70000")


async def test_a_backlog_kept_by_the_quiet_hours_is_no_alarm(
    services: Services, runner: UpdateRunner, clock: MovableClock
) -> None:
    """Nothing is sent from 21:00 to 07:00: a notice waiting then is expected, not a fault."""
    from handlers.reminders import ReminderRules

    quiet = ReminderRules().quiet_at(services.tz)
    app = build_web_app(services, runner, [], channels=["zalo"], quiet=quiet)
    transport = httpx.ASGITransport(app=app)
    clock.set_local("2026-11-25 20:55")
    await services.outbox.enqueue(
        key="k1", channel="zalo", chat_id=CHAT, payload={"text": "x"}, at=services.now()
    )
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        statuses = []
        for moment in ("2026-11-25 23:00", "2026-11-26 07:10", "2026-11-26 07:20"):
            clock.set_local(moment)
            statuses.append((await client.get("/healthz")).status_code)
    # At 07:20 the morning's sending has had its 15 minutes: a backlog then is stuck.
    assert statuses == [200, 200, 503]


async def test_500_simultaneous_guesses_through_the_webhook_check_at_most_the_allowance(
    web: httpx.AsyncClient, runner: UpdateRunner, services: Services, zalo_api: FakeZalo
) -> None:
    await seed_dossier(services, status=Status.in_review)
    updates = ZaloUpdates()
    chats = [f"guesser{index:04d}" for index in range(500)]
    right = {chats[0], chats[250]}
    for chat in chats:
        assert (await post_zalo(web, updates.message(CODE, chat=chat))).status_code == 200
    await runner.drain()
    guesses = [
        updates.message(DIGITS if chat in right else f"{index:04d}", chat=chat)
        for index, chat in enumerate(chats)
    ]
    responses = await asyncio.gather(*(post_zalo(web, body) for body in guesses))
    assert {response.status_code for response in responses} == {200}
    await runner.drain()
    row = await services.db.fetch_one(
        "SELECT COALESCE(SUM(succeeded = 0), 0), COUNT(*) FROM lookup_attempts"
        " WHERE dossier_code = ?",
        (CODE,),
    )
    assert row is not None
    assert row[0] <= FREE_STRANGER_FAILURES
    assert row[1] <= FREE_STRANGER_FAILURES + len(right)
    shown = {chat for chat in chats if any(t.startswith("📄 Hồ sơ") for t in zalo_api.texts(chat))}
    assert shown <= right
    assert chats[0] in shown


# --- a long import holds the write lock: webhook updates wait for it (issue 23 item 6) ---------


def _import_file(tmp_path: Path, rows: int) -> Path:
    """A one-stop export of `rows` new dossiers, received on their codes' days in 2025."""
    path = tmp_path / "export.csv"
    with path.open("w", encoding="utf-8") as out:
        out.write("code,award_kind,nominee,received_on\n")
        for index in range(rows):
            day, number = 1 + index // 9_000, 1 + index % 9_000
            out.write(
                f"000.00.21.H01-2503{day:02d}-{number:04d},BKCT,Người {index},2025-03-{day:02d}\n"
            )
    return path


def _write_lock_held(database: Path) -> bool:
    probe = sqlite3.connect(database, timeout=0, isolation_level=None)
    try:
        probe.execute("BEGIN IMMEDIATE")
        probe.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError:
        return True
    finally:
        probe.close()


@pytest.mark.slow
async def test_webhook_lookups_during_a_large_import_are_all_answered(
    web: httpx.AsyncClient,
    runner: UpdateRunner,
    zalo_api: FakeZalo,
    services: Services,
    settings: Settings,
    tmp_path: Path,
) -> None:
    await seed_dossier(services)
    # The import holds SQLite's write lock longer than the busy timeout: 5 s in production
    # (a 425k-row import held it 6.5 s), 50 ms here so that a small import does the same.
    await services.db.fetch_all("PRAGMA busy_timeout = 50")
    path = _import_file(tmp_path, 27_000)
    env = {**os.environ, "TDKT_DATABASE": str(settings.database), "PYTHONPATH": str(ROOT)}
    env = {key: value for key, value in env.items() if key != "TDKT_LOG_LEVEL"}
    child = subprocess.Popen(  # noqa: ASYNC220 - started once; the test then awaits the lock
        [sys.executable, "-m", "bot", "import", str(path)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 60
        while not _write_lock_held(settings.database):
            assert child.poll() is None and loop.time() < deadline, "the import never wrote"
            await asyncio.sleep(0.005)
        updates = ZaloUpdates()
        responses = await asyncio.gather(
            *(post_zalo(web, updates.message(CODE, chat=f"chat{n}")) for n in range(40))
        )
        assert [response.status_code for response in responses] == [200] * 40
        _out, err = await asyncio.to_thread(child.communicate, timeout=120)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode == 0, err.decode()
    await runner.drain()
    answers = [zalo_api.texts(f"chat{n}") for n in range(40)]
    assert answers == [[tl.ASK_PHONE.format(code=CODE)]] * 40
    assert await services.dossiers.count() == 27_001
