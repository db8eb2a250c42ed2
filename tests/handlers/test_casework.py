"""The officer's working day (issue 14) through BotCore on all three channels' reply shapes:
search (/tim), the dossier view (/hoso), snooze, history (/lichsu), bulk updates, decision
numbers, the one supplement request, and what the replies say about the notices."""

from __future__ import annotations

from datetime import date

import pytest

from db.models import DossierInput
from domain.statuses import Status
from handlers.actions.dossier_status import change_status
from handlers.messages import Reply, numbered
from handlers.router import BotCore
from handlers.services import Services
from handlers.texts import casework as tw
from handlers.texts import staff as tstaff
from handlers.texts import status as t
from tests.conftest import ChatDriver, MovableClock
from tests.engines import on_both_engines as pytest_generate_tests
from tests.handlers.test_status_update import (
    follow_verified,
    history,
    make_staff,
    outbox_rows,
    payload_of,
)

AGENCY = "000.00.21.H01"
NOMINEES = [
    ("Nguyễn Văn An", "Trường THCS Lê Quý Đôn"),
    ("Trần Thị Bình", "UBND xã An Bình"),
    ("Lê Văn Anh", "Công ty Điện lực An Giang"),
    ("Phạm Thị Hoa", "Trường Tiểu học Nguyễn Trãi"),
]

# Staff search, snoozes and the reminder sweep run on both engines.
__all__ = ["pytest_generate_tests"]


def code(seq: int) -> str:
    return f"{AGENCY}-261120-{seq:04d}"


async def add(
    services: Services,
    seq: int,
    nominee: str,
    status: Status = Status.in_review,
    *,
    unit: str = "",
    due_on: date = date(2026, 12, 28),
    decision_no: str | None = None,
) -> None:
    item = DossierInput(
        code=code(seq),
        award_kind="BKCT",
        nominee=nominee,
        unit=unit,
        phone_last4="5678",
        received_on=date(2026, 11, 20),
        due_on=due_on,
        status=status,
        decision_no=decision_no,
    )
    await services.dossiers.upsert_many([item], actor="import", now=services.now())


def payloads(replies: list[Reply]) -> list[str]:
    return [choice.payload for reply in replies for choice in reply.choices]


CHATS = {"console": "off1", "zalo": "zl1", "telegram": "tg1"}


async def press(chat: ChatDriver, replies: list[Reply], marker: str) -> list[Reply]:
    """Press the offered choice whose payload contains `marker`: the button on Telegram, its
    number on Zalo and the console (the reply shape each channel has)."""
    if chat.channel == "telegram":
        return await chat.send(payload=payload_of(replies, marker))
    number = next(i for i, c in enumerate(replies[-1].choices, 1) if marker in c.payload)
    return await chat.send(str(number))


@pytest.fixture
async def staff(services: Services) -> None:
    await make_staff(services, "off1", name="Trần Thị Hoa")
    await make_staff(services, "lead1", role="leader", name="Lê Minh Tuấn")
    await make_staff(services, "tg1", channel="telegram", name="Võ Văn Nam")
    await make_staff(services, "zl1", channel="zalo", name="Đỗ Thị Mai")


@pytest.fixture
def console(core: BotCore, staff: None) -> ChatDriver:
    return ChatDriver(core, "console", "off1")


@pytest.fixture
def telegram(core: BotCore, staff: None) -> ChatDriver:
    return ChatDriver(core, "telegram", "tg1")


@pytest.fixture
def zalo(core: BotCore, staff: None) -> ChatDriver:
    return ChatDriver(core, "zalo", "zl1")


@pytest.fixture
def leader(core: BotCore, staff: None) -> ChatDriver:
    return ChatDriver(core, "console", "lead1")


# --- 1. search ---------------------------------------------------------------------------------


