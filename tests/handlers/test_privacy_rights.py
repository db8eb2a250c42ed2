"""Law 91/2025: the notice at first contact and in /baomat, the data itself, erasure, retention."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from types import SimpleNamespace

from bot.scheduler import purge_expired, run_scheduler
from db.outbox import enqueue
from domain.codes import make_code, to_deep_link_payload
from domain.statuses import Status
from handlers import build_router
from handlers.router import BotCore
from handlers.services import Services, build_services
from handlers.texts import privacy as t
from tests.conftest import ChatDriver, MovableClock
from tests.handlers.nomination.test_chat import AGENCY, TODAY, make_officer, press, to_review
from tests.handlers.test_status_update import CODE, DIGITS, payload_of, seed_dossier


def custom(services: Services, clock: MovableClock, **changes: object) -> BotCore:
    settings = services.settings.model_copy(update=changes)
    return BotCore(build_router(), build_services(settings, services.db, clock=clock))


async def test_baomat_and_the_welcome_name_the_controller_from_the_settings(
    services: Services, clock: MovableClock
) -> None:
    core = custom(
        services,
        clock,
        controller_name="Ban Thi đua – Khen thưởng tỉnh An Giang",
        controller_contact="bộ phận một cửa, 0296 3852 000, banthidua@angiang.gov.vn",
        retention_days=60,
    )
    chat = ChatDriver(core, "zalo", "citizen")
    notice = await chat.say("/baomat")
    assert "Bên kiểm soát dữ liệu: Ban Thi đua – Khen thưởng tỉnh An Giang." in notice
    assert "Liên hệ: bộ phận một cửa, 0296 3852 000, banthidua@angiang.gov.vn." in notice
    for right in ("/dulieucuatoi", "/xoadulieu", "sửa thông tin", "phản đối", "15 ngày"):
        assert right in notice
    assert "60 ngày" in notice and "Mục đích" in notice
    # With or without diacritics, any case: the command is the same.
    assert await chat.say("/BaoMat") == notice
    welcome = await chat.say("/start")
    assert welcome.startswith("Xin chào!")
    assert "Dữ liệu do Ban Thi đua – Khen thưởng tỉnh An Giang quản lý" in welcome
    assert "(giữ 60 ngày)" in welcome and "/baomat" in welcome
    # /help lists it for everyone.
    assert "/baomat" in await chat.say("/help")


async def test_my_data_shows_drafts_nominations_files_and_the_block(
    services: Services, core: BotCore, clock: MovableClock
) -> None:
    await make_officer(services, "console", "c1", "Trần Thị Hoa")
    officer = ChatDriver(core, "console", "c1")
    replies = await to_review(officer, name="Phạm Văn Bình")
    await press(officer, replies, "Xác nhận")
    code = make_code(AGENCY, TODAY, 1)
    await to_review(officer, name="Đỗ Thị Cúc")  # a draft left open
    await services.public_files.store(
        token="tok",
        name="bieu-do.png",
        mime_type="image/png",
        content=b"png",
        at=clock.current,
        expires_at=clock.current + timedelta(days=1),
        channel="console",
        chat_id="c1",
    )
    await services.outbox.chat_blocked("console", "c1", clock.current, "403")
    text = await officer.say("/dulieucuatoi")
    assert f"• 25/11/2026 09:00: {code} — Phạm Văn Bình" in text
    assert "Bản nháp đề nghị khen thưởng" in text and "Đỗ Thị Cúc" in text
    assert "• 25/11/2026 09:00: bieu-do.png" in text
    assert t.MY_DATA_BLOCKED.format(when="25/11/2026 09:00") in text
    assert "Bạn được đăng ký là chuyên viên với tên “Trần Thị Hoa”" in text
    # A chat the bot knows nothing about is told so.
    assert await ChatDriver(core, "zalo", "new").say("/dulieucuatoi") == t.MY_DATA_EMPTY


async def test_erase_removes_drafts_and_files_and_anonymises_nominations(
    services: Services, core: BotCore, clock: MovableClock
) -> None:
    await make_officer(services, "console", "c1", "Trần Thị Hoa")
    officer = ChatDriver(core, "console", "c1")
    replies = await to_review(officer, name="Phạm Văn Bình")
    await press(officer, replies, "Xác nhận")
    await to_review(officer, name="Đỗ Thị Cúc")
    await services.public_files.store(
        token="tok",
        name="bieu-do.png",
        mime_type="image/png",
        content=b"png",
        at=clock.current,
        expires_at=clock.current + timedelta(days=1),
        channel="console",
        chat_id="c1",
    )
    await services.public_files.store(
        token="other",
        name="x.png",
        mime_type="image/png",
        content=b"png",
        at=clock.current,
        expires_at=clock.current + timedelta(days=1),
        channel="zalo",
        chat_id="someone-else",
    )
    ask = await officer.send("/xoadulieu")
    erased = await officer.say(payload=payload_of(ask, ":yes"))
    assert erased == t.ERASED.format(staff_line=t.ERASED_STAFF)
    assert "đề nghị khen thưởng đã gửi" in erased and "đăng ký cán bộ" in erased
    assert await services.public_files.get("tok", clock.current) is None
    assert await services.public_files.get("other", clock.current) is not None
    for table in ("nomination_drafts", "conversations", "follows", "outbox"):
        rows = await services.db.fetch_all(
            f"SELECT 1 FROM {table} WHERE channel = 'console' AND chat_id = 'c1'"
        )
        assert rows == [], table
    # The submitted nomination stays with the board, without the chat's ids.
    rows = await services.db.fetch_all(
        "SELECT nominee_name, chat_id, registered_by, registered_by_name FROM nominations"
    )
    assert [tuple(row) for row in rows] == [("Phạm Văn Bình", "erased", "erased", "Trần Thị Hoa")]
    # The staff registration stays (an admin revokes it).
    assert await services.staff.by_user("console", "c1") is not None
    assert "Đề nghị khen thưởng đã gửi" not in await officer.say("/dulieucuatoi")


async def test_erase_keeps_the_last_hours_code_answers_for_the_limits(
    services: Services, core: BotCore, clock: MovableClock
) -> None:
    """Erasing must not reset the existence limit: the last hour's answers stay an hour."""
    await seed_dossier(services, status=Status.in_review)
    prober = ChatDriver(core, "zalo", "prober")
    for n in range(9):
        await prober.say(f"000.00.21.H01-261111-{n:04d}")
    ask = await prober.send("/xoadulieu")
    await prober.say(payload=payload_of(ask, ":yes"))
    await prober.say("000.00.21.H01-261111-0099")
    assert "tra cứu quá nhiều mã" in await prober.say(CODE)
    clock.advance(minutes=61)
    ask = await prober.send("/xoadulieu")
    await prober.say(payload=payload_of(ask, ":yes"))
    assert await prober.say("/dulieucuatoi") == t.MY_DATA_EMPTY
    assert "4 số cuối" in await prober.say(CODE)


