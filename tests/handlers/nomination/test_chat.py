"""Nomination registration (/denghi): the guided chat, validation, drafts, codes, the list."""

from __future__ import annotations

import asyncio
import csv
import io
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import openpyxl
import pytest

from bot.console_channel import run_console
from config.settings import Settings, SettingsError, load_settings
from db.connection import Database, open_database
from db.models import DossierInput
from db.nominations import NominationDraft, NominationInput
from domain.codes import make_code
from domain.statuses import Status
from handlers import build_router
from handlers import nomination as feature
from handlers.messages import Attachment, AttachmentKind, Reply
from handlers.router import BotCore
from handlers.services import Services, build_services
from handlers.texts import common as tc
from handlers.texts import lookup as tl
from handlers.texts import nomination as t
from tests.conftest import ChatDriver, MovableClock

AGENCY = "000.00.21.H01"
TODAY = date(2026, 11, 25)
SUMMARY = "Hai năm liền đạt danh hiệu Chiến sĩ thi đua cơ sở; sáng kiến được công nhận cấp tỉnh."
MB = 1024 * 1024


async def make_officer(services: Services, channel: str, user_id: str, name: str) -> None:
    """Register someone as an officer the way an invite does."""
    code = f"INV-{channel}-{user_id}"
    await services.staff.create_invite(
        code=code,
        role="officer",
        created_by="console:admin",
        now=services.now(),
        expires_at=services.now() + timedelta(days=1),
    )
    member = await services.staff.redeem_invite(
        code=code, channel=channel, user_id=user_id, chat_id=user_id, name=name, now=services.now()
    )
    assert member is not None


@pytest.fixture
async def officer(core: BotCore, services: Services) -> ChatDriver:
    await make_officer(services, "console", "c1", "Trần Thị Hoa")
    return ChatDriver(core, "console", "c1")


@pytest.fixture
async def tg(core: BotCore, services: Services) -> ChatDriver:
    """An officer on Telegram: buttons, no numbered answers, attachments."""
    await make_officer(services, "telegram", "42", "Lê Văn Nam")
    return ChatDriver(core, "telegram", "42")


def text_of(replies: list[Reply]) -> str:
    return "\n".join(reply.text for reply in replies)


def payload_of(replies: list[Reply], label: str) -> str:
    """The payload of the offered choice whose label contains `label`."""
    for reply in replies:
        for choice in reply.choices:
            if label in choice.label:
                return choice.payload
    raise AssertionError(f"no choice {label!r} in {[c.label for r in replies for c in r.choices]}")


async def press(chat: ChatDriver, replies: list[Reply], label: str) -> list[Reply]:
    return await chat.send(payload=payload_of(replies, label))


async def count(db: Database, table: str) -> int:
    row = await db.fetch_one(f"SELECT COUNT(*) FROM {table}")
    assert row is not None
    return int(row[0])


def document(
    name: str = "to-trinh.pdf",
    size: int = 120_000,
    mime: str | None = "application/pdf",
    file_id: str = "BQACAgIAAxkBAAIB",
) -> Attachment:
    return Attachment(
        kind=AttachmentKind.document, file_id=file_id, file_name=name, size=size, mime_type=mime
    )


async def to_review(
    chat: ChatDriver,
    *,
    who: str = "Cá nhân",
    name: str = "Nguyễn Thị Lan",
    unit: str = "Giáo viên, Trường THCS Lê Lợi, xã An Bình",
    award: str = "Bằng khen của Chủ tịch UBND tỉnh",
    movement: str = "Chung sức xây dựng nông thôn mới",
    contact: str = "Nguyễn Văn Minh, 0912 345 678",
) -> list[Reply]:
    """Answer every question with buttons where there are any; return the review."""
    replies = await chat.send("/denghi")
    replies = await press(chat, replies, who)
    replies = await chat.send(name)
    replies = await chat.send(unit)
    replies = await press(chat, replies, award)
    replies = await press(chat, replies, movement)
    replies = await chat.send(SUMMARY)
    replies = await chat.send(contact)
    replies = await press(chat, replies, t.DONE)
    assert t.REVIEW in text_of(replies)
    return replies


# --- The happy paths -----------------------------------------------------------------------


async def test_individual_nomination_in_under_a_dozen_messages(
    officer: ChatDriver, services: Services, db: Database
) -> None:
    messages = [
        "/denghi",
        "1",
        "Nguyễn Thị Lan",
        "Giáo viên, Trường THCS Lê Lợi, xã An Bình",
        "bang khen cua chu tich ubnd tinh",
        "bo qua",
        SUMMARY,
        "Nguyễn Văn Minh, 0912 345 678",
        "xong",
        "1",
    ]
    assert len(messages) < 12
    for message in messages[:-1]:
        await officer.say(message)
    receipt = await officer.say(messages[-1])

    code = make_code(AGENCY, TODAY, 1)
    assert f"Mã hồ sơ: {code}" in receipt
    # 25 working days from Wed 25/11/2026, counting from the next day.
    assert "Ngày hẹn trả kết quả: 30/12/2026 (25 ngày làm việc)" in receipt
    assert "…5678" in receipt
    assert t.RECEIPT_NO_LINK in receipt  # the console has no bot username: no QR, no link

    dossier = await services.dossiers.get_by_code(code)
    assert dossier is not None
    assert dossier.status is Status.received
    assert dossier.award_kind == "BKCT"
    assert dossier.nominee == "Nguyễn Thị Lan"
    assert dossier.unit == "Giáo viên, Trường THCS Lê Lợi, xã An Bình"
    assert dossier.phone_last4 == "5678"
    assert dossier.received_on == TODAY
    assert dossier.due_on == date(2026, 12, 30)
    history = await services.dossiers.history(dossier.id)
    assert [(h.from_status, h.to_status, h.actor) for h in history] == [
        (None, Status.received, "console:c1")
    ]
    row = await db.fetch_one("SELECT * FROM nominations")
    assert row is not None
    assert dict(row) | {"id": 0, "dossier_id": 0, "created_at": ""} == {
        "id": 0,
        "dossier_id": 0,
        "nominee_type": "individual",
        "nominee_name": "Nguyễn Thị Lan",
        "position": "Giáo viên",
        "unit": "Trường THCS Lê Lợi, xã An Bình",
        "award_kind": "BKCT",
        "movement": None,
        "achievements": SUMMARY,
        "contact_name": "Nguyễn Văn Minh",
        "contact_phone": "0912345678",
        "registered_by": "console:c1",
        "registered_by_name": "Trần Thị Hoa",
        "channel": "console",
        "chat_id": "c1",
        "created_at": "",
    }
    assert await count(db, "nomination_drafts") == 0
    assert await services.conversations.get("console", "c1") is None


