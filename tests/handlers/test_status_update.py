"""Officers change a dossier's status (/capnhat): the flow, history, notes and notices.

Also the helpers the other issue-3 test modules share (seeding dossiers, staff, followers).
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest

from db.connection import Database
from db.models import Dossier, DossierInput, HistoryEntry, StaffMember
from db.outbox import enqueue
from domain.statuses import Status
from handlers.actions.dossier_status import change_status
from handlers.messages import Attachment, AttachmentKind, Reply, numbered
from handlers.router import BotCore
from handlers.services import Services
from handlers.texts import casework as tw
from handlers.texts import common as tc
from handlers.texts import lookup as tl
from handlers.texts import staff as ts
from handlers.texts import status as t
from tests.conftest import ChatDriver, MovableClock

CODE = "000.00.21.H01-261120-0001"
OTHER_CODE = "000.00.21.H01-261120-0002"
DIGITS = "5678"


# --- helpers shared by the issue-3 test modules -------------------------------------------


async def seed_dossier(
    services: Services,
    code: str = CODE,
    *,
    status: Status = Status.received,
    phone: str = DIGITS,
    received_on: date = date(2026, 11, 20),
    due_on: date = date(2026, 12, 28),
    **changes: Any,
) -> Dossier:
    """Insert one dossier through the repository and return it as stored."""
    item = DossierInput(
        code=code,
        award_kind="BKCT",
        nominee="Nguyễn Văn An",
        unit="Trường THCS Lê Quý Đôn",
        phone_last4=phone,
        received_on=received_on,
        due_on=due_on,
        status=status,
        **changes,
    )
    await services.dossiers.upsert_many([item], actor="test", now=services.now())
    dossier = await services.dossiers.get_by_code(code)
    assert dossier is not None
    return dossier


async def make_staff(
    services: Services,
    user_id: str,
    role: str = "officer",
    channel: str = "console",
    name: str | None = None,
) -> StaffMember:
    """Register someone as officer or leader through a one-time invite, as /dangky does."""
    code = f"TEST-{channel}-{user_id}"
    now = services.now()
    await services.staff.create_invite(
        code=code, role=role, created_by="test", now=now, expires_at=now + timedelta(hours=1)
    )
    member = await services.staff.redeem_invite(
        code=code,
        channel=channel,
        user_id=user_id,
        chat_id=user_id,
        name=name or f"CB {user_id}",
        now=now,
    )
    assert member is not None
    return member


async def snapshot(db: Database, *, skip: tuple[str, ...] = ()) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table: compare two snapshots to prove nothing was written.

    The numbered choices the console remembers from the last reply are screen state, not data.
    """
    names = await db.fetch_all(
        "SELECT name FROM sqlite_master WHERE type = 'table'"
        " AND name NOT LIKE 'sqlite_%' AND name != 'schema_migrations' ORDER BY name"
    )
    ignored = {"offered_choices", *skip}
    return {
        row[0]: sorted((tuple(r) for r in await db.fetch_all(f"SELECT * FROM {row[0]}")), key=repr)
        for row in names
        if row[0] not in ignored
    }


async def follow_verified(
    core: BotCore, channel: str, chat_id: str, code: str = CODE, digits: str = DIGITS
) -> ChatDriver:
    """The chat proves the phone digits and follows the dossier, as a citizen would."""
    driver = ChatDriver(core, channel, chat_id)
    asked = await driver.say(f"/theodoi {code}")
    assert tl.ASK_PHONE.format(code=code) in asked
    answer = await driver.say(digits)
    assert "Đã theo dõi hồ sơ" in answer, answer
    return driver


def payload_of(replies: list[Reply], marker: str) -> str:
    """The payload of the (last) offered choice whose payload contains `marker`."""
    for reply in reversed(replies):
        for choice in reply.choices:
            if marker in choice.payload:
                return choice.payload
    raise AssertionError(f"no choice with {marker!r} in {replies!r}")


async def outbox_rows(db: Database) -> list[dict[str, Any]]:
    rows = await db.fetch_all("SELECT * FROM outbox ORDER BY id")
    return [dict(row) | {"payload": json.loads(row["payload"])} for row in rows]


