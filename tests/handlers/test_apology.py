"""Late with an apology (issue 26.4), on the console: /doihan drafts, one tap sends it to the
followers and by ZNS, the card says so, the form is filed as a PDF; the scheduler drafts for a
dossier about to miss its date, once; the report counts late dossiers with and without one."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

from bot.console_channel import CHAT_ID, run_console
from bot.scheduler import apology_tick
from domain.statuses import Status
from handlers.actions.dossier_status import change_status
from handlers.apology_form import ApologyForm, body_paragraphs
from handlers.router import BotCore
from handlers.services import Services
from handlers.texts import common as tc
from handlers.texts import deadlines as t
from tests.conftest import ChatDriver, MovableClock
from tests.handlers.test_status_update import (
    CODE,
    DIGITS,
    OTHER_CODE,
    follow_verified,
    history,
    make_staff,
    outbox_rows,
    seed_dossier,
)

REASON = "Chờ ý kiến của cơ quan có liên quan"


def local_nine(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 2, 0, tzinfo=UTC)


async def console(core: BotCore, *lines: str) -> str:
    stdout = io.StringIO()
    await run_console(core, stdin=io.StringIO("\n".join(lines) + "\n"), stdout=stdout)
    return stdout.getvalue()


async def card(core: BotCore, chat_id: str = "citizen2") -> str:
    chat = ChatDriver(core, "console", chat_id)
    await chat.say(CODE)
    return await chat.say(DIGITS)


async def keep_phone(services: Services, dossier_id: int) -> None:
    async with services.db.transaction() as conn:
        await conn.execute(
            "INSERT INTO dossier_phones (dossier_id, phone_enc, stored_at) VALUES (?, ?, ?)",
            (dossier_id, b"sealed", "2026-11-25T02:00:00+00:00"),
        )


async def test_moving_the_due_date_drafts_and_one_tap_sends_the_apology(
    services: Services, core: BotCore
) -> None:
    dossier = await seed_dossier(services, status=Status.in_review, due_on=date(2026, 12, 28))
    await make_staff(services, CHAT_ID, name="Trần Thị Bình")
    await follow_verified(core, "console", "citizen")
    await keep_phone(services, dossier.id)
    output = await console(core, f"/doihan {CODE} 05/01/2027 {REASON}", "1")
    assert "Dự thảo phiếu xin lỗi và hẹn lại ngày trả kết quả" in output
    assert f"Lý do chậm: {REASON}" in output and "Ngày hẹn mới: 05/01/2027" in output
    assert "1. Gửi phiếu xin lỗi" in output
    assert t.APOLOGY_SENT.format(code=CODE, new="05/01/2027") in output
    moved = await services.dossiers.get_by_code(CODE)
    assert moved.due_on == date(2027, 1, 5) and moved.status is Status.in_review
    entry = (await history(services, dossier.id))[-1]
    assert entry.note == t.APOLOGY_HISTORY_NOTE.format(new="05/01/2027", reason=REASON)
    rows = {row["channel"]: row for row in await outbox_rows(services.db)}
    assert (
        "Ban xin lỗi vì chưa trả kết quả đúng hẹn ngày 28/12/2026"
        in rows["console"]["payload"]["text"]
    )
    assert rows["zns"]["payload"]["zns"]["ngay_hen_tra"] == "05/01/2027"
    text = await card(core)
    assert "Ngày hẹn trả kết quả: 05/01/2027" in text
    assert t.CARD_APOLOGY.format(old="28/12/2026", new="05/01/2027") in text
    # The form is filed with the dossier and given back as a PDF.
    officer = ChatDriver(core, "console", CHAT_ID)
    (reply,) = await officer.send(f"/xinloi {CODE}")
    assert reply.document is not None and reply.document.startswith(b"%PDF-")
    assert reply.document_name == f"xin-loi-{CODE}.pdf"


async def test_a_second_tap_or_a_changed_dossier_sends_nothing(
    services: Services, core: BotCore
) -> None:
    dossier = await seed_dossier(services, status=Status.in_review, due_on=date(2026, 12, 28))
    await make_staff(services, "off1")
    officer = ChatDriver(core, "console", "off1")
    (draft,) = await officer.send(f"/doihan {CODE} 05/01/2027")
    assert f"Lý do chậm: {t.APOLOGY_DEFAULT_REASON}" in draft.text
    send = draft.choices[0].payload
    assert t.APOLOGY_SENT.format(code=CODE, new="05/01/2027") in await officer.say(payload=send)
    assert await officer.say(payload=send) == t.APOLOGY_STALE.format(code=CODE)
    assert len(await history(services, dossier.id)) == 2
    # A draft for a dossier that moved on (resolved) since is refused too.
    other = await seed_dossier(services, OTHER_CODE, status=Status.in_review)
    (draft,) = await officer.send(f"/doihan {OTHER_CODE} 15/01/2027 {REASON}")
    await change_status(services, other, Status.passed, None, "console:off1")
    assert await officer.say(payload=draft.choices[0].payload) == t.APOLOGY_STALE.format(
        code=OTHER_CODE
    )
    assert (await services.dossiers.get_by_code(OTHER_CODE)).due_on == other.due_on
    assert await officer.say(payload="xl:ok:x:y") == tc.STALE_BUTTON


async def test_what_doihan_refuses(services: Services, core: BotCore) -> None:
    await seed_dossier(services, status=Status.in_review, due_on=date(2026, 12, 28))
    await seed_dossier(services, OTHER_CODE, status=Status.needs_supplement, note="Thiếu")
    await make_staff(services, "off1")
    officer = ChatDriver(core, "console", "off1")
    assert "Cách dùng: /doihan" in await officer.say("/doihan")
    assert await officer.say(f"/doihan {CODE} 20/12/2026") == t.APOLOGY_NOT_LATER.format(
        new="20/12/2026", old="28/12/2026"
    )
    assert await officer.say(f"/doihan {OTHER_CODE} 20/01/2027") == t.APOLOGY_PAUSED.format(
        code=OTHER_CODE
    )
    assert await officer.say(f"/doihan {CODE} 01/12/2027") == t.APOLOGY_TOO_FAR.format(
        new="01/12/2027", limit=60
    )
    assert await services.apologies.latest_confirmed(1) is None
    # A citizen cannot use it.
    assert "doihan" not in await ChatDriver(core, "console", "citizen").say("/doihan")


async def test_the_scheduler_drafts_once_for_a_dossier_about_to_miss_its_date(
    services: Services, core: BotCore, clock: MovableClock
) -> None:
    # Due Wednesday 16/12/2026, unassigned: the leaders hear of it.
    await seed_dossier(services, status=Status.in_review, due_on=date(2026, 12, 16))
    await make_staff(services, "lead1", role="leader")
    clock.current = local_nine(date(2026, 12, 14))  # two working days before: not yet
    await apology_tick(services)
    assert not [r for r in await outbox_rows(services.db) if r["dedupe_key"].startswith("apology")]
    clock.current = local_nine(date(2026, 12, 15))  # one working day before
    await apology_tick(services)
    await apology_tick(services)  # a restart: the draft and its message once
    sent = [r for r in await outbox_rows(services.db) if r["dedupe_key"].startswith("apology")]
    assert len(sent) == 1 and sent[0]["chat_id"] == "lead1"
    payload = sent[0]["payload"]
    assert t.APOLOGY_PREDICTED.format(code=CODE, old="16/12/2026") in payload["text"]
    assert "Ngày hẹn mới: 23/12/2026" in payload["text"]  # + 5 working days (extra_days)
    leader = ChatDriver(core, "console", "lead1")
    assert "23/12/2026" in await leader.say(payload=payload["choices"][0][1])
    assert t.CARD_APOLOGY.format(old="16/12/2026", new="23/12/2026") in await card(core)


async def test_the_report_counts_late_dossiers_with_and_without_an_apology(
    services: Services, core: BotCore
) -> None:
    apologised = await seed_dossier(services, status=Status.in_review, due_on=date(2026, 12, 28))
    await seed_dossier(  # resolved after its due date, no apology
        services,
        OTHER_CODE,
        status=Status.passed,
        due_on=date(2026, 11, 23),
        resolved_on=date(2026, 11, 24),
    )
    await seed_dossier(  # on time
        services,
        "000.00.21.H01-261120-0003",
        status=Status.passed,
        due_on=date(2026, 11, 30),
        resolved_on=date(2026, 11, 24),
    )
    await make_staff(services, "lead1", role="leader")
    leader = ChatDriver(core, "console", "lead1")
    (draft,) = await leader.send(f"/doihan {apologised.code} 05/01/2027 {REASON}")
    await leader.say(payload=draft.choices[0].payload)
    text = await leader.say("/thongke 01/07/2026 25/11/2026")
    assert t.REPORT_LATE.format(total=2, with_apology=1, without=1) in text


def test_the_form_carries_its_fields() -> None:
    form = ApologyForm(
        number=7,
        agency="Ban Thi đua – Khen thưởng tỉnh",
        place="An Giang",
        issued_on=date(2026, 12, 1),
        nominee="Nguyễn Văn An",
        unit="Trường THCS",
        award="Bằng khen của Chủ tịch UBND tỉnh",
        code=CODE,
        received_on=date(2026, 11, 20),
        old_due=date(2026, 12, 28),
        new_due=date(2027, 1, 5),
        reason=REASON,
        confirmed_by="CB off1",
        confirmed_at=datetime(2026, 12, 1, 9, 0),
    )
    text = "\n".join(body_paragraphs(form))
    for field in ("20/11/2026", CODE, "Bằng khen của Chủ tịch UBND tỉnh", "28/12/2026"):
        assert field in text
    assert f"Lý do: {REASON}" in text and "hẹn trả kết quả vào ngày 05/01/2027" in text