async def test_collective_nomination_without_diacritics(
    officer: ChatDriver, services: Services, db: Database
) -> None:
    sent = 0

    async def say(text: str) -> str:
        nonlocal sent
        sent += 1
        return await officer.say(text)

    await say("/denghi")
    await say("tap the")
    await say("Truong THCS Le Loi")
    sent += 1
    replies = await officer.send("Phong Giao duc va Dao tao huyen Chau Thanh")
    # Only the catalogue's kinds for collectives are offered.
    offered = [choice.label for choice in replies[0].choices]
    assert "Cờ thi đua của UBND tỉnh" in offered
    assert "Tập thể lao động xuất sắc" in offered
    assert "Chiến sĩ thi đua cấp tỉnh" not in offered
    await say("Tap the lao dong xuat sac")
    await say("chung suc xay dung nong thon moi")
    await say(SUMMARY)
    await say("0901234567 - Pham Thi Thu")
    await say("xong")
    receipt = await say("xac nhan")
    assert sent < 12
    code = make_code(AGENCY, TODAY, 1)
    assert code in receipt
    dossier = await services.dossiers.get_by_code(code)
    assert dossier is not None
    assert dossier.award_kind == "TTLDXS"
    assert dossier.unit == "Phong Giao duc va Dao tao huyen Chau Thanh"
    assert dossier.due_on == services.calendar.add_working_days(TODAY, 20)
    row = await db.fetch_one(
        "SELECT nominee_type, position, movement, contact_name FROM nominations"
    )
    assert row is not None
    assert tuple(row) == ("collective", "", "NTM", "Pham Thi Thu")


async def test_family_nomination_with_attachments(
    tg: ChatDriver, services: Services, db: Database
) -> None:
    replies = await tg.send("/denghi")
    replies = await press(tg, replies, "Hộ gia đình")
    replies = await tg.send("Gia đình ông Trần Văn Bình")
    replies = await tg.send("UBND xã An Bình, huyện Châu Thành")
    assert "Cờ thi đua" not in str(replies[0].choices)
    replies = await press(tg, replies, "Huân chương Độc lập")
    replies = await press(tg, replies, t.SKIP)
    replies = await tg.send(SUMMARY)
    replies = await tg.send("Trần Văn Bình, +84 987 654 321")
    assert "Bản sao Bằng Tổ quốc ghi công" in text_of(replies)  # the kind's documents
    replies = await tg.send(attachments=(document("ban-khai.docx", mime=None, file_id="F1"),))
    assert "1/10: ban-khai.docx" in text_of(replies)
    photo = Attachment(AttachmentKind.photo, "F2", "photo_AQAD.jpg", 80_000, "image/jpeg")
    replies = await tg.send(attachments=(photo,))
    assert "2/10" in text_of(replies)
    replies = await press(tg, replies, t.DONE)
    assert "Tệp đính kèm (2): ban-khai.docx, photo_AQAD.jpg" in text_of(replies)
    await press(tg, replies, t.CONFIRM)
    code = make_code(AGENCY, TODAY, 1)
    files = await services.nominations.attachments_of(code)
    assert [(f.kind, f.file_id, f.file_name, f.size, f.mime_type) for f in files] == [
        ("document", "F1", "ban-khai.docx", 120_000, None),
        ("photo", "F2", "photo_AQAD.jpg", 80_000, "image/jpeg"),
    ]
    row = await db.fetch_one("SELECT contact_phone FROM nominations")
    assert row is not None and row[0] == "0987654321"


async def test_receipt_has_the_qr_code_when_the_bot_has_a_username(
    tg: ChatDriver, services: Services
) -> None:
    import zxingcpp
    from PIL import Image

    services.bot_username = "tdkt_test_bot"
    replies = await to_review(tg)
    replies = await press(tg, replies, t.CONFIRM)
    code = make_code(AGENCY, TODAY, 1)
    link = f"https://t.me/tdkt_test_bot?start={code.replace('.', '_')}"
    assert link in replies[0].text
    assert replies[0].image is not None
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(replies[0].image)))
    assert [barcode.text for barcode in decoded] == [link]


async def test_created_dossier_is_found_by_the_citizen_lookup(
    officer: ChatDriver, core: BotCore
) -> None:
    replies = await to_review(officer)
    await press(officer, replies, t.CONFIRM)
    code = make_code(AGENCY, TODAY, 1)
    citizen = ChatDriver(core, "console", "citizen-9")
    assert tl.ASK_PHONE.format(code=code) in await citizen.say(code.lower())
    card = await citizen.say("5678")
    assert f"Hồ sơ {code}" in card
    assert "Nguyễn Thị Lan" in card
    assert Status.received.label in card
    assert "30/12/2026" in card