async def test_search_without_accents_ranks_the_name_first(
    services: Services, console: ChatDriver
) -> None:
    for seq, (nominee, unit) in enumerate(NOMINEES, start=1):
        await add(services, seq, nominee, unit=unit)
    replies = await console.send("/tim an")
    text = replies[0].text
    # "An" is in three names or units; the one named exactly "An…" at the start comes first.
    lines = text.splitlines()
    assert lines[0] == tw.SEARCH_HEADER.format(count=3, query="an")
    assert lines[1].startswith(f"1. {code(1)} — Nguyễn Văn An")
    assert code(4) not in text  # Phạm Thị Hoa, Nguyễn Trãi: no word "an"
    accented = (await console.send("/tim Lê Quý Đôn"))[0].text
    plain = (await console.send("/tim le quy don"))[0].text
    assert code(1) in accented and code(1) in plain
    assert "Tìm thấy 1 hồ sơ" in plain
    by_code = (await console.send("/tim 0003"))[0].text
    assert f"1. {code(3)} — Lê Văn Anh" in by_code
    assert tw.SEARCH_NONE.format(query="zzz") == (await console.send("/tim zzz"))[0].text


async def test_search_pages_and_opens_a_result_on_every_channel(
    services: Services, console: ChatDriver, telegram: ChatDriver, zalo: ChatDriver
) -> None:
    for seq in range(1, 12):
        await add(services, seq, f"Nguyễn Văn Số {seq}", unit="Sở Nội vụ")
    # Telegram: buttons carry the payloads.
    first = await telegram.send("/tim so noi vu")
    assert "Tìm thấy 11 hồ sơ" in first[0].text and "Trang 1/2" in first[0].text
    opened = payloads(first)
    assert opened[:8] == [f"ho:{code(seq)}" for seq in range(1, 9)]
    assert "tm:2:so noi vu" in opened
    second = await telegram.send(payload="tm:2:so noi vu")
    assert f"1. {code(9)}" in second[0].text
    view = await telegram.send(payload=f"ho:{code(9)}")
    assert view[0].text.startswith(f"📁 Hồ sơ {code(9)}")
    # Zalo and the console: the same choices as numbered lines, answered by number.
    for chat in (zalo, console):
        shown = numbered((await chat.send("/tim số nội vụ"))[0])
        assert f"2. Nguyễn Văn Số 2 · {code(2)[-11:]}" in shown
        opened_text = (await chat.send("2"))[0].text
        assert opened_text.startswith(f"📁 Hồ sơ {code(2)}")


async def test_search_is_for_staff_only(core: BotCore, services: Services) -> None:
    await add(services, 1, "Nguyễn Văn An")
    citizen = ChatDriver(core, "console", "citizen")
    assert await citizen.say("/tim an") == tstaff.REFUSED
    assert await citizen.say(payload=f"ho:{code(1)}") == tstaff.REFUSED
    assert await citizen.say(payload=f"hz:1:{code(1)}") == tstaff.REFUSED
    assert await citizen.say(f"/lichsu {code(1)}") == tstaff.REFUSED


async def test_search_wildcards_are_literal(services: Services, console: ChatDriver) -> None:
    await add(services, 1, "Nguyễn Văn An")
    assert "Không tìm thấy" in await console.say("/tim %%")
    assert "Không tìm thấy" in await console.say("/tim __")


# --- 2. the dossier view, snooze, history ------------------------------------------------------


@pytest.mark.parametrize("channel", sorted(CHATS))
async def test_view_offers_actions_and_leaders_may_assign(
    services: Services, core: BotCore, leader: ChatDriver, channel: str
) -> None:
    console = ChatDriver(core, channel, CHATS[channel])
    await add(services, 1, "Nguyễn Văn An", unit="Trường THCS Lê Quý Đôn")
    officer_view = await console.send(f"/hoso {code(1).lower()}")
    text = officer_view[0].text
    assert "Người/tập thể được đề nghị: Nguyễn Văn An" in text
    assert "Trạng thái: Đang thẩm định" in text
    assert "Chuyên viên phụ trách: chưa giao" in text
    shown = payloads(officer_view)
    assert shown == [
        f"cn:{code(1)}",
        f"hz:1:{code(1)}",
        f"hz:2:{code(1)}",
        f"hz:5:{code(1)}",
        f"ls:{code(1)}",
    ]
    assert f"gi:{code(1)}" in payloads(await leader.send(f"/hoso {code(1)}"))
    # The update button starts /capnhat on that dossier, no code typed.
    menu = await press(console, officer_view, "cn:")
    assert t.CHOOSE.splitlines()[1].format(label="Đang thẩm định") in menu[0].text
    assert any(":to:passed" in p for p in payloads(menu))
    # An officer pressing a leader's button is refused.
    assert await console.say(payload=f"gi:{code(1)}") == tstaff.REFUSED_LEADERS


