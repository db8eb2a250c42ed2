"""The unit's path on the console: invited, template, check, submit once, see only its own."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from pathlib import Path

import openpyxl
import pytest

from config.eligibility import eligibility_from
from config.settings import Settings
from db.connection import Database
from domain.statuses import Status
from handlers.actions.dossier_status import change_status
from handlers.nomination import unit_list, units
from handlers.nomination.unit_list import ListUnreadable, check_workbook, write_template
from handlers.services import Services
from handlers.texts import staff as ts
from handlers.texts import unit_list as t
from tests.cli import run_cli
from tests.conftest import ChatDriver, MovableClock
from tests.handlers.nomination.test_chat import make_officer
from tests.handlers.test_lookup import verified_card

UNIT = "Trường THCS Lê Lợi"
# The clock of tests/conftest.py is in 2026: 2025 is "the year before".
ROWS = [
    [
        1,
        "Nguyễn Văn An",
        "Cá nhân",
        "Giáo viên, " + UNIT,
        "BKCT",
        "",
        "",
        "",
        "",
        "2025, 2026",
        0,
        "",
        "Không",
        "0912345678",
    ],
    [
        2,
        "Trần Thị Bình",
        "Cá nhân",
        "Giáo viên",
        "BKCT",
        "",
        "",
        "2026",
        "",
        "",
        2,
        "",
        "Không",
        "0987654321",
    ],
    [
        3,
        "Lê Văn Cường",
        "Cá nhân",
        "Hiệu trưởng",
        "CSTDT",
        "",
        "",
        "",
        "",
        "2024-2026",
        1,
        "",
        "Không",
        "0901234567",
    ],
    [
        4,
        "Phạm Thị Dung",
        "Cá nhân",
        "Kế toán",
        "BKCT",
        "",
        "",
        "2025, 2026",
        "",
        "",
        2,
        "",
        "Có",
        "0911111111",
    ],
]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(  # type: ignore[call-arg]
        _env_file=None, database=tmp_path / "tdkt.sqlite3", admins=["console:boss"]
    )


def list_file(services: Services, tmp_path: Path, rows: list[list[object]] = ROWS) -> Path:
    rules = eligibility_from(services.settings.eligibility_file)
    workbook = openpyxl.load_workbook(io.BytesIO(write_template(services.catalog, rules)))
    for row in rows:
        workbook.worksheets[0].append(row)
    path = tmp_path / "danh sach.xlsx"
    workbook.save(path)
    return path


async def join_unit(chat: ChatDriver, unit: str, sender: str) -> None:
    invited = await chat.say(f"/moi donvi {unit}", sender_id="boss")
    code = re.search(r"/dangky (\S+)", invited)
    assert code is not None, invited
    joined = await chat.say(f"/dangky {code.group(1)}", sender_id=sender)
    assert f"cán bộ thi đua của đơn vị “{unit}”" in joined
    again = await chat.say(f"/dangky {code.group(1)}", sender_id="someone-else")
    assert again == ts.JOIN_USED


async def count(db: Database, table: str) -> int:
    row = await db.fetch_one(f"SELECT COUNT(*) FROM {table}")
    assert row is not None
    return int(row[0])


async def test_only_admins_and_leaders_invite_a_unit(services: Services, chat: ChatDriver) -> None:
    await make_officer(services, "console", "off1", "Cán bộ A")
    assert await chat.say(f"/moi donvi {UNIT}", sender_id="off1") == ts.REFUSED_LEADERS
    assert await chat.say("/moi donvi", sender_id="boss") == t.INVITE_UNIT_USAGE
    # Staff invites stay the admin's.
    assert "canbo" not in await chat.say("/moi canbo", sender_id="boss")


async def test_template_in_chat_has_the_issue_headers(chat: ChatDriver) -> None:
    (reply,) = await chat.send("/maudenghi")
    assert reply.document is not None and reply.document_name.endswith(".xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(reply.document)).worksheets[0]
    assert [cell.value for cell in sheet[1]] == list(t.HEADERS)


async def test_check_then_submit_once_then_look_up(
    services: Services, chat: ChatDriver, db: Database, tmp_path: Path
) -> None:
    await join_unit(chat, UNIT, "u1")
    path = list_file(services, tmp_path)
    replies = await chat.send(f"/danhsach {path}", sender_id="u1")
    checked = "\n".join(reply.text for reply in replies)
    submit_payload = replies[-1].choices[0].payload
    assert "Dòng 2: Nguyễn Văn An — Bằng khen của Chủ tịch UBND tỉnh — Đủ điều kiện" in checked
    assert "Dòng 3: Trần Thị Bình — Bằng khen của Chủ tịch UBND tỉnh — Chưa đủ" in checked
    assert "Dòng 4: Lê Văn Cường — Chiến sĩ thi đua cấp tỉnh — Cần cán bộ xem" in checked
    assert "Dòng 5: Phạm Thị Dung — Bằng khen của Chủ tịch UBND tỉnh — Chưa đủ" in checked
    assert t.LIST_OFFER.format(count=2) in checked
    assert await count(db, "dossiers") == 0
    receipt = await chat.say("1", sender_id="u1")
    assert f"của {UNIT}: 2 hồ sơ" in receipt, receipt
    codes = re.findall(r"— (\S+-\d{6}-\d{4}) — hạn", receipt)
    assert len(codes) == 2 and "Dòng 2: Nguyễn Văn An" in receipt
    assert "Trần Thị Bình" not in receipt and "Phạm Thị Dung" not in receipt
    # A second press of the same button writes nothing.
    assert await chat.say(payload=submit_payload, sender_id="u1") == t.LIST_STALE
    assert await count(db, "submissions") == 1
    assert await count(db, "dossiers") == 2
    assert await count(db, "submission_rows") == 2
    kept = await db.fetch_one("SELECT file_name, file_bytes, campaign FROM submissions")
    assert kept is not None and bytes(kept["file_bytes"]) == path.read_bytes()
    assert kept["file_name"] == "danh sach.xlsx"
    follows = await db.fetch_one("SELECT COUNT(*) FROM follows WHERE chat_id = 'c1'")
    assert follows is not None and follows[0] == 2
    card = await verified_card(chat, codes[0], "5678")
    assert "Nguyễn Văn An" in card or codes[0] in card


async def test_a_unit_sees_only_its_own(
    services: Services, chat: ChatDriver, core: object, tmp_path: Path
) -> None:
    await join_unit(chat, UNIT, "u1")
    other = ChatDriver(chat.core, chat_id="c2")
    await join_unit(other, "UBND xã An Bình", "u2")
    await chat.say(f"/danhsach {list_file(services, tmp_path)}", sender_id="u1")
    await chat.say("1", sender_id="u1")
    mine = await chat.say("/hosodonvi", sender_id="u1")
    assert "Nguyễn Văn An" in mine and "Lê Văn Cường" in mine and "Đã tiếp nhận" in mine
    theirs = await other.say("/hosodonvi", sender_id="u2")
    assert theirs == t.UNIT_NONE.format(unit="UBND xã An Bình")
    assert await chat.say("/hosodonvi", sender_id="stranger") == t.LIST_NOT_ALLOWED
    assert await chat.say("/danhsach x.xlsx", sender_id="stranger") == t.LIST_NOT_ALLOWED


async def test_board_officer_only_checks_and_bad_files_are_told(
    services: Services, chat: ChatDriver, tmp_path: Path
) -> None:
    await make_officer(services, "console", "off1", "Cán bộ A")
    checked = await chat.say(f"/danhsach {list_file(services, tmp_path)}", sender_id="off1")
    assert t.LIST_BOARD_ONLY_CHECK in checked and "Nộp" not in checked.split("\n")[-1][:4]
    missing = await chat.say("/danhsach /khong/co.xlsx", sender_id="off1")
    assert missing == t.LIST_NO_FILE.format(file="co.xlsx")
    junk = tmp_path / "junk.xlsx"
    junk.write_text("x", encoding="utf-8")
    assert "Không đọc được tệp junk.xlsx" in await chat.say(f"/danhsach {junk}", sender_id="off1")
    zalo = ChatDriver(chat.core, channel="zalo", chat_id="z1")
    await make_officer(services, "zalo", "z1", "Cán bộ Z")
    assert await zalo.say("/danhsach a.xlsx") == t.LIST_ONLY_CONSOLE


def test_cli_submit_for_a_unit(settings: Settings, services: Services, tmp_path: Path) -> None:
    path = list_file(services, tmp_path)
    done = run_cli(settings, "nominations", "submit", str(path), "--unit", UNIT)
    assert done.returncode == 0, done.stderr
    assert f"của {UNIT}: 2 hồ sơ" in done.stdout
    bad = run_cli(settings, "nominations", "submit", str(tmp_path / "none.xlsx"), "--unit", UNIT)
    assert bad.returncode == 1


async def test_a_unit_invite_lasts_72_hours(
    services: Services, chat: ChatDriver, clock: MovableClock
) -> None:
    invited = await chat.say(f"/moi donvi {UNIT}", sender_id="boss")
    code = re.search(r"/dangky (\S+)", invited)
    assert code is not None
    assert units.INVITE_TTL == timedelta(hours=72)
    clock.advance(hours=72)
    assert await chat.say(f"/dangky {code.group(1)}", sender_id="late") == ts.JOIN_EXPIRED


def test_a_list_has_at_most_5000_rows(
    services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert unit_list.MAX_ROWS == 5000
    monkeypatch.setattr(unit_list, "MAX_ROWS", 3)
    rules = eligibility_from(services.settings.eligibility_file)
    with pytest.raises(ListUnreadable, match="quá 3 dòng"):
        check_workbook(list_file(services, tmp_path).read_bytes(), services.catalog, rules, 2026)


async def test_the_unit_is_told_of_every_change(
    services: Services, chat: ChatDriver, db: Database, tmp_path: Path
) -> None:
    await join_unit(chat, UNIT, "u1")
    await chat.say(f"/danhsach {list_file(services, tmp_path)}", sender_id="u1")
    receipt = await chat.say("1", sender_id="u1")
    code = re.findall(r"— (\S+-\d{6}-\d{4}) — hạn", receipt)[0]
    dossier = await services.dossiers.get_by_code(code)
    assert dossier is not None
    change = await change_status(services, dossier, Status.in_review, None, "console:off")
    assert change.applied and change.followers_notified == 1
    row = await db.fetch_one("SELECT channel, chat_id, payload FROM outbox")
    assert row is not None and (row["channel"], row["chat_id"]) == ("console", "c1")
    assert code in row["payload"]


async def test_receipt_lines_carry_the_lookup_link(
    services: Services, settings: Settings, chat: ChatDriver, tmp_path: Path
) -> None:
    services.settings = settings.model_copy(update={"public_url": "https://tdkt.example.vn"})
    await join_unit(chat, UNIT, "u1")
    await chat.say(f"/danhsach {list_file(services, tmp_path)}", sender_id="u1")
    receipt = await chat.say("1", sender_id="u1")
    codes = re.findall(r"— (\S+-\d{6}-\d{4}) — hạn", receipt)
    assert len(codes) == 2
    for line in (line for line in receipt.splitlines() if line.startswith("Dòng")):
        assert "— https://tdkt.example.vn/" in line, line