# --- Bad input -----------------------------------------------------------------------------


async def test_a_citizen_cannot_register(chat: ChatDriver, db: Database) -> None:
    text = await chat.say("/denghi")
    assert "chỉ dành cho cán bộ" in text
    assert await count(db, "nomination_drafts") == 0


@pytest.mark.parametrize(
    ("who", "name", "problem"),
    [
        ("Cá nhân", "123456", t.NAME_NO_LETTERS),
        ("Cá nhân", "Nguyễn Văn 3", t.NAME_DIGITS),
        ("Tập thể", "12345", t.NAME_NO_LETTERS),
        ("Tập thể", "A", t.NAME_TOO_SHORT),
        ("Cá nhân", "Nguyễn " * 40, t.NAME_TOO_LONG.format(limit=200)),
    ],
)
async def test_bad_names_are_asked_again(
    officer: ChatDriver, who: str, name: str, problem: str
) -> None:
    replies = await officer.send("/denghi")
    await press(officer, replies, who)
    text = await officer.say(name)
    assert problem in text
    assert "Bước 2/9" in text
    # A collective's name may hold digits; a good answer moves on.
    assert "Bước 3/9" in await officer.say(
        "Đội Thanh niên xung kích số 3" if who != "Cá nhân" else "Lê Văn Tám"
    )


async def test_unknown_nominee_type_and_unit_without_position(officer: ChatDriver) -> None:
    await officer.say("/denghi")
    text = await officer.say("doanh nghiệp")
    assert t.TYPE_UNKNOWN.format(text="doanh nghiệp") in text
    assert "Bước 1/9" in text
    await officer.say("ca nhan")
    await officer.say("Nguyễn Thị Lan")
    text = await officer.say("Trường THCS Lê Lợi")
    assert t.POSITION_UNIT_SPLIT in text and "Bước 3/9" in text
    text = await officer.say("Phó Hiệu trưởng - Trường THCS Lê Lợi, xã An Bình")
    assert "Bước 4/9" in text
    back = await officer.say("/quaylai")
    assert t.CURRENT.format(value="Phó Hiệu trưởng, Trường THCS Lê Lợi, xã An Bình") in back


async def test_award_kind_must_fit_the_nominee_type(tg: ChatDriver, db: Database) -> None:
    replies = await tg.send("/denghi")
    replies = await press(tg, replies, "Tập thể")
    await tg.send("Trường THCS Lê Lợi")
    replies = await tg.send("Phòng Giáo dục và Đào tạo huyện Châu Thành")
    # Typed: a kind of the catalogue that is only for individuals.
    text = text_of(await tg.send("Chiến sĩ thi đua cấp tỉnh"))
    assert t.AWARD_NOT_FOR.format(award="Chiến sĩ thi đua cấp tỉnh", who="tập thể") in text
    assert "Bước 4/9" in text
    # A forged button with the current nonce but an individual-only kind.
    nonce = payload_of(replies, "Cờ thi đua").split(":")[1]
    text = text_of(await tg.send(payload=f"nm:{nonce}:pick:CSTDT"))
    assert "không áp dụng cho tập thể" in text
    text = text_of(await tg.send("Giải Nobel"))
    assert t.AWARD_UNKNOWN.format(text="Giải Nobel") in text
    # A number typed on Telegram picks that button.
    assert "Bước 5/9" in text_of(await tg.send("2"))
    row = await db.fetch_one("SELECT data FROM nomination_drafts")
    assert row is not None and '"award_kind": "COTD"' in row[0]


async def test_unknown_movement(officer: ChatDriver) -> None:
    await officer.say("/denghi")
    for answer in ("cá nhân", "Nguyễn Thị Lan", "Giáo viên, Trường THCS Lê Lợi", "1"):
        await officer.say(answer)
    text = await officer.say("Phong trào không có thật")
    assert t.MOVEMENT_UNKNOWN.format(text="Phong trào không có thật") in text
    assert "Bước 5/9" in text
    assert "Bước 6/9" in await officer.say("dan van kheo")


@pytest.mark.parametrize(
    ("summary", "problem"),
    [
        ("Tốt.", t.SUMMARY_TOO_SHORT.format(length=4, minimum=20)),
        ("   Làm   tốt   việc    ", t.SUMMARY_TOO_SHORT.format(length=12, minimum=20)),
        ("x" * 2001, t.SUMMARY_TOO_LONG.format(length="2.001", maximum="2.000")),
    ],
)
async def test_summary_length(officer: ChatDriver, summary: str, problem: str) -> None:
    await officer.say("/denghi")
    for answer in ("ca nhan", "Nguyễn Thị Lan", "Giáo viên, Trường THCS Lê Lợi", "1", "bỏ qua"):
        await officer.say(answer)
    text = await officer.say(summary)
    assert problem in text
    assert "Bước 6/9" in text
    assert "Bước 7/9" in await officer.say("x" * 2000)


@pytest.mark.parametrize(
    ("answer", "problem"),
    [
        ("Nguyễn Văn Minh, 0912 345 67", t.PHONE_INVALID.format(text="0912 345 67")),
        ("Nguyễn Văn Minh, 091234567890", t.PHONE_INVALID.format(text="091234567890")),
        ("Nguyễn Văn Minh, 0012345678", t.PHONE_INVALID.format(text="0012345678")),
        ("Nguyễn Văn Minh, +8512345678", t.PHONE_INVALID.format(text="+8512345678")),
        ("Nguyễn Văn Minh, 12", t.PHONE_INVALID.format(text="Nguyễn Văn Minh, 12")),
        ("0912345678", t.CONTACT_NAME_MISSING),
    ],
)
async def test_invalid_phone(officer: ChatDriver, answer: str, problem: str) -> None:
    await officer.say("/denghi")
    for text in ("ca nhan", "Nguyễn Thị Lan", "Giáo viên, Trường A", "1", "bỏ qua", SUMMARY):
        await officer.say(text)
    text = await officer.say(answer)
    assert problem in text
    assert "Bước 7/9" in text