async def test_snooze_quiets_one_dossiers_reminders_for_working_days(
    services: Services, console: ChatDriver, clock: MovableClock
) -> None:
    from bot.scheduler import tick

    # Due Friday 27/11: the 1-working-day reminder is due on Thursday 26/11.
    await add(services, 1, "Nguyễn Văn An", due_on=date(2026, 11, 27))
    await add(services, 2, "Trần Thị Bình", due_on=date(2026, 11, 27))
    done = await console.say(payload=f"hz:2:{code(1)}")
    # Wednesday 25/11 + 2 working days = Friday 27/11.
    assert done == tw.SNOOZED.format(code=code(1), days=2, until="27/11/2026")
    assert "🔕" in await console.say(f"/hoso {code(1)}")
    clock.set_local("2026-11-26 09:00")
    await tick(services)
    one = await services.dossiers.get_by_code(code(1))
    two = await services.dossiers.get_by_code(code(2))
    assert one is not None and two is not None
    assert await services.reminders.reminders_recorded(one.id) == []
    assert await services.reminders.reminders_recorded(two.id) != []
    clock.set_local("2026-11-27 09:00")
    await tick(services)
    assert await services.reminders.reminders_recorded(one.id) != []  # reminded again
    # Finished dossiers have no reminders to quiet.
    await add(services, 3, "Lê Văn Anh", Status.returned)
    assert "đã kết thúc" in await console.say(payload=f"hz:1:{code(3)}")
    for bad in (f"hz:3:{code(1)}", "hz:1:abc", "hz:x"):
        assert "hết hiệu lực" in await console.say(payload=bad)


async def test_history_names_the_officer_from_and_to_and_note(
    services: Services, console: ChatDriver, clock: MovableClock
) -> None:
    await add(services, 1, "Nguyễn Văn An", status=Status.received)
    await console.send(f"/capnhat {code(1)}")
    await console.send("1")  # in_review, the first choice
    await console.send("Đã đủ thành phần")
    await console.send("1")  # Xác nhận
    text = await console.say(f"/lichsu {code(1)}")
    assert text.splitlines()[0] == tw.HISTORY_HEADER.format(code=code(1), count=2)
    assert "nhập dữ liệu: tạo hồ sơ (Đã tiếp nhận)" in text
    assert "25/11/2026 09:00 — Trần Thị Hoa: Đã tiếp nhận → Đang thẩm định" in text
    assert "Ghi chú: Đã đủ thành phần" in text
    assert "console:off1" not in text
    assert tw.VIEW_NOT_FOUND.format(code=code(9)) == await console.say(f"/lichsu {code(9)}")


# --- 3. bulk updates ---------------------------------------------------------------------------


async def _thirty(services: Services) -> list[str]:
    for seq in range(1, 31):
        await add(
            services, seq, f"Người nhận {seq}", status=Status.decided, decision_no="1/QĐ-UBND"
        )
    return [code(seq) for seq in range(1, 31)]


@pytest.mark.parametrize("channel", ["console", "zalo", "telegram"])
async def test_thirty_dossiers_returned_in_four_messages(
    services: Services, core: BotCore, staff: None, channel: str
) -> None:
    chat = ChatDriver(core, channel, CHATS[channel])
    codes = await _thirty(services)
    await follow_verified(core, "console", "citA", codes[0], "5678")
    # 1: the codes pasted from an Excel column (with a stray header and a row's other cells).
    pasted = "Mã hồ sơ\n" + "\n".join(f"{c}\tNgười nhận" for c in codes)
    menu = await chat.send(f"/capnhat\n{pasted}")
    assert tw.BULK_CHOOSE.format(count=30) in menu[0].text
    assert "Mã hồ sơ: không phải mã hồ sơ" in menu[0].text
    assert tw.BULK_TARGET.format(label=Status.returned.label, count=30, total=30) in [
        c.label for c in menu[0].choices
    ]
    asked = await press(chat, menu, ":to:returned")  # 2
    assert t.CITIZEN_READS in asked[0].text
    preview = await press(chat, asked, ":skip")  # 3
    assert "Xác nhận cập nhật 30 hồ sơ → Đã trả kết quả" in preview[0].text
    assert "… và 15 hồ sơ khác" in preview[0].text
    done = await press(chat, preview, ":ok")  # 4
    assert done[0].text.startswith(tw.BULK_DONE.format(count=30, target="Đã trả kết quả"))
    assert tw.NOTIFIED_NOW.format(count=1) in done[0].text
    for c in codes:
        stored = await services.dossiers.get_by_code(c)
        assert stored is not None and stored.status is Status.returned
        entries = await history(services, stored.id)
        assert [(e.from_status, e.to_status) for e in entries[1:]] == [
            (Status.decided, Status.returned)
        ]
    assert len(await outbox_rows(services.db)) == 1


