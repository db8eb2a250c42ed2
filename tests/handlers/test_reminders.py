"""Reminder rules in working days, settings, the officer column of imports, and the chat
commands /viec, /quahan, /nhacnho and /giao. Also the helpers test_scheduler.py shares."""

from __future__ import annotations

import os
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest

from bot.scheduler import tick
from config.settings import Settings, SettingsError, load_settings
from db.models import DossierInput, OutboxMessage, StaffMember
from db.reminders import BoardCounts, UnknownOfficerError, WorkItem
from domain.calendar import WorkCalendar
from domain.codes import EXAMPLE_CODE
from domain.statuses import Status
from handlers.actions.dossier_status import change_status
from handlers.importing.readers import parse_csv
from handlers.messages import Reply
from handlers.reminders import (
    DigestWindow,
    ReminderRules,
    WorkdayIndex,
    deadline_phrase,
    leader_digest,
    next_reminder_day,
    officer_digest,
    reminders_due,
)
from handlers.router import BotCore
from handlers.services import Services
from handlers.texts import common as tc
from handlers.texts import lookup as tl
from handlers.texts import reminders as t
from handlers.texts import staff as ts
from tests.conftest import ChatDriver, MovableClock

AGENCY = "000.00.21.H01"


# --- helpers (shared with test_scheduler.py) ----------------------------------------------------


def code(seq: int) -> str:
    return f"{AGENCY}-261001-{seq:04d}"


def item(
    seq: int,
    due_on: date,
    status: Status = Status.in_review,
    *,
    officer: str | None = None,
    nominee: str | None = None,
) -> DossierInput:
    """A dossier received on 1 October 2026 with the given due date (an import row)."""
    return DossierInput(
        code=code(seq),
        award_kind="BKCT",
        nominee=nominee or f"Người đề nghị {seq}",
        unit="UBND huyện Châu Thành",
        phone_last4="1234",
        received_on=date(2026, 10, 1),
        due_on=due_on,
        status=status,
        resolved_on=date(2026, 10, 20) if status in (Status.passed, Status.rejected) else None,
        officer=officer,
    )


async def add_dossiers(services: Services, *items: DossierInput) -> None:
    await services.dossiers.upsert_many(list(items), actor="import", now=services.now())


async def register(
    services: Services,
    user_id: str,
    name: str,
    *,
    role: str = "officer",
    channel: str = "console",
) -> StaffMember:
    """Register someone through a one-time invite, as `/dangky` does (chat id = user id)."""
    now = services.now()
    invite = f"T-{channel}-{user_id}"
    await services.staff.create_invite(
        code=invite, role=role, created_by="test", now=now, expires_at=now + timedelta(hours=1)
    )
    member = await services.staff.redeem_invite(
        code=invite, channel=channel, user_id=user_id, chat_id=user_id, name=name, now=now
    )
    assert member is not None
    return member


async def outbox(services: Services) -> list[OutboxMessage]:
    rows = await services.db.fetch_all("SELECT * FROM outbox ORDER BY id")
    return [OutboxMessage.from_row(row) for row in rows]


def choice_payloads(replies: list[Reply]) -> dict[str, str]:
    return {choice.label: choice.payload for reply in replies for choice in reply.choices}


# --- working days and rules ----------------------------------------------------------------------


@pytest.fixture
def calendar() -> WorkCalendar:
    return WorkCalendar(culture_day=True)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """These cases count Tuesday 24/11/2026 (Ngày Văn hóa Việt Nam) as a day off."""
    database = tmp_path / "tdkt.sqlite3"
    return Settings(_env_file=None, database=database, culture_day=True)  # type: ignore[call-arg]


def test_working_day_offsets_skip_weekends_and_the_holiday(calendar: WorkCalendar) -> None:
    index = WorkdayIndex(calendar, date(2026, 11, 20))
    due = date(2026, 11, 25)  # Wednesday, after Tuesday 24 (Vietnam Cultural Day)
    assert index.offset(due, date(2026, 11, 23)) == 1
    assert index.offset(due, date(2026, 11, 20)) == 2
    assert index.offset(due, date(2026, 11, 21)) == 2  # Saturday: Monday and Wednesday left
    assert index.offset(due, date(2026, 11, 27)) == -2
    # Tết 2026 (16–20 February) and years back or ahead cost nothing more than a lookup.
    assert index.offset(date(2026, 2, 23), date(2026, 2, 13)) == 1
    assert index.offset(date(2026, 11, 20), date(2019, 1, 2)) > 1800
    assert index.offset(date(2031, 1, 2), date(2026, 11, 20)) == calendar.working_days_between(
        date(2026, 11, 20), date(2031, 1, 2)
    )
    assert index.offset(due, date(2026, 11, 23)) == 1  # still right after growing both ways