async def test_contact_without_phone_asks_for_it(officer: ChatDriver, db: Database) -> None:
    await officer.say("/denghi")
    for text in ("ca nhan", "Nguyễn Thị Lan", "Giáo viên, Trường A", "1", "bỏ qua", SUMMARY):
        await officer.say(text)
    text = await officer.say("Nguyễn Văn Minh")
    assert t.ASK_PHONE.format(name="Nguyễn Văn Minh") in text
    assert "không phải số điện thoại" in await officer.say("không nhớ số")
    assert "Bước 8/9" in await officer.say("+84 912.345.678")
    row = await db.fetch_one("SELECT data FROM nomination_drafts")
    assert row is not None and '"contact_phone": "0912345678"' in row[0]


async def _at_files_step(tg: ChatDriver) -> list[Reply]:
    replies = await tg.send("/denghi")
    replies = await press(tg, replies, "Cá nhân")
    await tg.send("Nguyễn Thị Lan")
    replies = await tg.send("Giáo viên, Trường THCS Lê Lợi")
    replies = await press(tg, replies, "Bằng khen của Chủ tịch")
    replies = await press(tg, replies, t.SKIP)
    await tg.send(SUMMARY)
    replies = await tg.send("Nguyễn Văn Minh, 0912345678")
    assert "Bước 8/9" in text_of(replies)
    return replies


@pytest.mark.parametrize(
    ("attachment", "problem"),
    [
        (
            document("video.pdf", size=21 * MB),
            t.FILE_TOO_LARGE.format(name="video.pdf", size="21 MB", limit="20 MB"),
        ),
        (
            document("setup.exe", mime="application/x-msdownload"),
            t.FILE_BAD_TYPE.format(name="setup.exe"),
        ),
        (
            document("bao-cao.pdf", mime="application/zip"),
            t.FILE_BAD_TYPE.format(name="bao-cao.pdf"),
        ),
        (document("ghi-am.mp3", mime="audio/mpeg"), t.FILE_BAD_TYPE.format(name="ghi-am.mp3")),
        (Attachment(kind=AttachmentKind.sticker, file_id="CAAC"), t.FILE_STICKER),
        (Attachment(kind=AttachmentKind.other), t.FILE_OTHER),
    ],
)
async def test_bad_attachments(tg: ChatDriver, attachment: Attachment, problem: str) -> None:
    await _at_files_step(tg)
    text = text_of(await tg.send(attachments=(attachment,)))
    assert problem in text
    assert "Bước 8/9" in text
    # Exactly 20 MB is still accepted.
    text = text_of(await tg.send(attachments=(document("ok.pdf", size=20 * MB),)))
    assert "1/10: ok.pdf (20 MB)" in text


async def test_at_most_ten_files_and_no_duplicates(tg: ChatDriver, services: Services) -> None:
    await _at_files_step(tg)
    for index in range(10):
        replies = await tg.send(
            attachments=(document(f"trang-{index}.jpg", None, None, f"F{index}"),)
        )
        assert f"{index + 1}/10" in text_of(replies)
    text = text_of(await tg.send(attachments=(document("them.pdf", file_id="F99"),)))
    assert t.FILES_FULL.format(limit=10) in text
    await _restart(tg)
    await _at_files_step(tg)
    await tg.send(attachments=(document(file_id="same"),))
    text = text_of(await tg.send(attachments=(document(file_id="same"),)))
    assert t.FILE_DUPLICATE.format(name="to-trinh.pdf") in text
    text = text_of(await tg.send("không có gì"))
    assert t.FILES_TEXT in text


async def _restart(chat: ChatDriver) -> None:
    replies = await chat.send("/denghi")
    await press(chat, replies, t.RESTART)


async def test_a_sticker_at_a_text_step(tg: ChatDriver) -> None:
    replies = await tg.send("/denghi")
    await press(tg, replies, "Cá nhân")
    text = text_of(await tg.send(attachments=(Attachment(AttachmentKind.sticker, "CAAC"),)))
    assert t.TEXT_EXPECTED in text
    assert "Bước 2/9" in text


async def test_stale_button_from_an_earlier_draft(tg: ChatDriver, db: Database) -> None:
    first = await tg.send("/denghi")
    old_button = payload_of(first, "Tập thể")
    assert t.CANCELLED in text_of(await tg.send("/huy"))
    await tg.send("/denghi")
    text = text_of(await tg.send(payload=old_button))
    assert t.STALE in text
    assert "Bước 1/9" in text  # and the current question again
    row = await db.fetch_one("SELECT data FROM nomination_drafts")
    assert row is not None and row[0] == "{}"
    # A button of an earlier step of the same draft is stale too.
    individual = payload_of(await tg.send("/denghi"), "Cá nhân")
    await tg.send(payload=individual)
    text = text_of(await tg.send(payload=individual))
    assert t.STALE in text and "Bước 2/9" in text
    # After the draft is gone, its buttons say so.
    await tg.send("/huy")
    assert t.STALE_NO_DRAFT in text_of(await tg.send(payload=individual))