async def test_bulk_lists_refused_rows_with_their_reasons(
    services: Services, console: ChatDriver
) -> None:
    await add(services, 1, "Một", Status.in_review)
    await add(services, 2, "Hai", Status.returned)
    await add(services, 3, "Ba", Status.in_review)
    text = f"/capnhat {code(1)}, {code(2)}; {code(9)}\n{code(1)}\nabc\n{code(3)}"
    menu = await console.send(text)
    shown = menu[0].text
    assert tw.BULK_CHOOSE.format(count=3) in shown
    assert f"• {code(9)}: {tw.REASON_NOT_FOUND}" in shown
    assert f"• {code(1)}: {tw.REASON_DUPLICATE}" in shown
    assert f"• abc: {tw.REASON_BAD_CODE}" in shown
    await console.send(payload=payload_of(menu, ":to:passed"))
    preview = await console.send("Hội đồng đồng ý")
    reason = tw.REASON_NOT_ALLOWED.format(label="Đã trả kết quả", target=Status.passed.label)
    assert f"• {code(2)}: {reason}" in preview[0].text
    # Someone else moves dossier 3 before the confirmation: it is refused, 1 still moves.
    three = await services.dossiers.get_by_code(code(3))
    assert three is not None

    await change_status(services, three, Status.rejected, "Thiếu", "console:lead1")
    done = await console.say(payload=payload_of(preview, ":ok"))
    assert done.startswith(tw.BULK_DONE.format(count=1, target=Status.passed.label))
    assert f"• {code(3)}: vừa được người khác cập nhật sang “Không đạt”" in done
    one = await services.dossiers.get_by_code(code(1))
    assert one is not None and one.status is Status.passed and one.note == "Hội đồng đồng ý"


async def test_bulk_from_the_work_list_by_row_numbers(
    services: Services, console: ChatDriver
) -> None:
    for seq in range(1, 6):
        await add(services, seq, f"Người {seq}", Status.in_review, due_on=date(2026, 12, seq))
    listing = await console.send("/viec")
    bulk = next(i for i, c in enumerate(listing[0].choices, 1) if c.payload.startswith("wb:"))
    asked = await console.say(str(bulk))
    assert tw.BULK_ASK_PICK in asked
    assert "nonsense" in await console.say("nonsense")
    menu = await console.send("1,3-4")
    assert tw.BULK_CHOOSE.format(count=3) in menu[0].text


async def test_bulk_decision_numbers_are_checked(services: Services, console: ChatDriver) -> None:
    await add(services, 1, "Một", Status.passed)
    await add(services, 2, "Hai", Status.passed)
    menu = await console.send(f"/capnhat {code(1)}\n{code(2)}")
    await console.send(payload=payload_of(menu, ":to:decided"))
    assert "không đúng dạng số quyết định" in await console.say("abc")
    preview = await console.send("15/qd-ubnd")
    assert "Số quyết định: 15/QĐ-UBND" in preview[0].text


# --- 4. decision numbers -----------------------------------------------------------------------