def test_default_rules_fall_on_the_expected_working_days(calendar: WorkCalendar) -> None:
    rules = ReminderRules()
    index = WorkdayIndex(calendar, date(2026, 11, 20))
    due = date(2026, 11, 25)
    days = {}
    day = date(2026, 11, 16)
    while day <= date(2026, 12, 1):
        found = reminders_due(due, day, rules, index)
        days[day] = [(o.rule, o.day) for o in found]
        day += timedelta(days=1)
    assert days[date(2026, 11, 18)] == []
    assert days[date(2026, 11, 19)] == [("before3", date(2026, 11, 19))]
    # The latest reminder up to a day is the one to send (a repeat is caught by its record).
    assert days[date(2026, 11, 20)] == [("before3", date(2026, 11, 19))]
    assert days[date(2026, 11, 23)] == [("before1", date(2026, 11, 23))]
    assert days[date(2026, 11, 24)] == [("before1", date(2026, 11, 23))]  # holiday
    assert days[date(2026, 11, 25)] == [("due", date(2026, 11, 25))]
    assert days[date(2026, 11, 26)] == [("overdue", date(2026, 11, 26))]
    assert days[date(2026, 11, 27)] == [
        ("overdue", date(2026, 11, 27)),
        ("escalate", date(2026, 11, 27)),
    ]
    assert days[date(2026, 11, 29)] == [  # Sunday: Friday's, already recorded
        ("overdue", date(2026, 11, 27)),
        ("escalate", date(2026, 11, 27)),
    ]
    assert next_reminder_day(due, date(2026, 11, 16), rules, index) == date(2026, 11, 19)
    assert next_reminder_day(due, date(2026, 11, 19), rules, index) == date(2026, 11, 23)
    assert next_reminder_day(due, date(2026, 11, 23), rules, index) == date(2026, 11, 25)
    assert next_reminder_day(due, date(2026, 11, 27), rules, index) == date(2026, 11, 30)


def test_a_due_date_on_a_day_off_is_reminded_on_the_last_working_day(
    calendar: WorkCalendar,
) -> None:
    rules = ReminderRules(days_before=(1,), escalate_after=0)
    index = WorkdayIndex(calendar, date(2026, 11, 20))
    saturday = date(2026, 11, 28)
    assert [o.rule for o in reminders_due(saturday, date(2026, 11, 26), rules, index)] == [
        "before1"
    ]
    assert [(o.rule, o.day) for o in reminders_due(saturday, date(2026, 11, 27), rules, index)] == [
        ("due", date(2026, 11, 27))
    ]
    assert [o.rule for o in reminders_due(saturday, date(2026, 11, 30), rules, index)] == [
        "overdue"
    ]
    assert deadline_phrase(saturday, date(2026, 11, 27), index) == t.DUE_ON_DAY_OFF
    assert deadline_phrase(saturday, date(2026, 11, 29), index) == t.OVERDUE
    assert deadline_phrase(saturday, date(2026, 11, 30), index) == "quá hạn 1 ngày làm việc"


def test_configured_rules_and_no_escalation(calendar: WorkCalendar) -> None:
    rules = ReminderRules(days_before=(5,), escalate_after=0)
    index = WorkdayIndex(calendar, date(2026, 11, 20))
    due = date(2026, 11, 27)
    assert next_reminder_day(due, date(2026, 11, 10), rules, index) == date(2026, 11, 19)
    assert next_reminder_day(due, date(2026, 11, 19), rules, index) == due
    late = reminders_due(due, date(2026, 12, 31), rules, index)
    assert [o.rule for o in late] == ["overdue"]