async def history(services: Services, dossier_id: int) -> list[HistoryEntry]:
    return list(reversed(await services.dossiers.history(dossier_id, limit=100)))


# --- fixtures --------------------------------------------------------------------------------


@pytest.fixture
async def officer(services: Services, core: BotCore) -> ChatDriver:
    await make_staff(services, "off1")
    return ChatDriver(core, "console", "off1")


async def choose(
    officer: ChatDriver, target: Status, code: str = CODE
) -> tuple[list[Reply], list[Reply]]:
    """`/capnhat CODE` then the target's button: (the status menu, the note question)."""
    menu = await officer.send(f"/capnhat {code}")
    asked = await officer.send(payload=payload_of(menu, f":to:{target.value}"))
    return menu, asked


async def change(officer: ChatDriver, target: Status, note: str | None) -> list[Reply]:
    """The whole flow up to and including the confirmation."""
    _menu, asked = await choose(officer, target)
    if note is None:
        confirm = await officer.send(payload=payload_of(asked, ":skip"))
    else:
        confirm = await officer.send(note)
    return await officer.send(payload=payload_of(confirm, ":ok"))


# --- the flow --------------------------------------------------------------------------------


async def test_full_flow_writes_status_and_history(services: Services, officer: ChatDriver) -> None:
    dossier = await seed_dossier(services, status=Status.in_review)
    menu = await officer.send(f"/capnhat {CODE.lower()}")
    assert CODE in menu[0].text and "Đang thẩm định" in menu[0].text
    offered = [choice.payload.rsplit(":", 1)[-1] for choice in menu[0].choices]
    assert offered == ["needs_supplement", "passed", "rejected", "withdrawn", "stopped", "no"]
    asked = await officer.send(payload=payload_of(menu, ":to:passed"))
    assert asked[0].text == t.ASK_NOTE_OPTIONAL
    confirm = await officer.send("Hội đồng thống nhất   đề nghị")
    assert "Đang thẩm định → Thẩm định đạt" in confirm[0].text
    assert "Ghi chú: Hội đồng thống nhất đề nghị" in confirm[0].text
    done = await officer.say(payload=payload_of(confirm, ":ok"))
    assert done == t.DONE_NO_FOLLOWERS.format(code=CODE, label=Status.passed.label)

    stored = await services.dossiers.get_by_code(CODE)
    assert stored is not None
    assert stored.status is Status.passed
    assert stored.note == "Hội đồng thống nhất đề nghị"
    assert stored.resolved_on == date(2026, 11, 25)
    entries = await history(services, dossier.id)
    assert len(entries) == 2
    last = entries[-1]
    assert (last.from_status, last.to_status) == (Status.in_review, Status.passed)
    assert last.actor == "console:off1"
    assert last.note == "Hội đồng thống nhất đề nghị"
    assert last.changed_at == services.now()
    assert await services.conversations.get("console", "off1") is None


async def test_numbered_choices_on_the_console(services: Services, officer: ChatDriver) -> None:
    await seed_dossier(services, status=Status.received)
    assert t.ASK_CODE in await officer.say("/capnhat")
    menu = numbered((await officer.send(CODE))[0])
    assert "\n1. Đang thẩm định\n2. Yêu cầu bổ sung hồ sơ\n" in menu
    asked = await officer.send("1")
    assert asked[0].text == t.ASK_NOTE_OPTIONAL
    assert numbered(asked[0]).endswith("1. Bỏ qua")
    assert await officer.say("7") == tc.CHOICE_OUT_OF_RANGE.format(count=1)
    confirm = await officer.say("1")  # “Bỏ qua”
    assert t.CONFIRM_NO_NOTE in confirm
    assert "Đã cập nhật" in await officer.say("1")
    stored = await services.dossiers.get_by_code(CODE)
    assert stored is not None and stored.status is Status.in_review and stored.note is None


