"""Issue 25 end to end on the console: a 6-row submission returned, resubmitted, voted on by
the council and decided under one number; the unit and a follower get exactly their messages."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path

import openpyxl

from config.settings import Settings
from db.connection import Database
from db.review import ReviewRepository
from handlers.services import Services
from handlers.texts import review as t
from tests.cli import run_cli
from tests.conftest import ChatDriver, MovableClock
from tests.handlers.nomination.test_units import ROWS, join_unit, list_file
from tests.handlers.test_lookup import verified_card

UNIT = "Trường THCS Lê Lợi"
ELIGIBLE, JUDGEMENT = ROWS[0], ROWS[2]  # BKCT fully met; CSTDT needs an officer's look
#: The name the console gives a unit's officer who joins with /dangky (no name on the console).
UNIT_PERSON = "u1"
NAMES = ["Nguyễn Văn An", "Trần Văn Bảo", "Lê Thị Cúc", "Phạm Văn Dũng", "Hoàng Thị Én"]


def six_rows() -> list[list[object]]:
    rows = []
    for index, name in enumerate(NAMES, 1):
        row = list(ELIGIBLE)
        row[0], row[1], row[13] = index, name, f"09100000{index:02d}"
        row[5] = "Chung sức xây dựng nông thôn mới"
        rows.append(row)
    judgement = list(JUDGEMENT)
    judgement[0] = 6
    rows.append(judgement)
    return rows


async def make_staff(services: Services, user_id: str, name: str, role: str) -> None:
    code = f"INV-{user_id}"
    now = services.now()
    await services.staff.create_invite(
        code=code, role=role, created_by="console:boss", now=now, expires_at=now + timedelta(days=1)
    )
    member = await services.staff.redeem_invite(
        code=code, channel="console", user_id=user_id, chat_id=user_id, name=name, now=now
    )
    assert member is not None


async def submitted(services: Services, chat: ChatDriver, tmp_path: Path) -> tuple[str, list[str]]:
    """The unit joins and submits the six rows from chat c1; (submission code, dossier codes)."""
    await join_unit(chat, UNIT, "u1")
    path = list_file(services, tmp_path, six_rows())
    await chat.say(f"/danhsach {path}", sender_id="u1")
    receipt = await chat.say("1", sender_id="u1")
    codes = re.findall(r"— (\S+-\d{6}-\d{4}) — hạn", receipt)
    found = re.search(r"TT-\d{6}-\d{2}", receipt)
    assert found is not None and len(codes) == 6, receipt
    return found.group(0), codes


async def outbox(db: Database, chat_id: str) -> list[tuple[str, str]]:
    rows = await db.fetch_all(
        "SELECT dedupe_key, payload FROM outbox WHERE chat_id = ? ORDER BY id", (chat_id,)
    )
    return [(row["dedupe_key"], json.loads(row["payload"])["text"]) for row in rows]


async def test_a_submission_from_inbox_to_decision(
    settings: Settings,
    services: Services,
    chat: ChatDriver,
    db: Database,
    clock: MovableClock,
    tmp_path: Path,
) -> None:
    await make_staff(services, "off1", "Cán bộ Hà", "officer")
    await make_staff(services, "lead1", "Lãnh đạo Minh", "leader")
    submission, codes = await submitted(services, chat, tmp_path)
    followed = await services.dossiers.get_by_code(codes[2])
    assert followed is not None
    await services.follows.follow(
        channel="console", chat_id="citizen", dossier_id=followed.id, now=services.now(), limit=20
    )

    # 1. The inbox (Wed 25/11/2026): five working days to return, until Wed 02/12.
    listed = await chat.say("/denghimoi", sender_id="off1")
    assert f"{submission} — {UNIT} — 6 dòng (đủ điều kiện 5, cần cán bộ xem 1)" in listed
    assert "còn 5 ngày làm việc để trả lại" in listed
    assert "Kiểm tra hồ sơ 6 (quá hạn 0)" in listed
    opened = await chat.say(payload=f"dx:s:{submission}", sender_id="off1")
    assert "Hạn trả lại: 02/12/2026" in opened and "Dòng 7: Lê Văn Cường" in opened
    row = await chat.say(payload=f"dx:r:{codes[0]}", sender_id="off1")
    assert f"Mã hồ sơ: {codes[0]}" in row and "Kiểm tra hồ sơ — hạn 02/12/2026" in row
    assert await chat.say("/denghimoi", sender_id="u1") != listed  # not for units
    view = await chat.say(f"/hoso {codes[0]}", sender_id="off1")
    assert f"Tờ trình {submission}, dòng 2: Kiểm tra hồ sơ — hạn 02/12/2026" in view, view

    # 2. Two rows returned on Mon 30/11 with reasons and a date; the unit is told at once.
    clock.advance(days=5)
    returned = await chat.say(f"/tralai {codes[0]} 1 | Thiếu Mẫu 05 | 10/12/2026", sender_id="off1")
    assert returned == t.RETURN_DONE.format(count=1, date="10/12/2026", late="")
    await chat.say(f"/tralai {codes[1]} 2,3 | Điều 74 khoản 1 | 10/12/2026", sender_id="off1")
    card = await verified_card(ChatDriver(chat.core, chat_id="x"), codes[0], "0001")
    assert "trả lại để bổ sung, nộp lại trước 10/12/2026" in card, card
    reminder = await db.fetch_one(
        "SELECT next_attempt_at FROM outbox WHERE dedupe_key LIKE 'review-remind:%' ORDER BY id"
    )
    # Two working days before Thu 10/12 is Tue 08/12, at 08:00 in Vietnam (01:00 UTC).
    assert reminder is not None and reminder[0].startswith("2026-12-08T01:00")

    # The unit resubmits the first with its corrected file, the second without.
    fixed = tmp_path / "sua.xlsx"
    fixed.write_bytes(b"PK corrected")
    done = await chat.say(f"/nopbosung {codes[0]} {fixed}", sender_id="u1")
    assert done == t.RESUBMIT_DONE.format(code=codes[0], submission=submission)
    await chat.say(f"/nopbosung {codes[1]}", sender_id="u1")
    assert await chat.say(f"/nopbosung {codes[1]}", sender_id="u1") == (
        t.RESUBMIT_NOT_RETURNED.format(code=codes[1])
    )
    assert await chat.say(f"/nopbosung {codes[2]}", sender_id="stranger") == (
        t.RESUBMIT_NOT_ALLOWED
    )
    left = await db.fetch_one("SELECT COUNT(*) FROM outbox WHERE dedupe_key LIKE 'review-%'")
    assert left is not None and left[0] == 0  # both reminders dropped

    # 3. The council meets on 04/12; the judgement-only CSTĐ row gets 8 of 10 (< 90%).
    assert "lãnh đạo" in (await chat.say("/hophoidong 04/12/2026", sender_id="off1")).lower()
    agenda = await chat.say("/hophoidong 04/12/2026", sender_id="lead1")
    assert agenda.startswith(t.COUNCIL_DONE.format(meeting=1, date="04/12/2026", count=6))
    for code in codes[:5]:
        assert "thông qua: 9/10 (90%)" in await chat.say(f"/bophieu {code} 9/10", sender_id="lead1")
    failed = await chat.say(f"/bophieu {codes[5]} 8/10", sender_id="lead1")
    assert "không thông qua: 8/10 (80%), dưới ngưỡng từ 90% trở lên" in failed
    assert "Điều 30" in failed
    again = await chat.say(f"/bophieu {codes[5]} 10/10", sender_id="lead1")
    assert again == t.VOTE_ALREADY.format(code=codes[5])
    minutes = tmp_path / "bien ban.pdf"
    minutes.write_bytes(b"%PDF-1.4 minutes")
    assert "bien ban.pdf" in await chat.say(f"/bienban 1 {minutes}", sender_id="lead1")
    kept = await ReviewRepository(db).minutes(1)
    assert kept == ("bien ban.pdf", b"%PDF-1.4 minutes")

    # 4. The decision on 07/12: five rows, one number, one message to the unit.
    clock.advance(days=7)
    signed = tmp_path / "qd.pdf"
    signed.write_bytes(b"%PDF-1.4 signed")
    decided = await chat.say(f"/quyetdinh 123/qđ-ubnd 07/12/2026 {signed}", sender_id="lead1")
    assert decided == t.DECISION_DONE.format(number="123/QĐ-UBND", date="07/12/2026", count=5)
    assert await chat.say(f"/quyetdinh 124/QĐ-UBND 07/12/2026 {signed}", sender_id="lead1") == (
        t.DECISION_NONE
    )
    statuses = [(await services.dossiers.get_by_code(code)).status.value for code in codes]  # type: ignore[union-attr]
    assert statuses == ["decided"] * 5 + ["rejected"]

    unit_messages = await outbox(db, "c1")
    kinds = [key.split(":")[0] for key, _text in unit_messages]
    # Returned 2, resubmitted 2, moved to review for the council 4, voted 6: status notices;
    # the decision: ONE message, no per-row notice.
    assert kinds == ["status"] * 14 + ["decision"]
    decision_text = unit_messages[-1][1]
    assert "số 123/QĐ-UBND" in decision_text and "có 5 người/tập thể" in decision_text
    assert all(name in decision_text for name in NAMES) and "Lê Văn Cường" not in decision_text
    follower = [text for _key, text in await outbox(db, "citizen")]
    assert len(follower) == 3  # to review, passed, decided
    assert "123/QĐ-UBND" in follower[-1]

    # /lichsu: every step with who did it.
    history = await chat.say(f"/lichsu {codes[0]}", sender_id="off1")
    for who in ("Cán bộ Hà", "Lãnh đạo Minh", f"— {UNIT_PERSON} ({UNIT}): Yêu cầu bổ sung"):
        assert who in history, history
    assert "nộp lại trước 10/12/2026" in history and "123/QĐ-UBND" in history
    assert "Đơn vị nộp lại hồ sơ đã bổ sung: sua.xlsx" in history
    assert "Đưa ra phiên họp Hội đồng Thi đua – Khen thưởng ngày 04/12/2026" in history
    assert "Hội đồng thông qua: 9/10 (90%)" in history

    # The report: the submission's rows by campaign, returns within 5 days, the council.
    report = await chat.say("/thongke 25/11/2026 07/12/2026", sender_id="lead1")
    assert "Tờ trình của đơn vị: 1 tờ trình, 6 dòng đề nghị, thuộc 1 phong trào" in report, report
    assert "• Chung sức xây dựng nông thôn mới: 6 dòng" in report
    assert "Trả lại để bổ sung 2 dòng, trong đó 2 trong hạn 5 ngày làm việc." in report
    assert "Hội đồng Thi đua – Khen thưởng: thông qua 5, không thông qua 1." in report

    # The list attached to the decision, as boards print it.
    target = tmp_path / "qd.xlsx"
    done = run_cli(
        settings, "export", "--what", "decision", "--decision", "123/QĐ-UBND", "-o", str(target)
    )
    assert done.returncode == 0, done.stderr
    sheet = openpyxl.load_workbook(target).worksheets[0]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == list(t.EXPORT_HEADERS)
    assert [row[:2] for row in rows[1:]] == [[n, name] for n, name in enumerate(NAMES, 1)]
    assert rows[1][2] == "Giáo viên, " + UNIT
    assert rows[1][3] == "Bằng khen của Chủ tịch UBND tỉnh"
    missing = run_cli(
        settings, "export", "--what", "decision", "--decision", "9/QĐ-UBND", "-o", str(target)
    )
    assert missing.returncode == 1 and "9/QĐ-UBND" in missing.stderr