async def test_second_denghi_offers_continue_or_restart(officer: ChatDriver, db: Database) -> None:
    await officer.say("/denghi")
    await officer.say("tập thể")
    await officer.say("Trường THCS Lê Lợi")
    offer = await officer.send("/denghi")
    assert t.OPEN_DRAFT.format(summary="Tập thể Trường THCS Lê Lợi", number=3, total=9) in (
        offer[0].text
    )
    assert [choice.label for choice in offer[0].choices] == [t.RESUME, t.RESTART]
    text = await officer.say("hello")
    assert t.CHOICE_EXPECTED.format(text="hello") in text and "Tiếp tục bản này" in text
    # Continue: the same question, the answers kept.
    assert "Bước 3/9" in await officer.say("1")
    await officer.say("/denghi")
    restarted = await officer.say("2")
    assert "Bước 1/9" in restarted
    row = await db.fetch_one("SELECT data FROM nomination_drafts")
    assert row is not None and row[0] == "{}"
    assert await count(db, "dossiers") == 0


# --- Back, cancel, edit ----------------------------------------------------------------------


async def test_back_one_step(officer: ChatDriver) -> None:
    await officer.say("/denghi")
    assert t.BACK_AT_START in await officer.say("/quaylai")
    await officer.say("cá nhân")
    await officer.say("Nguyễn Thị Lan")
    text = await officer.say("/quaylai")
    assert "Bước 2/9" in text
    assert t.CURRENT.format(value="Nguyễn Thị Lan") in text
    # The corrected answer leads back to the first question not yet answered.
    assert "Bước 3/9" in await officer.say("Nguyễn Thị Lành")
    await officer.say("/quaylai")
    await officer.say("/quaylai")
    text = await officer.say("/quaylai")
    assert "Bước 1/9" in text and t.CURRENT.format(value="Cá nhân") in text
    assert "Bước 3/9" in await officer.say("cá nhân")


async def test_back_from_review_and_from_files(tg: ChatDriver) -> None:
    await to_review(tg)
    text = text_of(await tg.send("/quaylai"))
    assert "Bước 8/9" in text
    text = text_of(await tg.send("/quaylai"))
    assert "Bước 7/9" in text and "Nguyễn Văn Minh, 0912345678" in text
    replies = await tg.send("Nguyễn Văn Minh, 0912 345 679")
    assert "Bước 8/9" in text_of(replies)
    replies = await press(tg, replies, t.DONE)
    assert "Nguyễn Văn Minh — 0912345679" in text_of(replies)


async def test_cancel_at_any_step_saves_nothing(officer: ChatDriver, db: Database) -> None:
    await officer.say("/denghi")
    for answer in ("ca nhan", "Nguyễn Thị Lan", "Giáo viên, Trường A", "1", "bỏ qua", SUMMARY):
        await officer.say(answer)
    assert t.CANCELLED in await officer.say("/huy")
    for table in ("nomination_drafts", "conversations", "dossiers", "nominations"):
        assert await count(db, table) == 0
    assert tc.NOTHING_TO_CANCEL in await officer.say("/huy")
    # The cancel button of the review does the same.
    replies = await to_review(officer)
    assert t.CANCELLED in text_of(await press(officer, replies, t.CANCEL))
    assert await count(db, "nomination_drafts") == 0
    assert t.NO_DRAFT in await officer.say("/quaylai")


async def test_cancel_of_another_flow_keeps_the_draft(officer: ChatDriver, db: Database) -> None:
    await officer.say("/denghi")
    await officer.say("cá nhân")
    await officer.say("/tracuu")  # a lookup replaces the conversation, not the draft
    assert tc.CANCELLED in await officer.say("/huy")
    assert await count(db, "nomination_drafts") == 1
    assert t.OPEN_DRAFT.split("(")[0] in await officer.say("/denghi")
    assert "Bước 2/9" in await officer.say("1")
    assert "Bước 3/9" in await officer.say("Nguyễn Thị Lan")


async def test_edit_a_field_from_the_review(tg: ChatDriver, services: Services) -> None:
    replies = await to_review(tg, award="Chiến sĩ thi đua cấp tỉnh")
    replies = await press(tg, replies, t.EDIT)
    replies = await press(tg, replies, t.EDIT_FIELDS["summary"])
    assert "Bước 6/9" in text_of(replies)
    replies = await tg.send(SUMMARY + " Được tặng Bằng khen năm 2025.")
    assert t.REVIEW in text_of(replies) and "Bằng khen năm 2025" in text_of(replies)
    # Changing who the award is for asks again what no longer fits: the governing body
    # instead of position and unit, and an award kind for collectives.
    replies = await press(tg, replies, t.EDIT)
    replies = await press(tg, replies, t.EDIT_FIELDS["type"])
    replies = await press(tg, replies, "Tập thể")
    assert "Bước 3/9" in text_of(replies) and "Cơ quan quản lý trực tiếp" in text_of(replies)
    replies = await tg.send("Phòng Giáo dục huyện Châu Thành")
    assert "Bước 4/9" in text_of(replies)
    replies = await press(tg, replies, "Cờ thi đua")
    text = text_of(replies)
    assert t.REVIEW in text and "Cờ thi đua của UBND tỉnh" in text and "Chức vụ" not in text
    replies = await press(tg, replies, t.CONFIRM)
    dossier = await services.dossiers.get_by_code(make_code(AGENCY, TODAY, 1))
    assert dossier is not None and dossier.award_kind == "COTD"
    assert dossier.unit == "Phòng Giáo dục huyện Châu Thành"


async def test_double_confirm_creates_one_dossier(tg: ChatDriver, db: Database) -> None:
    replies = await to_review(tg)
    confirm = payload_of(replies, t.CONFIRM)
    first, second = await asyncio.gather(tg.send(payload=confirm), tg.send(payload=confirm))
    texts = sorted([text_of(first), text_of(second)])
    assert sum("Mã hồ sơ" in text for text in texts) == 1
    assert await count(db, "dossiers") == 1


# --- Drafts: restart and expiry ------------------------------------------------------------