async def test_required_notes(services: Services, officer: ChatDriver) -> None:
    await seed_dossier(services, status=Status.in_review)
    _menu, asked = await choose(officer, Status.needs_supplement)
    assert asked[0].text == t.ASK_NOTE_REQUIRED["needs_supplement"]
    assert not asked[0].choices  # no “skip” for a required note
    before = await snapshot(services.db)
    conversation = await services.conversations.get("console", "off1")
    assert conversation is not None
    # A forged skip for a required note is refused like an empty one.
    forged = await officer.say(payload=f"st:{conversation.nonce}:skip")
    assert forged == t.NOTE_EMPTY
    assert await officer.say("   ") == t.NOTE_EMPTY
    photo = Attachment(kind=AttachmentKind.photo, file_id="p1")
    assert await officer.say(None, attachments=(photo,)) == tc.TEXT_EXPECTED
    assert await officer.say("x" * 1001) == t.NOTE_TOO_LONG.format(limit=1000)
    assert await snapshot(services.db) == before
    confirm = await officer.send("Bổ sung biên bản họp Hội đồng")
    assert "Yêu cầu bổ sung hồ sơ" in confirm[0].text
    await officer.send(payload=payload_of(confirm, ":ok"))
    stored = await services.dossiers.get_by_code(CODE)
    assert stored is not None and stored.status is Status.needs_supplement
    assert stored.note == "Bổ sung biên bản họp Hội đồng"
    assert stored.supplement_since == date(2026, 11, 25)


async def test_rejected_needs_a_reason(services: Services, officer: ChatDriver) -> None:
    await seed_dossier(services, status=Status.in_review)
    _menu, asked = await choose(officer, Status.rejected)
    assert asked[0].text == t.ASK_NOTE_REQUIRED["rejected"]
    confirm = await officer.send("Thành tích chưa đủ tiêu chuẩn")
    await officer.send(payload=payload_of(confirm, ":ok"))
    stored = await services.dossiers.get_by_code(CODE)
    assert stored is not None and stored.status is Status.rejected
    assert stored.note == "Thành tích chưa đủ tiêu chuẩn"


async def test_decided_stores_the_decision_number(services: Services, officer: ChatDriver) -> None:
    await seed_dossier(services, status=Status.passed)
    _menu, asked = await choose(officer, Status.decided)
    assert asked[0].text == t.ASK_NOTE_REQUIRED["decided"]
    confirm = await officer.send("1234/QĐ-UBND")
    assert t.CONFIRM_DECISION.format(note="1234/QĐ-UBND") in confirm[0].text
    await officer.send(payload=payload_of(confirm, ":ok"))
    stored = await services.dossiers.get_by_code(CODE)
    assert stored is not None and stored.status is Status.decided
    assert stored.decision_no == "1234/QĐ-UBND"


async def test_bad_codes_write_nothing(services: Services, officer: ChatDriver) -> None:
    await seed_dossier(services)
    before = await snapshot(services.db)
    assert await officer.say(f"/capnhat {OTHER_CODE}") == t.NOT_FOUND.format(code=OTHER_CODE)
    malformed = await officer.say("/capnhat 12-34")
    assert "không phải là mã hồ sơ hợp lệ" in malformed
    assert await snapshot(services.db) == before


async def test_final_status_offers_nothing(services: Services, officer: ChatDriver) -> None:
    await seed_dossier(services, status=Status.returned)
    replies = await officer.send(f"/capnhat {CODE}")
    assert replies[0].text == t.FINAL.format(code=CODE, label=Status.returned.label)
    assert not replies[0].choices
    assert await services.conversations.get("console", "off1") is None


async def test_forbidden_move_by_forged_button(services: Services, officer: ChatDriver) -> None:
    await seed_dossier(services, status=Status.in_review)
    menu = await officer.send(f"/capnhat {CODE}")
    nonce = payload_of(menu, ":to:").split(":")[1]
    before = await snapshot(services.db)
    for target in ("returned", "decided", "received", "in_review"):
        text = await officer.say(payload=f"st:{nonce}:to:{target}")
        assert text == t.NOT_ALLOWED.format(
            current=Status.in_review.label, target=Status(target).label
        )
    assert await officer.say(payload=f"st:{nonce}:to:nonsense") == tc.STALE_BUTTON
    # Skipping the note or confirming before choosing is not possible either.
    assert await officer.say(payload=f"st:{nonce}:ok") == tc.STALE_BUTTON
    assert await officer.say(payload=f"st:{nonce}:skip") == tc.STALE_BUTTON
    assert await snapshot(services.db) == before