async def _seed_for_purge(services: Services, clock: MovableClock) -> None:
    """An attempt, a code answer, an update id and a sent and a pending notice, all now."""
    await seed_dossier(services, status=Status.in_review)
    chat = ChatDriver(BotCore(build_router(), services), "zalo", "citizen")
    await chat.say(f"/start {to_deep_link_payload(CODE)}")
    await chat.say(DIGITS)
    await services.inbound.accept("zalo", f"u{clock.current.timestamp()}", {}, clock.current)
    async with services.db.transaction() as conn:
        for state in ("sent", "pending"):
            key = f"{state}-{clock.current.isoformat()}"
            await enqueue(
                conn,
                key=key,
                channel="zalo",
                chat_id="citizen",
                payload={"text": "x"},
                at=clock.current,
            )
            await conn.execute("UPDATE outbox SET state = ? WHERE dedupe_key = ?", (state, key))


async def counts(services: Services) -> dict[str, int]:
    result = {}
    for table in ("lookup_attempts", "lookup_probes", "inbound_updates", "outbox"):
        row = await services.db.fetch_one(f"SELECT COUNT(*) FROM {table}")
        assert row is not None
        result[table] = int(row[0])
    return result


async def test_the_retention_purge_deletes_what_is_older_than_the_setting(
    services: Services, clock: MovableClock
) -> None:
    await _seed_for_purge(services, clock)
    clock.advance(days=89)
    await _seed_for_purge(services, clock)
    before = await counts(services)
    assert before == {
        "lookup_attempts": 2,
        "lookup_probes": 2,
        "inbound_updates": 2,
        "outbox": 4,
    }
    assert await purge_expired(services) == 0
    clock.advance(days=2)  # the first batch is now 91 days old
    assert await purge_expired(services) == 4
    assert await counts(services) == {
        "lookup_attempts": 1,
        "lookup_probes": 1,
        "inbound_updates": 1,
        # A pending notice is never purged, however old: it has not been delivered yet.
        "outbox": 3,
    }
    states = await services.db.fetch_all("SELECT state FROM outbox ORDER BY id")
    assert [row[0] for row in states] == ["pending", "sent", "pending"]
    # Running it again changes nothing.
    assert await purge_expired(services) == 0


async def test_the_scheduler_runs_the_purge_with_the_configured_days(
    services: Services, clock: MovableClock
) -> None:
    short = build_services(
        services.settings.model_copy(update={"retention_days": 30}), services.db, clock=clock
    )
    await _seed_for_purge(short, clock)
    clock.advance(days=31)
    stop = asyncio.Event()
    task = asyncio.create_task(run_scheduler(SimpleNamespace(services=short), stop))  # type: ignore[arg-type]
    for _ in range(200):
        if (await counts(short))["lookup_attempts"] == 0:
            break
        await asyncio.sleep(0.01)
    stop.set()
    await asyncio.wait_for(task, 5)
    assert await counts(short) == {
        "lookup_attempts": 0,
        "lookup_probes": 0,
        "inbound_updates": 0,
        "outbox": 1,
    }


async def test_baomat_tells_of_the_full_phone_number_only_when_zns_is_on(
    services: Services, clock: MovableClock
) -> None:
    import base64

    plain = await ChatDriver(custom(services, clock), "zalo", "a").say("/baomat")
    assert "mã hóa" not in plain and "giữ 4 số cuối để xác minh." in plain
    zns = custom(
        services,
        clock,
        zns_access_token="token",
        zns_template_status="123456",
        phone_key=base64.urlsafe_b64encode(bytes(32)).decode(),
        phone_retention_days=30,
    )
    notice = await ChatDriver(zns, "zalo", "a").say("/baomat")
    assert t.NOTICE_ZNS.format(days=30) in notice