async def test_resume_after_a_restart(
    settings: Settings, services: Services, clock: MovableClock, db: Database
) -> None:
    await make_officer(services, "console", "c1", "Trần Thị Hoa")
    first = ChatDriver(BotCore(build_router(), services), "console", "c1")
    await first.say("/denghi")
    await first.say("cá nhân")
    await first.say("Nguyễn Thị Lan")
    await db.close()

    assert settings.database is not None
    reopened = await open_database(settings.database)
    try:
        services2 = build_services(settings, reopened, clock=clock)
        second = ChatDriver(BotCore(build_router(), services2), "console", "c1")
        text = await second.say("Giáo viên, Trường THCS Lê Lợi")
        assert "Bước 4/9" in text
        for answer in ("1", "bỏ qua", SUMMARY, "Nguyễn Văn Minh, 0912345678", "xong"):
            text = await second.say(answer)
        assert "Nguyễn Thị Lan" in text and t.REVIEW in text
        assert make_code(AGENCY, TODAY, 1) in await second.say("1")
    finally:
        await reopened.close()


async def test_draft_expires_when_the_officer_writes_again(
    officer: ChatDriver, clock: MovableClock, db: Database
) -> None:
    await officer.say("/denghi")
    await officer.say("cá nhân")
    clock.advance(hours=23, minutes=59)
    assert "Bước 3/9" in await officer.say("Nguyễn Thị Lan")  # touched: 24 h start again
    clock.advance(hours=24, minutes=1)
    text = await officer.say("Giáo viên, Trường THCS Lê Lợi")
    assert t.EXPIRED.format(summary="Cá nhân Nguyễn Thị Lan", ttl="24 giờ") in text
    assert await count(db, "nomination_drafts") == 0
    assert await count(db, "conversations") == 0
    # A /denghi after expiry says so and starts afresh.
    await officer.say("/denghi")
    clock.advance(days=2)
    text = await officer.say("/denghi")
    assert t.EXPIRED.format(summary=t.DRAFT_UNNAMED, ttl="24 giờ") in text
    assert "Bước 1/9" in text


async def test_expired_button_and_configured_ttl(
    settings: Settings, db: Database, clock: MovableClock
) -> None:
    services = build_services(
        settings.model_copy(update={"draft_ttl": timedelta(hours=2)}), db, clock=clock
    )
    await make_officer(services, "telegram", "42", "Lê Văn Nam")
    tg = ChatDriver(BotCore(build_router(), services), "telegram", "42")
    replies = await tg.send("/denghi")
    clock.advance(hours=2, minutes=1)
    text = text_of(await press(tg, replies, "Cá nhân"))
    assert t.EXPIRED.format(summary=t.DRAFT_UNNAMED, ttl="2 giờ") in text


async def test_sweep_deletes_expired_drafts_and_tells_the_officer(
    officer: ChatDriver, services: Services, clock: MovableClock, core: BotCore, db: Database
) -> None:
    await officer.say("/denghi")
    await officer.say("tập thể")
    await make_officer(services, "telegram", "42", "Lê Văn Nam")
    other = ChatDriver(core, "telegram", "42")
    clock.advance(hours=20)
    await other.say("/denghi")
    clock.advance(hours=5)
    assert await feature.expire_drafts(services) == 1
    assert await feature.expire_drafts(services) == 0
    notices = await services.outbox.all_for_chat("console", "c1")
    assert [n.payload["text"] for n in notices] == [
        t.EXPIRED.format(summary="Tập thể chưa có tên", ttl="24 giờ")
    ]
    assert await services.conversations.get("console", "c1") is None
    assert await services.nominations.get_draft("telegram", "42") is not None
    assert await services.outbox.all_for_chat("telegram", "42") == []
    # The officer writing afterwards is not told twice.
    assert t.EXPIRED.split("(")[0] not in await officer.say("Trường A")


# --- Codes ---------------------------------------------------------------------------------


async def test_two_concurrent_confirms_get_two_codes(
    core: BotCore, services: Services, db: Database
) -> None:
    await make_officer(services, "telegram", "41", "Cán bộ A")
    await make_officer(services, "telegram", "42", "Cán bộ B")
    first = ChatDriver(core, "telegram", "41")
    second = ChatDriver(core, "telegram", "42")
    review_a = await to_review(first, name="Nguyễn Thị Lan")
    review_b = await to_review(second, name="Lê Văn Tám", contact="Lê Văn Bảy, 0987654321")
    a, b = await asyncio.gather(
        press(first, review_a, t.CONFIRM), press(second, review_b, t.CONFIRM)
    )
    codes = {make_code(AGENCY, TODAY, 1), make_code(AGENCY, TODAY, 2)}
    found = {code for code in codes if code in text_of(a)} | {
        code for code in codes if code in text_of(b)
    }
    assert found == codes
    assert await count(db, "dossiers") == 2


async def test_confirms_on_two_database_connections_get_distinct_codes(
    settings: Settings, services: Services, core: BotCore, clock: MovableClock
) -> None:
    """Two processes on one file: BEGIN IMMEDIATE serialises the sequence in SQLite itself."""
    assert settings.database is not None
    chats = [ChatDriver(core, "telegram", str(40 + i)) for i in range(6)]
    for index, chat in enumerate(chats):
        await make_officer(services, "telegram", chat.chat_id, f"Cán bộ {index}")
    reviews = [
        await to_review(chat, name=f"Nguyễn Văn {chr(65 + i)}") for i, chat in enumerate(chats)
    ]
    other_db = await open_database(settings.database)
    try:
        other_core = BotCore(build_router(), build_services(settings, other_db, clock=clock))
        drivers = [
            ChatDriver(core if index % 2 else other_core, "telegram", chat.chat_id)
            for index, chat in enumerate(chats)
        ]
        results = await asyncio.gather(
            *(
                press(driver, review, t.CONFIRM)
                for driver, review in zip(drivers, reviews, strict=True)
            )
        )
    finally:
        await other_db.close()
    codes = [
        line.split(": ")[1]
        for r in results
        for line in text_of(r).splitlines()
        if line.startswith("Mã hồ sơ")
    ]
    assert sorted(codes) == [make_code(AGENCY, TODAY, n) for n in range(1, 7)]