async def test_stale_and_forged_nonces(services: Services, officer: ChatDriver) -> None:
    await seed_dossier(services, status=Status.in_review)
    menu, asked = await choose(officer, Status.passed)
    confirm = await officer.send(payload=payload_of(asked, ":skip"))
    before = await snapshot(services.db)
    # Buttons of earlier steps and made-up nonces are stale.
    assert await officer.say(payload=payload_of(menu, ":to:rejected")) == tc.STALE_BUTTON
    assert await officer.say(payload=payload_of(asked, ":skip")) == tc.STALE_BUTTON
    assert await officer.say(payload="st:deadbeef:ok") == tc.STALE_BUTTON
    assert await officer.say(payload="st:") == tc.STALE_BUTTON
    assert await officer.say(payload="st") == tc.STALE_BUTTON
    assert await snapshot(services.db) == before
    # The current confirmation still works.
    assert "Đã cập nhật" in await officer.say(payload=payload_of(confirm, ":ok"))
    # ...once: pressing it again is stale and writes nothing.
    after = await snapshot(services.db)
    assert await officer.say(payload=payload_of(confirm, ":ok")) == tc.STALE_BUTTON
    assert await snapshot(services.db) == after


async def test_cancel_changes_nothing(services: Services, officer: ChatDriver) -> None:
    await seed_dossier(services, status=Status.in_review)
    _menu, asked = await choose(officer, Status.passed)
    confirm = await officer.send(payload=payload_of(asked, ":skip"))
    assert await officer.say(payload=payload_of(confirm, ":no")) == t.CANCELLED
    stored = await services.dossiers.get_by_code(CODE)
    assert stored is not None and stored.status is Status.in_review
    assert await services.conversations.get("console", "off1") is None


async def test_citizen_in_the_same_chat_cannot_press(
    services: Services, core: BotCore, officer: ChatDriver
) -> None:
    await seed_dossier(services, status=Status.in_review)
    _menu, asked = await choose(officer, Status.passed)
    confirm = await officer.send(payload=payload_of(asked, ":skip"))
    before = await snapshot(services.db)
    # A group chat: another member (a citizen) presses the officer's button.
    text = await officer.say(payload=payload_of(confirm, ":ok"), sender_id="citizen9")
    assert text == ts.REFUSED
    assert await snapshot(services.db) == before


async def test_revoked_officer_cannot_finish(services: Services, officer: ChatDriver) -> None:
    await seed_dossier(services, status=Status.in_review)
    _menu, asked = await choose(officer, Status.passed)
    confirm = await officer.send(payload=payload_of(asked, ":skip"))
    member = await services.staff.by_user("console", "off1")
    assert member is not None
    assert await services.staff.revoke(member.id, services.now())
    assert await officer.say(payload=payload_of(confirm, ":ok")) == ts.REFUSED
    stored = await services.dossiers.get_by_code(CODE)
    assert stored is not None and stored.status is Status.in_review


async def test_concurrent_change_conflict(
    services: Services, core: BotCore, officer: ChatDriver
) -> None:
    dossier = await seed_dossier(services, status=Status.in_review)
    await make_staff(services, "off2")
    second = ChatDriver(core, "console", "off2")
    _menu, asked_1 = await choose(officer, Status.passed)
    await choose(second, Status.rejected)
    confirm_2 = await second.send("Thiếu hồ sơ gốc")
    confirm_1 = await officer.send(payload=payload_of(asked_1, ":skip"))
    assert "Đã cập nhật" in await officer.say(payload=payload_of(confirm_1, ":ok"))
    before = await snapshot(services.db, skip=("conversations",))
    text = await second.say(payload=payload_of(confirm_2, ":ok"))
    assert text == t.CONFLICT.format(code=CODE, label=Status.passed.label)
    assert await snapshot(services.db, skip=("conversations",)) == before
    # The same race decided inside the transaction (both read `in_review` before writing).
    stale = dossier
    result = await change_status(services, stale, Status.stopped, None, "console:off2")
    assert not result.applied
    assert result.dossier.status is Status.passed
    assert len(await history(services, dossier.id)) == 2