@pytest.mark.parametrize("channel", sorted(CHATS))
async def test_decision_number_is_validated_then_correctable_with_history(
    services: Services, core: BotCore, staff: None, channel: str
) -> None:
    console = ChatDriver(core, channel, CHATS[channel])
    await add(services, 1, "Nguyễn Văn An", Status.passed)
    await follow_verified(core, "console", "citA", code(1), "5678")
    menu = await console.send(f"/capnhat {code(1)}")
    asked = await press(console, menu, ":to:decided")
    assert t.CITIZEN_READS in asked[0].text
    bad = await console.say("abc")
    assert bad.startswith("“abc” không đúng dạng số quyết định")
    confirm = await console.send("123 / qd - ubnd")
    assert "Số quyết định: 123/QĐ-UBND" in confirm[0].text
    await press(console, confirm, ":ok")
    # Correct it afterwards: /capnhat on the decided dossier offers "Sửa số quyết định".
    menu = await console.send(f"/capnhat {code(1)}")
    assert tw.ACTION_FIX_DECISION in [c.label for c in menu[0].choices]
    asked = await press(console, menu, ":fix")
    assert "123/QĐ-UBND" in asked[0].text
    assert "không đúng dạng" in await console.say("QĐ 45")
    confirm = await console.send("45/QĐ-CTN")
    assert "123/QĐ-UBND → 45/QĐ-CTN" in confirm[0].text
    done = (await press(console, confirm, ":fixok"))[0].text
    assert done.startswith(tw.DECISION_FIXED.format(code=code(1), new="45/QĐ-CTN"))
    stored = await services.dossiers.get_by_code(code(1))
    assert stored is not None and stored.decision_no == "45/QĐ-CTN"
    assert stored.status is Status.decided
    last = (await history(services, stored.id))[-1]
    assert (last.from_status, last.to_status) == (Status.decided, Status.decided)
    assert last.note == "Sửa số quyết định: 123/QĐ-UBND → 45/QĐ-CTN"
    notices = [row["payload"]["text"] for row in await outbox_rows(services.db)]
    assert notices[-1] == tw.NOTICE_DECISION_FIXED.format(code=code(1), decision="45/QĐ-CTN")
    assert "Sửa số quyết định" in await console.say(f"/lichsu {code(1)}")


async def test_decision_pattern_is_a_setting(services: Services, console: ChatDriver) -> None:
    services.settings = services.settings.model_copy(update={"decision_no_pattern": r"\d+/QĐ-UBND"})
    await add(services, 1, "Nguyễn Văn An", Status.passed)
    menu = await console.send(f"/capnhat {code(1)}")
    await console.send(payload=payload_of(menu, ":to:decided"))
    assert "không đúng dạng" in await console.say("45/QĐ-CTN")
    assert "Số quyết định: 45/QĐ-UBND" in await console.say("45/qđ-ubnd")


# --- issue 12: one supplement request ----------------------------------------------------------


async def test_second_supplement_request_needs_a_leader(
    services: Services, console: ChatDriver, leader: ChatDriver
) -> None:
    await add(services, 1, "Nguyễn Văn An", Status.in_review)
    menu = await console.send(f"/capnhat {code(1)}")
    await console.send(payload=payload_of(menu, ":to:needs_supplement"))
    confirm = await console.send("Bổ sung bản sao bằng khen")
    await console.send(payload=payload_of(confirm, ":ok"))
    menu = await console.send(f"/capnhat {code(1)}")
    asked = await console.send(payload=payload_of(menu, ":to:in_review"))
    confirm = await console.send(payload=payload_of(asked, ":skip"))
    await console.send(payload=payload_of(confirm, ":ok"))
    stored = await services.dossiers.get_by_code(code(1))
    assert stored is not None and stored.status is Status.in_review
    # The officer is not offered a second request and a stale or forged press is refused.
    menu = await console.send(f"/capnhat {code(1)}")
    assert not any(":to:needs_supplement" in p for p in payloads(menu))
    assert tw.SUPPLEMENT_NOTE_HIDDEN in menu[0].text
    nonce = menu[0].choices[0].payload.split(":")[1]
    refused = await console.say(payload=f"st:{nonce}:to:needs_supplement")
    assert refused == tw.SUPPLEMENT_ONCE.format(code=code(1), count=1)
    # A leader sees the explicit choice and may send it back a second time.
    menu = await leader.send(f"/capnhat {code(1)}")
    labels = {c.label: c.payload for c in menu[0].choices}
    assert tw.SUPPLEMENT_SECOND in labels
    await leader.send(payload=labels[tw.SUPPLEMENT_SECOND])
    confirm = await leader.send("Bổ sung lần 2 theo ý kiến Hội đồng")
    await leader.send(payload=payload_of(confirm, ":ok"))
    stored = await services.dossiers.get_by_code(code(1))
    assert stored is not None and stored.status is Status.needs_supplement