async def test_sequence_skips_codes_already_imported(
    officer: ChatDriver, services: Services
) -> None:
    imported = [
        DossierInput(
            code=make_code(AGENCY, TODAY, sequence),
            award_kind="BKCT",
            nominee="Nguyễn Văn An",
            unit="Trường A",
            phone_last4="1111",
            received_on=TODAY,
            due_on=date(2026, 12, 30),
            status=Status.received,
        )
        for sequence in (1, 2, 7)
    ]
    # Another day's and another agency's numbers do not matter.
    imported.append(replace(imported[0], code=make_code(AGENCY, date(2026, 11, 24), 50)))
    imported.append(replace(imported[0], code=make_code("000.00.21.H33", TODAY, 90)))
    await services.dossiers.upsert_many(imported, actor="import", now=services.now())
    replies = await to_review(officer)
    assert make_code(AGENCY, TODAY, 8) in text_of(await press(officer, replies, t.CONFIRM))
    replies = await to_review(officer)
    assert make_code(AGENCY, TODAY, 9) in text_of(await press(officer, replies, t.CONFIRM))


async def test_day_full_writes_nothing_and_keeps_the_draft(
    officer: ChatDriver, services: Services, db: Database
) -> None:
    last = DossierInput(
        code=make_code(AGENCY, TODAY, 9999),
        award_kind="BKCT",
        nominee="Nguyễn Văn An",
        unit="",
        phone_last4="1111",
        received_on=TODAY,
        due_on=date(2026, 12, 30),
        status=Status.received,
    )
    await services.dossiers.upsert_many([last], actor="import", now=services.now())
    replies = await to_review(officer)
    assert t.CODES_EXHAUSTED in text_of(await press(officer, replies, t.CONFIRM))
    assert await count(db, "dossiers") == 1
    assert await count(db, "nominations") == 0
    assert await count(db, "nomination_drafts") == 1


async def test_repository_rejects_a_draft_confirmed_twice(services: Services) -> None:
    now = services.now()
    draft = NominationDraft("console", "c5", "console:c5", "review", "abcd1234", now, now, {})
    await services.nominations.save_draft(draft)
    nomination = NominationInput(
        nominee_type="individual",
        nominee_name="Nguyễn Thị Lan",
        position="Giáo viên",
        unit="Trường A",
        award_kind="BKCT",
        movement=None,
        achievements=SUMMARY,
        contact_name="Nguyễn Văn Minh",
        contact_phone="0912345678",
        registered_by="console:c5",
        registered_by_name="",
        channel="console",
        chat_id="c5",
    )
    arguments = {
        "agency": AGENCY,
        "received_on": TODAY,
        "due_on": date(2026, 12, 30),
        "dossier_unit": "Giáo viên, Trường A",
        "history_note": "test",
        "now": now,
    }
    code = await services.nominations.create_from_draft(draft, nomination, **arguments)
    assert code == make_code(AGENCY, TODAY, 1)
    assert await services.nominations.create_from_draft(draft, nomination, **arguments) is None


# --- /denghicuatoi -------------------------------------------------------------------------


async def test_my_nominations_lists_with_status_and_pages(
    tg: ChatDriver, services: Services, core: BotCore, clock: MovableClock
) -> None:
    assert t.MINE_EMPTY in text_of(await tg.send("/denghicuatoi"))
    for index in range(11):
        replies = await to_review(tg, name=f"Nguyễn Văn {chr(65 + index)}")
        await press(tg, replies, t.CONFIRM)
    # Someone else's nomination is not listed.
    await make_officer(services, "telegram", "77", "Cán bộ khác")
    other = ChatDriver(core, "telegram", "77")
    await press(other, await to_review(other, name="Người Khác"), t.CONFIRM)
    first = await services.dossiers.get_by_code(make_code(AGENCY, TODAY, 1))
    assert first is not None
    from handlers.actions.dossier_status import change_status

    await change_status(services, first, Status.in_review, None, "telegram:42")
    clock.advance(days=40)

    page1 = await tg.send("/denghicuatoi")
    text = text_of(page1)
    assert t.MINE_HEADER.format(total=11, page=1, pages=2) in text
    assert "Nguyễn Văn K" in text and "Người Khác" not in text  # newest first
    assert [choice.label for choice in page1[0].choices] == [t.MINE_NEXT]
    page2 = await press(tg, page1, t.MINE_NEXT)
    text = text_of(page2)
    assert "11. " + make_code(AGENCY, TODAY, 1) in text
    assert Status.in_review.label in text and t.MINE_OVERDUE in text
    assert [choice.label for choice in page2[0].choices] == [t.MINE_PREV]
    assert t.MINE_BAD_PAGE.format(page=5, pages=2) in text_of(await tg.send("/denghicuatoi 5"))


# --- Export, settings, console ---------------------------------------------------------------


