"""Bad input to the board's review commands gets a clear Vietnamese answer and writes nothing."""

from __future__ import annotations

from pathlib import Path

from db.connection import Database
from handlers.services import Services
from handlers.texts import casework as tw
from handlers.texts import review as t
from handlers.texts import staff as ts
from tests.conftest import ChatDriver, MovableClock
from tests.handlers.review.test_board_day import make_staff, submitted
from tests.handlers.review.test_board_day import outbox as outbox_of


async def count(db: Database, sql: str) -> int:
    row = await db.fetch_one(sql)
    assert row is not None
    return int(row[0])


async def test_returns_refuse_bad_reasons_dates_and_targets(
    services: Services, chat: ChatDriver, db: Database, tmp_path: Path
) -> None:
    await make_staff(services, "off1", "Cán bộ Hà", "officer")
    submission, codes = await submitted(services, chat, tmp_path)
    usage = await chat.say("/tralai", sender_id="off1")
    assert usage.startswith("Cách dùng: /tralai") and "3. Sai mẫu" in usage
    assert await chat.say(f"/tralai {codes[0]} 9 | x | 10/12/2026", sender_id="off1") == (
        t.RETURN_BAD_REASON.format(text="9", count=4)
    )
    assert await chat.say(f"/tralai {codes[0]} 1 | x | 25/11/2026", sender_id="off1") == (
        t.RETURN_BAD_DATE.format(text="25/11/2026")
    )
    assert await chat.say(f"/tralai {codes[0]} 1 | x | 31/02/2027", sender_id="off1") == (
        t.RETURN_BAD_DATE.format(text="31/02/2027")
    )
    assert await chat.say("/tralai TT-000000-01 1 | x | 10/12/2026", sender_id="off1") == (
        t.NOT_FOUND.format(text="TT-000000-01")
    )
    assert await count(db, "SELECT COUNT(*) FROM review_returns") == 0
    # A citizen cannot return anything.
    assert await chat.say(f"/tralai {codes[0]} 1 | x | 10/12/2026", sender_id="nobody") == (
        ts.REFUSED
    )
    # The whole submission at once: six rows, six reminders waiting in the outbox.
    whole = await chat.say(f"/tralai {submission} 3 | Sai mẫu 05 | 10/12/2026", sender_id="off1")
    assert whole == t.RETURN_DONE.format(count=6, date="10/12/2026", late="")
    reminders = "SELECT COUNT(*) FROM outbox WHERE dedupe_key LIKE 'review-remind:%'"
    assert await count(db, reminders) == 6
    again = await chat.say(f"/tralai {submission} 3 | x | 10/12/2026", sender_id="off1")
    assert again == t.RETURN_NOTHING.format(code=submission)
    # Resubmitted, then returned a second time: only a leader may (the one-stop rule).
    await chat.say(f"/nopbosung {codes[0]}", sender_id="u1")
    second = await chat.say(f"/tralai {codes[0]} 1 | x | 10/12/2026", sender_id="off1")
    assert second == tw.SUPPLEMENT_ONCE.format(code=codes[0], count=1)
    await make_staff(services, "lead1", "Lãnh đạo Minh", "leader")
    by_leader = await chat.say(f"/tralai {codes[0]} 1 | x | 26/11/2026", sender_id="lead1")
    assert by_leader == t.RETURN_DONE.format(count=1, date="26/11/2026", late="")
    # The resubmission dropped its reminder; due tomorrow, the new return adds none (its own
    # notice is the reminder).
    assert await count(db, reminders) == 5


async def test_the_return_limit_counts_down_and_a_late_return_says_so(
    services: Services, chat: ChatDriver, clock: MovableClock, tmp_path: Path
) -> None:
    await make_staff(services, "off1", "Cán bộ Hà", "officer")
    _submission, codes = await submitted(services, chat, tmp_path)
    clock.set_local("2026-12-02 09:00")  # the fifth working day: the last one
    assert "hôm nay là hạn trả lại" in await chat.say("/denghimoi", sender_id="off1")
    clock.set_local("2026-12-04 09:00")
    listed = await chat.say("/denghimoi", sender_id="off1")
    assert "quá hạn trả lại 2 ngày làm việc" in listed
    assert "Kiểm tra hồ sơ 6 (quá hạn 6)" in listed
    late = await chat.say(f"/tralai {codes[0]} 1 | x | 10/12/2026", sender_id="off1")
    assert late == t.RETURN_DONE.format(count=1, date="10/12/2026", late=t.RETURN_LATE)