# --- 5. honest notices -------------------------------------------------------------------------


async def test_quiet_hours_reply_says_when_notices_go(
    services: Services, core: BotCore, console: ChatDriver, clock: MovableClock
) -> None:
    await add(services, 1, "Nguyễn Văn An", Status.in_review)
    await follow_verified(core, "console", "citA", code(1), "5678")
    clock.set_local("2026-11-25 22:15")
    menu = await console.send(f"/capnhat {code(1)}")
    asked = await console.send(payload=payload_of(menu, ":to:passed"))
    confirm = await console.send(payload=payload_of(asked, ":skip"))
    done = await console.say(payload=payload_of(confirm, ":ok"))
    assert "đã xếp 1 thông báo, sẽ gửi lúc 07:00 ngày mai (26/11)" in done
    assert "Đã báo cho" not in done
    # After midnight, still quiet: the same morning.
    await add(services, 2, "Trần Thị Bình", Status.in_review)
    await follow_verified(core, "console", "citB", code(2), "5678")
    clock.set_local("2026-11-26 05:30")
    menu = await console.send(f"/capnhat {code(2)}")
    asked = await console.send(payload=payload_of(menu, ":to:passed"))
    confirm = await console.send(payload=payload_of(asked, ":skip"))
    done = await console.say(payload=payload_of(confirm, ":ok"))
    assert "sẽ gửi lúc 07:00 hôm nay (26/11)" in done


async def test_too_many_matches_ask_for_another_word(
    services: Services, console: ChatDriver, monkeypatch: pytest.MonkeyPatch
) -> None:
    from handlers import search

    monkeypatch.setattr(search, "MAX_RESULTS", 5)
    for seq in range(1, 8):
        await add(services, seq, f"Nguyễn Văn {seq}")
    text = await console.say("/tim nguyen")
    assert text.splitlines()[0] == tw.SEARCH_HEADER_MANY.format(count=5, query="nguyen")
    assert "5. " in text and "6. " not in text


async def test_an_officer_snoozes_only_their_own_or_unassigned(
    services: Services, console: ChatDriver, leader: ChatDriver
) -> None:
    await add(services, 1, "Nguyễn Văn An")
    hoa = await services.staff.by_user("console", "off1")
    nam = await services.staff.by_user("telegram", "tg1")
    assert hoa is not None and nam is not None
    one = await services.dossiers.get_by_code(code(1))
    assert one is not None
    await services.reminders.assign(
        dossier_id=one.id,
        expected_officer_id=None,
        officer_id=nam.id,
        actor="console:lead1",
        now=services.now(),
        notices=lambda _id: [],
    )
    refused = await console.say(payload=f"hz:1:{code(1)}")
    assert refused == tw.SNOOZE_NOT_YOURS.format(code=code(1), name="Võ Văn Nam")
    assert "Đã tạm ngừng" in await leader.say(payload=f"hz:1:{code(1)}")


def test_quick_fold_agrees_with_fold_on_vietnamese() -> None:
    from domain.search import quick_fold
    from domain.text import fold

    letters = "aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợ"
    letters += "ùúủũụừứửữựỳýỷỹỵ"
    samples = [letters, letters.upper(), "Trường  THCS Lê Quý Đôn", "Đoàn Thị Ngọc Ánh", "e\u0301"]
    for text in samples:
        assert quick_fold(text) == fold(text), text


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("123/QĐ-UBND", "123/QĐ-UBND"),
        ("45/qd-ctn", "45/QĐ-CTN"),
        ("  12 / QĐ - ubnd ", "12/QĐ-UBND"),
        ("Quyết định số 7/QĐ-UBND", "7/QĐ-UBND"),
        ("so 8/qđ-ubnd", "8/QĐ-UBND"),
        ("1234/QĐ-TTg", "1234/QĐ-TTg"),
        ("15/2026/QĐ-UBND", "15/2026/QĐ-UBND"),
        ("abc", None),
        ("123", None),
        ("QĐ-UBND", None),
        ("123/QĐ-", None),
        ("123/QĐ-UBND; xóa hết", None),
    ],
)
def test_decision_numbers(typed: str, stored: str | None) -> None:
    from domain.decisions import normalize_decision_no

    assert normalize_decision_no(typed) == stored