async def test_export_writes_every_answer_code_and_status(
    officer: ChatDriver, services: Services, tmp_path: Path
) -> None:
    from bot.commands.export import export_nominations

    assert await export_nominations(services, None, None, tmp_path / "none.csv") == 1
    replies = await to_review(officer, name='=HYPERLINK("x")')
    await press(officer, replies, t.CONFIRM)
    target = tmp_path / "de-nghi.csv"
    assert await export_nominations(services, None, None, target) == 0
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8-sig"))))
    assert rows == [
        {
            "code": make_code(AGENCY, TODAY, 1),
            "status": "received",
            "received_on": "2026-11-25",
            "due_on": "2026-12-30",
            "nominee_type": "individual",
            # A spreadsheet must show the name, not run it: the CSV escape (issue 11).
            "nominee_name": '\'=HYPERLINK("x")',
            "position": "Giáo viên",
            "unit": "Trường THCS Lê Lợi, xã An Bình",
            "award_kind": "BKCT",
            "movement": "NTM",
            "achievements": SUMMARY,
            "contact_name": "Nguyễn Văn Minh",
            "contact_phone": "0912345678",
            "attachments": "",
            "registered_by": "console:c1",
            "registered_by_name": "Trần Thị Hoa",
            "created_at": rows[0]["created_at"],
        }
    ]
    workbook_path = tmp_path / "de-nghi.xlsx"
    assert await export_nominations(services, None, None, workbook_path) == 0
    sheet = openpyxl.load_workbook(workbook_path).worksheets[0]
    header, first = list(sheet.iter_rows(values_only=True))
    assert header[:2] == ("code", "status")
    assert first[5] == '=HYPERLINK("x")'  # kept as text, not a live formula
    assert not list(tmp_path.glob(".*.part"))


def test_draft_ttl_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    assert load_settings(_env_file=None).draft_ttl == timedelta(hours=24)
    monkeypatch.setenv("TDKT_DRAFT_TTL", "90m")
    assert load_settings(_env_file=None).draft_ttl == timedelta(minutes=90)
    monkeypatch.setenv("TDKT_DRAFT_TTL", "2d")
    assert load_settings(_env_file=None).draft_ttl == timedelta(days=2)
    monkeypatch.setenv("TDKT_DRAFT_TTL", "soon")
    with pytest.raises(SettingsError, match=r"^TDKT_DRAFT_TTL: expected a duration"):
        load_settings(_env_file=None)
    monkeypatch.setenv("TDKT_DRAFT_TTL", "1m")
    with pytest.raises(SettingsError, match=r"^TDKT_DRAFT_TTL: must be between"):
        load_settings(_env_file=None)


def test_movements_file_setting(tmp_path: Path) -> None:
    broken = tmp_path / "movements.toml"
    broken.write_text('[[movement]]\ncode = "ntm x"\nname = "Nông thôn mới"\n', encoding="utf-8")
    with pytest.raises(SettingsError, match=r"^TDKT_MOVEMENTS_FILE: .*#1: code"):
        load_settings(_env_file=None, movements_file=broken)


@pytest.fixture
async def console_core(
    settings: Settings, db: Database, clock: MovableClock
) -> AsyncIterator[BotCore]:
    admin = settings.model_copy(update={"admins": ["console:local"]})
    yield BotCore(build_router(), build_services(admin, db, clock=clock))


async def test_console_run_registers_both_kinds(console_core: BotCore, services: Services) -> None:
    individual = [
        "/denghi",
        "1",
        "Nguyễn Thị Lan",
        "Giáo viên, Trường THCS Lê Lợi",
        "2",
        "12",
        SUMMARY,
        "Nguyễn Văn Minh, 0912 345 678",
        "xong",
        "1",
    ]
    collective = [
        "/denghi",
        "2",
        "Trường THCS Lê Lợi",
        "Phòng Giáo dục và Đào tạo huyện Châu Thành",
        "1",
        "1",
        SUMMARY,
        "Phạm Thị Thu, 0901 234 567",
        "1",
        "1",
    ]
    assert len(individual) < 12 and len(collective) < 12
    stdin = io.StringIO("\n".join(individual + collective) + "\n")
    stdout = io.StringIO()
    await run_console(console_core, stdin=stdin, stdout=stdout)
    output = stdout.getvalue()
    first, second = make_code(AGENCY, TODAY, 1), make_code(AGENCY, TODAY, 2)
    assert f"Mã hồ sơ: {first}" in output and f"Mã hồ sơ: {second}" in output
    one = await services.dossiers.get_by_code(first)
    two = await services.dossiers.get_by_code(second)
    assert one is not None and two is not None
    assert (one.award_kind, one.due_on) == ("CSTDT", date(2026, 12, 30))
    assert (two.award_kind, two.due_on) == ("BKCT", date(2026, 12, 30))
    assert two.unit == "Phòng Giáo dục và Đào tạo huyện Châu Thành"


async def test_someone_else_in_a_group_chat_cannot_answer(
    core: BotCore, services: Services, db: Database
) -> None:
    await make_officer(services, "telegram", "501", "Lê Văn Nam")
    officer = ChatDriver(core, "telegram", "-100200")
    replies = await officer.send("/denghi", sender_id="501")
    await officer.send(payload=payload_of(replies, "Cá nhân"), sender_id="501")
    text = await officer.say("Nguyễn Văn Lạ", sender_id="777")
    assert "chỉ dành cho cán bộ" in text
    row = await db.fetch_one("SELECT step, data FROM nomination_drafts")
    assert row is not None and tuple(row) == ("name", '{"nominee_type": "individual"}')
    assert "Bước 3/9" in await officer.say("Nguyễn Thị Lan", sender_id="501")
    help_text = await ChatDriver(core, "telegram", "501").say("/help", sender_id="501")
    assert "/denghi — " in help_text and "/denghicuatoi — " in help_text


async def test_last_file_with_the_caption_xong_finishes_the_step(tg: ChatDriver) -> None:
    await _at_files_step(tg)
    replies = await tg.send("Xong", attachments=(document("bien-ban.pdf", file_id="F7"),))
    text = text_of(replies)
    assert t.REVIEW in text and "Tệp đính kèm (1): bien-ban.pdf" in text