async def test_council_and_decision_refuse_bad_input(
    services: Services, chat: ChatDriver, db: Database, clock: MovableClock, tmp_path: Path
) -> None:
    await make_staff(services, "lead1", "Lãnh đạo Minh", "leader")
    await make_staff(services, "off1", "Cán bộ Hà", "officer")
    _submission, codes = await submitted(services, chat, tmp_path)
    assert await chat.say("/hophoidong hôm nay", sender_id="lead1") == t.COUNCIL_USAGE
    assert await chat.say("/hophoidong 01/01/2020", sender_id="lead1") == t.COUNCIL_USAGE
    assert await chat.say(f"/bophieu {codes[0]} 9/10", sender_id="lead1") == (
        t.VOTE_NOT_ON_AGENDA.format(code=codes[0])
    )
    assert await chat.say(f"/bophieu {codes[0]} 9/10", sender_id="off1") == ts.REFUSED_LEADERS
    await chat.say("/hophoidong 04/12/2026", sender_id="lead1")
    assert await chat.say("/hophoidong 05/12/2026", sender_id="lead1") == t.COUNCIL_NONE
    for bad in ("11/10", "9/0", "chín/mười", "-1/10"):
        assert await chat.say(f"/bophieu {codes[0]} {bad}", sender_id="lead1") == (
            t.VOTE_BAD.format(text=bad)
        )
    assert await chat.say(f"/bophieu {codes[0]}", sender_id="lead1") == t.VOTE_USAGE
    assert await chat.say("/bienban 7 x.pdf", sender_id="lead1") == (
        t.FILE_MISSING.format(file="x.pdf")
    )
    minutes = tmp_path / "bb.pdf"
    minutes.write_bytes(b"%PDF-1.4")
    assert await chat.say(f"/bienban 7 {minutes}", sender_id="lead1") == (
        t.MINUTES_NO_MEETING.format(meeting="7")
    )
    await chat.say(f"/bophieu {codes[0]} 6/10", sender_id="lead1")

    not_pdf = tmp_path / "qd.docx"
    not_pdf.write_bytes(b"PK")
    signed = tmp_path / "qd.pdf"
    signed.write_bytes(b"%PDF-1.4")
    lead = "lead1"
    assert await chat.say("/quyetdinh", sender_id=lead) == t.DECISION_USAGE
    assert await chat.say(f"/quyetdinh 12 25/11/2026 {signed}", sender_id=lead) == (
        t.DECISION_BAD_NUMBER.format(text="12", example="123/QĐ-UBND")
    )
    assert await chat.say(f"/quyetdinh 12/QĐ-UBND 26/11/2026 {signed}", sender_id=lead) == (
        t.DECISION_BAD_DATE.format(text="26/11/2026")
    )
    assert await chat.say(f"/quyetdinh 12/QĐ-UBND 25/11/2026 {not_pdf}", sender_id=lead) == (
        t.DECISION_NOT_PDF
    )
    assert await chat.say("/quyetdinh 12/QĐ-UBND 25/11/2026", sender_id=lead) == t.FILE_NEEDED
    assert await chat.say(f"/quyetdinh 12/QĐ-UBND 25/11/2026 {signed}", sender_id=lead) == (
        t.DECISION_DONE.format(number="12/QĐ-UBND", date="25/11/2026", count=1)
    )
    await chat.say(f"/bophieu {codes[1]} 6/10", sender_id="lead1")
    assert await chat.say(f"/quyetdinh 12/QĐ-UBND 25/11/2026 {signed}", sender_id=lead) == (
        t.DECISION_TAKEN.format(number="12/QĐ-UBND")
    )
    assert await count(db, "SELECT COUNT(*) FROM award_decisions") == 1
    # The taken number undid the second row's move with it: one transaction (issue 21.2).
    assert await count(db, "SELECT COUNT(*) FROM dossiers WHERE status = 'decided'") == 1
    assert await count(db, "SELECT COUNT(*) FROM dossier_history WHERE to_status = 'decided'") == 1
    unit = [key for key, _text in await outbox_of(db, "c1") if key.startswith("decision:")]
    assert len(unit) == 1