async def test_bulk_lists_at_most_thirty_refused_rows(
    services: Services, console: ChatDriver
) -> None:
    await add(services, 1, "Một")
    junk = "\n".join(f"dòng rác {n}" for n in range(40))
    text = await console.say(f"/capnhat {code(1)}\n{junk}")
    assert tw.BULK_REFUSED_HEADER.format(count=40) in text
    assert "• dòng rác 29: " in text and "• dòng rác 30: " not in text
    assert tw.BULK_REFUSED_MORE.format(count=10) in text


async def test_codes_side_by_side_on_one_line(services: Services, console: ChatDriver) -> None:
    # The console reads one line per message: codes separated by spaces or commas.
    await add(services, 1, "Một")
    await add(services, 2, "Hai")
    menu = await console.say(f"/capnhat {code(1)} {code(2).lower()}")
    assert tw.BULK_CHOOSE.format(count=2) in menu
    single = await console.say(f"/capnhat {code(1)[:13]} - {code(1)[14:]}")
    assert "Chọn trạng thái mới:" in single and "Cập nhật 2" not in single


async def test_quiet_hours_send_time_comes_from_the_settings(
    services: Services, core: BotCore, console: ChatDriver, clock: MovableClock
) -> None:
    from datetime import time

    services.settings = services.settings.model_copy(
        update={"quiet_start": time(20, 0), "quiet_end": time(6, 30)}
    )
    await add(services, 1, "Nguyễn Văn An", Status.in_review)
    await follow_verified(core, "console", "citA", code(1), "5678")
    clock.set_local("2026-11-25 20:10")
    menu = await console.send(f"/capnhat {code(1)}")
    asked = await console.send(payload=payload_of(menu, ":to:passed"))
    confirm = await console.send(payload=payload_of(asked, ":skip"))
    done = await console.say(payload=payload_of(confirm, ":ok"))
    assert "sẽ gửi lúc 06:30 ngày mai (26/11)" in done
    # Outside the quiet hours the notice goes now, and the reply says so.
    await add(services, 2, "Trần Thị Bình", Status.in_review)
    await follow_verified(core, "console", "citB", code(2), "5678")
    clock.set_local("2026-11-26 10:00")
    menu = await console.send(f"/capnhat {code(2)}")
    asked = await console.send(payload=payload_of(menu, ":to:passed"))
    confirm = await console.send(payload=payload_of(asked, ":skip"))
    done = await console.say(payload=payload_of(confirm, ":ok"))
    assert done.endswith(tw.NOTIFIED_NOW.format(count=1))


async def test_a_request_made_meanwhile_is_caught_at_the_confirmation(
    services: Services, console: ChatDriver
) -> None:
    await add(services, 1, "Nguyễn Văn An", Status.in_review)
    menu = await console.send(f"/capnhat {code(1)}")
    await console.send(payload=payload_of(menu, ":to:needs_supplement"))
    confirm = await console.send("Bổ sung bản sao")
    # Meanwhile another officer asks for supplements and the dossier comes back.
    one = await services.dossiers.get_by_code(code(1))
    assert one is not None
    moved = await change_status(services, one, Status.needs_supplement, "Thiếu", "x")
    await change_status(services, moved.dossier, Status.in_review, None, "x")
    refused = await console.say(payload=payload_of(confirm, ":ok"))
    assert refused == tw.SUPPLEMENT_ONCE.format(code=code(1), count=1)
    stored = await services.dossiers.get_by_code(code(1))
    assert stored is not None and stored.status is Status.in_review


async def test_giao_in_quiet_hours_says_when_the_officer_is_told(
    services: Services, leader: ChatDriver, clock: MovableClock
) -> None:
    await add(services, 1, "Nguyễn Văn An", Status.in_review)
    clock.set_local("2026-11-25 23:00")
    menu = await leader.send(f"/giao {code(1)}")
    hoa = next(c.payload for c in menu[0].choices if c.label == "Trần Thị Hoa")
    done = await leader.say(payload=hoa)
    assert done == tw.ASSIGN_DONE_LATER.format(
        code=code(1), name="Trần Thị Hoa", time="07:00", day="ngày mai", date="26/11"
    )