# --- followers and the outbox -----------------------------------------------------------------


async def test_status_change_notifies_each_follower_exactly_once(
    services: Services, core: BotCore, officer: ChatDriver
) -> None:
    dossier = await seed_dossier(services, status=Status.in_review)
    other = await seed_dossier(services, OTHER_CODE, status=Status.in_review)
    await follow_verified(core, "console", "citA")
    await follow_verified(core, "console", "citA", OTHER_CODE)
    await follow_verified(core, "telegram", "555")
    leaver = await follow_verified(core, "console", "citC")
    assert "Đã ngừng theo dõi" in await leaver.say(f"/botheodoi {CODE}")
    await follow_verified(core, "telegram", "777")
    await services.outbox.chat_blocked("telegram", "777", services.now(), "403: blocked")
    assert await outbox_rows(services.db) == []

    done = await change(officer, Status.needs_supplement, "Bổ sung bản sao quyết định")
    assert done[0].text == (
        t.DONE.format(code=CODE, label=Status.needs_supplement.label)
        + " "
        + tw.NOTIFIED_NOW.format(count=2)
    )
    entry = (await history(services, dossier.id))[-1]
    rows = await outbox_rows(services.db)
    assert {row["dedupe_key"] for row in rows} == {
        f"status:{dossier.id}:{entry.id}:console:citA",
        f"status:{dossier.id}:{entry.id}:telegram:555",
    }
    assert {(row["channel"], row["chat_id"]) for row in rows} == {
        ("console", "citA"),
        ("telegram", "555"),
    }
    assert all(row["state"] == "pending" and row["attempts"] == 0 for row in rows)
    text = rows[0]["payload"]["text"]
    # The portal's word first, our step in brackets, as on the status card.
    assert (
        f"Hồ sơ {CODE} đã chuyển sang trạng thái: Yêu cầu bổ sung giấy tờ (Yêu cầu bổ sung hồ sơ)"
    ) in text
    assert "Cần bổ sung: Bổ sung bản sao quyết định" in text
    assert "Ngày hẹn trả kết quả: 28/12/2026" in text
    assert f"/botheodoi {CODE}" in text
    assert rows[0]["payload"] == rows[1]["payload"]
    assert OTHER_CODE not in text and other.id != dossier.id

    # The dedupe key makes a second enqueue of the same notice a no-op.
    async with services.db.transaction() as conn:
        again = await enqueue(
            conn,
            key=rows[0]["dedupe_key"],
            channel="console",
            chat_id="citA",
            payload={"text": "duplicate"},
            at=services.now(),
        )
    assert again is False
    assert len(await outbox_rows(services.db)) == 2

    # The next change is a new notice: one more per follower.
    await change(officer, Status.in_review, None)
    rows = await outbox_rows(services.db)
    assert len(rows) == 4
    assert len({row["dedupe_key"] for row in rows}) == 4
    assert sorted((row["channel"], row["chat_id"]) for row in rows) == [
        ("console", "citA"),
        ("console", "citA"),
        ("telegram", "555"),
        ("telegram", "555"),
    ]


async def test_notice_of_a_decision_and_of_a_final_status(
    services: Services, core: BotCore, officer: ChatDriver
) -> None:
    await seed_dossier(services, status=Status.passed)
    await follow_verified(core, "console", "citA")
    await change(officer, Status.decided, "1234/QĐ-UBND")
    (row,) = await outbox_rows(services.db)
    text = row["payload"]["text"]
    assert "Đã có quyết định khen thưởng" in text
    assert "Số quyết định: 1234/QĐ-UBND" in text
    await change(officer, Status.returned, None)
    last = (await outbox_rows(services.db))[-1]["payload"]["text"]
    assert "Đã trả kết quả" in last
    assert "Ngày hẹn trả kết quả" not in last  # finished: no deadline to announce