def test_quiet_hours_and_send_time() -> None:
    rules = ReminderRules()
    assert rules.is_quiet(time(21, 0)) and rules.is_quiet(time(3, 0))
    assert rules.is_quiet(time(6, 59)) and not rules.is_quiet(time(7, 0))
    assert not rules.is_quiet(time(20, 59))
    assert rules.send_time == time(7, 30)
    assert ReminderRules(digest_time=time(5, 0)).send_time == time(7, 0)
    day = ReminderRules(quiet_start=time(12, 0), quiet_end=time(13, 0))
    assert day.is_quiet(time(12, 30)) and not day.is_quiet(time(13, 0))
    assert not ReminderRules(quiet_start=time(0, 0), quiet_end=time(0, 0)).is_quiet(time(3, 0))
    local = datetime(2026, 11, 25, 7, 29)
    assert not rules.may_send(local)
    assert rules.may_send(local + timedelta(minutes=1))
    assert not rules.may_send(datetime(2026, 11, 25, 21, 0))


def test_reminder_settings_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("TDKT_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("TDKT_REMINDER_DAYS_BEFORE", " 1, 5 ,3,3")
    monkeypatch.setenv("TDKT_ESCALATE_AFTER_DAYS", "4")
    monkeypatch.setenv("TDKT_QUIET_START", "22:00")
    monkeypatch.setenv("TDKT_QUIET_END", "06:30")
    settings = load_settings(_env_file=None)
    rules = ReminderRules.from_settings(settings)
    assert rules.days_before == (5, 3, 1)
    assert rules.escalate_after == 4
    assert (rules.quiet_start, rules.quiet_end) == (time(22, 0), time(6, 30))
    monkeypatch.setenv("TDKT_REMINDER_DAYS_BEFORE", "3,ba")
    with pytest.raises(SettingsError, match=r"^TDKT_REMINDER_DAYS_BEFORE: expected working"):
        load_settings(_env_file=None)
    monkeypatch.setenv("TDKT_REMINDER_DAYS_BEFORE", "")
    assert load_settings(_env_file=None).reminder_days_before == ()
    monkeypatch.setenv("TDKT_ESCALATE_AFTER_DAYS", "-1")
    with pytest.raises(SettingsError, match=r"^TDKT_ESCALATE_AFTER_DAYS: "):
        load_settings(_env_file=None)
    monkeypatch.setenv("TDKT_ESCALATE_AFTER_DAYS", "2")
    monkeypatch.setenv("TDKT_QUIET_END", "7h")
    with pytest.raises(SettingsError, match=r"^TDKT_QUIET_END: "):
        load_settings(_env_file=None)


# --- the import's officer column -----------------------------------------------------------------


async def test_import_assigns_by_name_or_id_and_keeps_assignments_on_empty_cells(
    services: Services,
) -> None:
    lan = await register(services, "101", "Nguyễn Thị Lan")
    minh = await register(services, "202", "Trần Văn Minh")
    csv = (
        "Mã hồ sơ,Hình thức khen thưởng,Đối tượng,Ngày tiếp nhận,Hạn xử lý,officer\n"
        f"{code(1)},BKCT,Người 1,01/10/2026,20/11/2026,NGUYEN THI LAN\n"
        f"{code(2)},BKCT,Người 2,01/10/2026,20/11/2026,{minh.id}\n"
        f"{code(3)},BKCT,Người 3,01/10/2026,20/11/2026,\n"
    ).encode()
    parsed = parse_csv(csv, services.catalog, services.calendar)
    assert parsed.ok, parsed.errors
    assert [row.officer for row in parsed.rows] == ["NGUYEN THI LAN", str(minh.id), None]
    await services.dossiers.upsert_many(parsed.rows, actor="import", now=services.now())
    assert [await services.reminders.officer_of(code(n)) for n in (1, 2, 3)] == [
        lan.id,
        minh.id,
        None,
    ]
    # Re-imported with the first cell empty and the second naming Lan: the first keeps its
    # officer, the second moves, and both assignments are in the log.
    again = [
        item(1, date(2026, 11, 20), nominee="Người 1"),
        item(2, date(2026, 11, 20), nominee="Người 2", officer="Nguyễn Thị Lan"),
    ]
    await add_dossiers(services, *again)
    assert await services.reminders.officer_of(code(1)) == lan.id
    assert await services.reminders.officer_of(code(2)) == lan.id
    second = await services.dossiers.get_by_code(code(2))
    assert second is not None
    assert await services.reminders.assignments(second.id) == [
        (None, minh.id, "import"),
        (minh.id, lan.id, "import"),
    ]


async def test_import_with_an_unknown_officer_writes_nothing(
    services: Services, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    await register(services, "101", "Nguyễn Thị Lan")
    await register(services, "102", "Nguyễn Thị Lan")  # two officers of the same name
    rows = [item(1, date(2026, 11, 20), officer="Lê Văn Không"), item(2, date(2026, 11, 20))]
    with pytest.raises(UnknownOfficerError) as raised:
        await add_dossiers(services, *rows)
    assert raised.value.problems == [(code(1), "Lê Văn Không", 0)]
    assert await services.dossiers.count() == 0
    with pytest.raises(UnknownOfficerError) as raised:
        await add_dossiers(services, item(3, date(2026, 11, 20), officer="nguyen thi lan"))
    assert raised.value.problems == [(code(3), "nguyen thi lan", 2)]
    assert await services.dossiers.count() == 0
    # The command line says which rows and that nothing was written.
    from bot.cli import EXIT_FAILED, import_file

    path = tmp_path / "export.csv"
    path.write_text(
        f"code,award_kind,nominee,received_on,officer\n{code(4)},BKCT,Người 4,2026-10-01,Ai Đó\n",
        encoding="utf-8",
    )
    assert await import_file(services.settings, path) == EXIT_FAILED
    err = capsys.readouterr().err
    assert t.IMPORT_OFFICER_UNKNOWN.format(code=code(4), officer="Ai Đó") in err
    assert "không ghi gì vào cơ sở dữ liệu" in err
    assert await services.dossiers.count() == 0


# --- /viec, /quahan -----------------------------------------------------------------------------


@pytest.fixture
async def team(services: Services) -> dict[str, StaffMember]:
    return {
        "lan": await register(services, "lan", "Nguyễn Thị Lan"),
        "minh": await register(services, "minh", "Trần Văn Minh", channel="zalo"),
        "huy": await register(services, "huy", "Phạm Huy", role="leader"),
    }


def driver(core: BotCore, user: str, channel: str = "console") -> ChatDriver:
    return ChatDriver(core, channel, user)


async def test_citizens_are_refused_every_officer_command(
    chat: ChatDriver, services: Services, team: dict[str, StaffMember]
) -> None:
    await add_dossiers(services, item(1, date(2026, 11, 20)))
    for command in ("/viec", "/quahan", "/nhacnho tat", f"/giao {code(1)}", "/giao"):
        assert await chat.say(command) == ts.REFUSED, command
    assert await chat.say(payload="wl:v:2") == ts.REFUSED
    assert await chat.say(payload="gv:deadbeef:1") == ts.REFUSED
    assert await outbox(services) == []


async def test_viec_pages_an_officers_dossiers_and_the_unassigned_by_due_date(
    core: BotCore, services: Services, team: dict[str, StaffMember]
) -> None:
    lan = "Nguyễn Thị Lan"
    mine = [
        item(seq, date(2026, 11, 12) + timedelta(days=seq), officer=lan) for seq in range(1, 12)
    ]
    await add_dossiers(
        services,
        *mine,
        item(12, date(2026, 11, 13), officer="Trần Văn Minh"),  # Minh's: not in Lan's list
        item(13, date(2026, 11, 14), Status.received),  # unassigned: in everyone's list
        item(14, date(2026, 11, 30), officer=lan),
        item(15, date(2026, 11, 11), Status.passed, officer=lan),  # resolved: never listed
    )
    waiting = await services.dossiers.get_by_code(code(14))
    assert waiting is not None
    await change_status(services, waiting, Status.needs_supplement, "Thiếu", "test")
    officer = driver(core, "lan")
    first = await officer.send("/viec")
    text = first[0].text
    assert text.splitlines()[0] == t.VIEC_HEADER_MINE.format(count=12)
    codes = [line.split(" — ")[0].split(". ", 1)[1] for line in text.splitlines()[1:11]]
    # By due date, then in the order they came: 13 (unassigned) is due on the same day as 2.
    assert codes == [code(1), code(2), code(13), *(code(seq) for seq in range(3, 10))]
    assert code(12) not in text and code(15) not in text
    unassigned = f"{code(13)} — Người đề nghị 13 — hạn 14/11/2026 (quá hạn 7 ngày làm việc)"
    assert f"3. {unassigned} — chưa giao" in text
    assert t.LIST_PAGE.format(page=1, pages=2) in text
    assert t.LIST_SUPPLEMENT.format(count=1) in text
    # One button per line opening the dossier, in the lines' order, then the page turn.
    payloads = [choice.payload for choice in first[0].choices]
    assert payloads[:10] == [f"ho:{c}" for c in codes]
    assert payloads[10:] == ["wl:v:2", "wb:v:1"]
    # On the console the buttons are numbered lines: "11" turns the page, whose lines are
    # numbered from 1 again so that a typed number is the line's.
    second = await officer.send("11")
    assert [line.split(" — ")[0] for line in second[0].text.splitlines()[1:3]] == [
        f"1. {code(10)}",
        f"2. {code(11)}",
    ]
    assert choice_payloads(second)[t.PREVIOUS_PAGE] == "wl:v:1"
    # "1" now opens the first line's dossier.
    assert code(10) in (await officer.send("1"))[0].text.splitlines()[0]
    # A page that no longer exists, and payloads that never did.
    assert await officer.say(payload="wl:v:7") == t.PAGE_GONE
    for payload in ("wl:x:1", "wl:v:0", "wl:v:abc", "wl:"):
        assert await officer.say(payload=payload) == tc.STALE_BUTTON


async def test_quahan_officers_see_theirs_leaders_see_all(
    core: BotCore, services: Services, team: dict[str, StaffMember]
) -> None:
    # Today is Wednesday 25 November 2026 (the clock fixture); the holiday was yesterday.
    await add_dossiers(
        services,
        item(1, date(2026, 11, 23), officer="Nguyễn Thị Lan"),
        item(2, date(2026, 11, 20), officer="Trần Văn Minh"),
        item(3, date(2026, 11, 24), Status.received),
        item(4, date(2026, 11, 25), officer="Nguyễn Thị Lan"),  # due today: not overdue
    )
    officer = await driver(core, "lan").say("/quahan")
    assert officer.splitlines() == [
        t.QUAHAN_HEADER_MINE.format(count=2),
        f"1. {code(1)} — Người đề nghị 1 — hạn 23/11/2026 (quá hạn 1 ngày làm việc)",
        f"2. {code(3)} — Người đề nghị 3 — hạn 24/11/2026 (quá hạn 1 ngày làm việc) — chưa giao",
    ]
    leader = await driver(core, "huy").say("/quahan")
    assert leader.splitlines() == [
        t.QUAHAN_HEADER_ALL.format(count=3),
        f"1. {code(2)} — Người đề nghị 2 — hạn 20/11/2026 (quá hạn 2 ngày làm việc)"
        " — Trần Văn Minh",
        f"2. {code(1)} — Người đề nghị 1 — hạn 23/11/2026 (quá hạn 1 ngày làm việc)"
        " — Nguyễn Thị Lan",
        f"3. {code(3)} — Người đề nghị 3 — hạn 24/11/2026 (quá hạn 1 ngày làm việc) — chưa giao",
    ]
    whole = await driver(core, "huy").say("/viec")
    assert whole.startswith(t.VIEC_HEADER_ALL.format(count=4))
    assert f"{code(4)} — Người đề nghị 4 — hạn 25/11/2026 (đến hạn hôm nay)" in whole
    minh = await driver(core, "minh", "zalo").say("/quahan")
    assert code(1) not in minh and code(2) in minh and code(3) in minh
    await add_dossiers(services, item(1, date(2026, 11, 23), Status.passed))
    await add_dossiers(services, item(3, date(2026, 11, 24), Status.rejected))
    assert await driver(core, "lan").say("/quahan") == t.QUAHAN_EMPTY


# --- /nhacnho -------------------------------------------------------------------------------------


async def test_nhacnho_turns_reminders_off_and_on(
    core: BotCore, services: Services, clock: MovableClock, team: dict[str, StaffMember]
) -> None:
    lan = driver(core, "lan")
    assert await lan.say("/nhacnho") == "\n".join(
        [t.REMINDERS_STATE_ON.format(time="07:30"), t.REMINDERS_USAGE]
    )
    assert await lan.say("/nhacnho tắt") == t.REMINDERS_OFF
    assert await lan.say("/nhacnho") == "\n".join([t.REMINDERS_STATE_OFF, t.REMINDERS_USAGE])
    assert await lan.say("/nhacnho mai") == t.REMINDERS_USAGE
    member = await services.staff.get(team["lan"].id)
    assert member is not None and not member.reminders_enabled
    await add_dossiers(services, item(1, date(2026, 11, 20), officer="Nguyễn Thị Lan"))
    await tick(services)  # Wednesday 09:00: 2 working days overdue, but Lan wants nothing
    assert [m.dedupe_key.split(":")[0] for m in await outbox(services) if m.chat_id == "huy"] == [
        "digest",
        "remind",  # the escalation: the leader still hears of it
    ]
    assert [m for m in await outbox(services) if m.chat_id == "lan"] == []
    assert await lan.say("/nhacnho BAT") == t.REMINDERS_ON.format(time="07:30")
    clock.advance(days=1)
    await tick(services)
    assert {m.chat_id for m in await outbox(services)} == {"huy", "lan"}


async def test_nhacnho_for_an_admin_who_is_not_registered_staff(services: Services) -> None:
    from handlers import build_router
    from handlers.services import build_services

    admin_settings = services.settings.model_copy(update={"admins": ["console:adm"]})
    admin_services = build_services(admin_settings, services.db, clock=services.clock)
    admin_core = BotCore(build_router(), admin_services)
    assert await driver(admin_core, "adm").say("/nhacnho tat") == t.REMINDERS_NOT_STAFF
    # Admins see the whole board like leaders.
    assert await driver(admin_core, "adm").say("/viec") == t.VIEC_EMPTY


# --- /giao ----------------------------------------------------------------------------------------


async def test_giao_assigns_reassigns_and_tells_the_officers(
    core: BotCore, services: Services, team: dict[str, StaffMember]
) -> None:
    await add_dossiers(services, item(1, date(2026, 11, 27), Status.received))
    dossier = await services.dossiers.get_by_code(code(1))
    assert dossier is not None
    leader = driver(core, "huy")
    assert await leader.say("/giao") == t.ASSIGN_ASK_CODE.format(example=EXAMPLE_CODE)
    assert await leader.say("xin chào") == tl.BAD_FORMAT.format(
        text="xin chào", example=EXAMPLE_CODE
    )
    assert await leader.say("000.00.21.H01-261001-0099") == t.ASSIGN_NOT_FOUND.format(
        code="000.00.21.H01-261001-0099"
    )
    menu = await leader.send(code(1).lower())
    assert menu[0].text == t.ASSIGN_CHOOSE.format(
        code=code(1), nominee="Người đề nghị 1", current=t.UNASSIGNED
    )
    options = choice_payloads(menu)
    assert list(options) == ["Nguyễn Thị Lan", "Trần Văn Minh", t.ASSIGN_CANCEL]
    # On the console the leader answers with the number of the officer.
    assert await leader.say("1") == t.ASSIGN_DONE.format(code=code(1), name="Nguyễn Thị Lan")
    assert await services.reminders.officer_of(code(1)) == team["lan"].id
    [notice] = await outbox(services)
    assert (notice.channel, notice.chat_id) == ("console", "lan")
    assert notice.payload["text"].startswith(f"📌 Bạn được giao hồ sơ {code(1)}")
    assert "Người giao: Phạm Huy" in notice.payload["text"]
    assert "Hạn xử lý: 27/11/2026 — còn 2 ngày làm việc" in notice.payload["text"]
    # The old menu's buttons are stale once a new menu is shown.
    menu = await leader.send(f"/giao {code(1)}")
    assert await leader.say(payload=options["Trần Văn Minh"]) == tc.STALE_BUTTON
    options = choice_payloads(menu)
    assert list(options) == [
        t.ASSIGN_CURRENT_MARK.format(name="Nguyễn Thị Lan"),
        "Trần Văn Minh",
        t.ASSIGN_UNASSIGN,
        t.ASSIGN_CANCEL,
    ]
    assert await leader.say(payload=options["Trần Văn Minh"]) == t.ASSIGN_DONE.format(
        code=code(1), name="Trần Văn Minh"
    )
    to_minh, to_lan = (await outbox(services))[1:]
    assert (to_minh.channel, to_minh.chat_id) == ("zalo", "minh")
    assert (to_lan.channel, to_lan.chat_id) == ("console", "lan")
    assert "Trần Văn Minh" in to_lan.payload["text"]
    # Unassign; then the same officer twice; then cancel.
    options = choice_payloads(await leader.send(f"/giao {code(1)}"))
    assert await leader.say(payload=options[t.ASSIGN_UNASSIGN]) == t.ASSIGN_REMOVED.format(
        code=code(1)
    )
    assert await services.reminders.officer_of(code(1)) is None
    assert (await outbox(services))[-1].chat_id == "minh"
    options = choice_payloads(await leader.send(f"/giao {code(1)}"))
    assert t.ASSIGN_UNASSIGN not in options
    assert await leader.say(payload=options[t.ASSIGN_CANCEL]) == t.ASSIGN_CANCELLED
    assert await leader.say(payload=options["Trần Văn Minh"]) == tc.STALE_BUTTON
    assert await services.reminders.assignments(dossier.id) == [
        (None, team["lan"].id, "console:huy"),
        (team["lan"].id, team["minh"].id, "console:huy"),
        (team["minh"].id, None, "console:huy"),
    ]
    assert len(await outbox(services)) == 4


async def test_giao_refuses_officers_finished_dossiers_and_handles_races(
    core: BotCore, services: Services, clock: MovableClock, team: dict[str, StaffMember]
) -> None:
    await add_dossiers(
        services,
        item(1, date(2026, 11, 27), officer="Nguyễn Thị Lan"),
        item(2, date(2026, 11, 20), Status.passed),
    )
    assert await driver(core, "lan").say(f"/giao {code(1)}") == ts.REFUSED_LEADERS
    leader = driver(core, "huy")
    assert await leader.say(f"/giao {code(2)}") == t.ASSIGN_FINISHED.format(
        code=code(2), label=Status.passed.label
    )
    # The same choice again when the officer was revoked after the menu was shown.
    options = choice_payloads(await leader.send(f"/giao {code(1)}"))
    assert await services.staff.revoke(team["minh"].id, services.now())
    replies = await leader.send(payload=options["Trần Văn Minh"])
    assert replies[0].text == t.ASSIGN_OFFICER_GONE
    assert list(choice_payloads(replies)) == [
        t.ASSIGN_CURRENT_MARK.format(name="Nguyễn Thị Lan"),
        t.ASSIGN_UNASSIGN,
        t.ASSIGN_CANCEL,
    ]
    # Another leader changes the officer while this menu is open: nothing is overwritten.
    other = await register(services, "khoa", "Lý Khoa")
    options = choice_payloads(await leader.send(f"/giao {code(1)}"))
    await services.reminders.assign(
        dossier_id=(await services.dossiers.get_by_code(code(1))).id,  # type: ignore[union-attr]
        expected_officer_id=team["lan"].id,
        officer_id=other.id,
        actor="console:other",
        now=services.now(),
        notices=lambda _id: [],
    )
    assert await leader.say(payload=options[t.ASSIGN_UNASSIGN]) == t.ASSIGN_CONFLICT.format(
        code=code(1)
    )
    assert await services.reminders.officer_of(code(1)) == other.id
    # Resolved while the menu was open.
    options = choice_payloads(await leader.send(f"/giao {code(1)}"))
    dossier = await services.dossiers.get_by_code(code(1))
    assert dossier is not None
    await change_status(services, dossier, Status.rejected, "Không đủ tiêu chuẩn", "t")
    assert await leader.say(payload=options[t.ASSIGN_UNASSIGN]) == t.ASSIGN_FINISHED.format(
        code=code(1), label=Status.rejected.label
    )
    assert await outbox(services) == []


async def test_giao_with_no_officers_yet(core: BotCore, services: Services) -> None:
    await register(services, "huy", "Phạm Huy", role="leader")
    await add_dossiers(services, item(1, date(2026, 11, 27)))
    assert await driver(core, "huy").say(f"/giao {code(1)}") == t.ASSIGN_NO_OFFICERS


# --- digest content -------------------------------------------------------------------------------


def work(seq: int, due_on: date, status: Status = Status.in_review, **extra: object) -> WorkItem:
    values: dict[str, object] = {
        "id": seq,
        "code": code(seq),
        "nominee": f"Người {seq}",
        "award_kind": "BKCT",
        "status": status,
        "due_on": due_on,
        "supplement_since": None,
        "officer_id": 1,
        "officer_name": "Nguyễn Thị Lan",
    }
    values.update(extra)
    return WorkItem(**values)  # type: ignore[arg-type]


def test_officer_digest_sections_and_overflow(calendar: WorkCalendar) -> None:
    rules = ReminderRules()
    index = WorkdayIndex(calendar, date(2026, 11, 20))
    window = DigestWindow.build(date(2026, 11, 20), rules, index)  # Friday
    # Due on Saturday or Sunday counts as today; "soon" (3 working days) runs to Thursday 26,
    # as Tuesday 24 is a holiday.
    assert (window.today_until, window.soon_until) == (date(2026, 11, 22), date(2026, 11, 26))
    member = StaffMember(1, "telegram", "1", "1", "Nguyễn Thị Lan", "officer", True, True)
    assert officer_digest(member, [], window, rules, index) is None
    items = [
        work(1, date(2026, 11, 20)),
        work(2, date(2026, 11, 25), officer_id=None, officer_name=None),
        *(work(seq, date(2026, 11, 10)) for seq in range(3, 15)),
        work(15, date(2026, 12, 1), Status.needs_supplement, supplement_since=date(2026, 11, 16)),
    ]
    digest = officer_digest(member, items, window, rules, index)
    assert digest is not None
    text = digest["text"]
    assert text.splitlines()[0] == "🗓 Công việc ngày 20/11/2026 — Nguyễn Thị Lan"
    assert f"{t.DIGEST_TODAY.format(count=1)}\n• {code(1)} — Người 1 — hạn 20/11/2026" in text
    assert f"• {code(2)} — Người 2 — hạn 25/11/2026 (còn 2 ngày làm việc) — chưa giao" in text
    assert t.DIGEST_OVERDUE.format(count=12) in text
    assert t.DIGEST_MORE.format(count=2) in text
    assert f"• {code(15)} — Người 15 — chờ bổ sung từ 16/11/2026" in text
    assert digest["choices"] == [[t.DIGEST_BUTTON, "wl:v:1"]]


def test_leader_digest_counts_and_most_overdue(calendar: WorkCalendar) -> None:
    rules = ReminderRules()
    index = WorkdayIndex(calendar, date(2026, 11, 25))
    window = DigestWindow.build(date(2026, 11, 25), rules, index)
    assert leader_digest(BoardCounts(0, 0, 0, 0, 0, 0), [], window, rules, index) is None
    counts = BoardCounts(running=7, due_today=1, due_soon=2, overdue=2, supplement=1, unassigned=3)
    top = [work(1, date(2026, 11, 20)), work(2, date(2026, 11, 23), officer_name=None)]
    text = leader_digest(counts, top, window, rules, index)["text"]  # type: ignore[index]
    assert "• Đang xử lý: 7\n• Đến hạn hôm nay: 1\n• Sắp đến hạn trong 3 ngày làm việc: 2" in text
    assert (
        "• Quá hạn: 2\n• Chờ bổ sung: 1\n"
        "• Chưa giao chuyên viên (trong số hồ sơ đang xử lý và chờ bổ sung): 3"
    ) in text
    assert f"1. {code(1)} — Người 1 — quá hạn 2 ngày làm việc — Nguyễn Thị Lan" in text
    assert f"2. {code(2)} — Người 2 — quá hạn 1 ngày làm việc — chưa giao" in text
    quiet = leader_digest(BoardCounts(1, 0, 1, 0, 0, 0), [], window, rules, index)
    assert quiet is not None and t.BOARD_NO_OVERDUE in quiet["text"]