async def test_enqueue_failure_rolls_back_the_change(
    services: Services, core: BotCore, officer: ChatDriver, monkeypatch: pytest.MonkeyPatch
) -> None:
    dossier = await seed_dossier(services, status=Status.in_review)
    await follow_verified(core, "console", "citA")
    _menu, asked = await choose(officer, Status.passed)
    confirm = await officer.send(payload=payload_of(asked, ":skip"))
    before_history = await history(services, dossier.id)

    async def broken_enqueue(*_args: object, **_kwargs: object) -> bool:
        raise RuntimeError("disk full")

    monkeypatch.setattr("db.outbox.enqueue", broken_enqueue)
    monkeypatch.setattr("db.dossiers.enqueue", broken_enqueue)
    text = await officer.say(payload=payload_of(confirm, ":ok"))
    assert text == tc.INTERNAL_ERROR
    stored = await services.dossiers.get_by_code(CODE)
    assert stored == dossier
    assert await history(services, dossier.id) == before_history
    assert await outbox_rows(services.db) == []

    # Once the outbox works again the officer can repeat the change, and it goes through.
    monkeypatch.undo()
    done = await change(officer, Status.passed, None)
    assert "Đã báo cho 1 người theo dõi" in done[0].text
    assert len(await outbox_rows(services.db)) == 1


async def test_blocked_chat_that_follows_again_is_notified(
    services: Services, core: BotCore, officer: ChatDriver
) -> None:
    """A person who blocked the bot and comes back with /theodoi (not /start) is told again."""
    await seed_dossier(services, status=Status.in_review)
    citizen = await follow_verified(core, "telegram", "777")
    await services.outbox.chat_blocked("telegram", "777", services.now(), "403: blocked")
    assert await services.follows.for_chat("telegram", "777") == []
    assert "Đã theo dõi" in await citizen.say(f"/theodoi {CODE}")
    done = await change(officer, Status.passed, None)
    assert "Đã báo cho 1 người theo dõi" in done[0].text
    rows = await outbox_rows(services.db)
    assert [(row["channel"], row["chat_id"]) for row in rows] == [("telegram", "777")]


async def test_menu_shown_matches_the_role(services: Services, core: BotCore) -> None:
    citizen = {c.name for c in core.router.commands_for("citizen")}
    officer = {c.name for c in core.router.commands_for("officer")}
    assert "capnhat" in officer and "qr" in officer and "canbo" in officer
    assert "moi" not in officer
    assert not {"capnhat", "qr", "canbo", "moi"} & citizen
    assert {"theodoi", "dangtheodoi", "botheodoi", "dulieucuatoi", "xoadulieu"} <= citizen


async def test_clock_is_the_services_clock(
    services: Services, officer: ChatDriver, clock: MovableClock
) -> None:
    dossier = await seed_dossier(services, status=Status.in_review)
    clock.set_local("2026-12-01 16:45")
    await change(officer, Status.passed, None)
    entry = (await history(services, dossier.id))[-1]
    assert entry.changed_at == clock.current
    stored = await services.dossiers.get_by_code(CODE)
    assert stored is not None and stored.resolved_on == date(2026, 12, 1)


async def test_flow_text_is_refused_once_the_officer_is_revoked(
    services: Services, core: BotCore, officer: ChatDriver
) -> None:
    """Typing codes into an open /capnhat shows nothing once the role is gone."""
    await seed_dossier(services, status=Status.in_review)
    await officer.say("/capnhat")
    member = await services.staff.by_user("console", "off1")
    assert member is not None
    assert await services.staff.revoke(member.id, services.now())
    text = await officer.say(CODE)
    assert text == ts.REFUSED
    assert "Nguyễn" not in text
    # A citizen typing a code in a group chat where an officer opened the flow is refused too.
    await make_staff(services, "off2")
    group = ChatDriver(core, "console", "group1")
    await group.say("/capnhat", sender_id="off2")
    assert await group.say(CODE, sender_id="citizen7") == ts.REFUSED
