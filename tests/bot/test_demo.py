"""The demo's dates fit its codes and working days; /vai shows each role (issue 22.5, 22.7)."""

from __future__ import annotations

import io
from datetime import date, timedelta

from bot.console_channel import CHAT_ID, run_console
from bot.demo import CODE_DAY, DEMO, DEMO_STAFF, demo_identities, demo_inputs, ensure_demo_data
from domain.codes import received_on_from_code
from domain.statuses import FINISHED, Status
from handlers.router import BotCore
from handlers.services import Services
from handlers.texts import newuser as tn
from tests.conftest import MovableClock


async def test_demo_dates_fit_codes_and_working_days(
    services: Services, clock: MovableClock
) -> None:
    clock.set_local("2026-12-07 17:39")
    dossiers = await ensure_demo_data(services)
    assert len(dossiers) == len(DEMO)
    today = services.today()
    for dossier in dossiers:
        assert received_on_from_code(dossier.code) == dossier.received_on == CODE_DAY
        if dossier.resolved_on is not None:
            assert services.calendar.is_working_day(dossier.resolved_on), dossier.code
            assert CODE_DAY < dossier.resolved_on <= today
        history = await services.dossiers.history(dossier.id, limit=10)
        # Oldest first: the receipt on the code's day at the desk, each later step on a
        # working day; never the moment the demo database was made.
        stamps = sorted(entry.changed_at for entry in history)
        local = [stamp.astimezone(services.tz) for stamp in stamps]
        assert local[0].date() == CODE_DAY and local[0].hour == 8
        assert all(services.calendar.is_working_day(moment.date()) for moment in local)
        assert all(moment < services.now() for moment in stamps)
        assert history[0].to_status is dossier.status  # newest first
        assert len(history) == len(DEMO[int(dossier.code[-4:]) - 1].steps) + 1
    returned = next(d for d in dossiers if d.status is Status.returned)
    assert returned.resolved_on is not None and returned.resolved_on.weekday() < 5


def test_demo_steps_never_land_after_today(services: Services) -> None:
    early = CODE_DAY + timedelta(days=3)  # Monday 23/11: most steps would be later
    for item in demo_inputs(early, services):
        assert item.received_on == CODE_DAY
        assert item.resolved_on is None or CODE_DAY <= item.resolved_on <= early


async def test_demo_staff_own_the_running_dossiers(services: Services) -> None:
    dossiers = await ensure_demo_data(services, CHAT_ID)
    officer = await services.staff.by_user("console", "canbo")
    leader = await services.staff.by_user("console", "lanhdao")
    assert officer is not None and officer.role == "officer" and officer.chat_id == CHAT_ID
    assert leader is not None and leader.role == "leader"
    assert officer.name == DEMO_STAFF["canbo"][1]
    for dossier in dossiers:
        found = await services.reminders.assignable([dossier.code])
        assert found is not None
        expected = None if dossier.status in FINISHED else officer.id
        assert found.officer_id == expected, dossier.code
    await ensure_demo_data(services, CHAT_ID)  # a second start adds nobody
    assert len(await services.staff.active()) == 2


async def test_vai_switches_the_consoles_identity(services: Services, core: BotCore) -> None:
    core.services.settings = services.settings.model_copy(update={"admins": [f"console:{CHAT_ID}"]})
    await ensure_demo_data(services, CHAT_ID)
    lines = [
        "/canbo",  # the admin: staff list
        "/vai canbo",
        "/viec",
        "/vai Lãnh đạo",
        "/giao 000.00.21.H01-261120-0001",
        "/vai congdan",
        "/viec",
        "/vai khach",
    ]
    stdout = io.StringIO()
    await run_console(
        core,
        stdin=io.StringIO("\n".join(lines) + "\n"),
        stdout=stdout,
        identities=demo_identities(CHAT_ID),
    )
    out = stdout.getvalue()
    officer = tn.ROLE_NAMES["canbo"].format(name="Trần Thị Hoa")
    assert tn.ROLE_SWITCHED.format(who=officer, tips=tn.ROLE_TIPS["canbo"]) in out
    assert "Việc của bạn:" in out
    leader = tn.ROLE_NAMES["lanhdao"].format(name="Nguyễn Văn Bình")
    assert tn.ROLE_SWITCHED.format(who=leader, tips=tn.ROLE_TIPS["lanhdao"]) in out
    assert "Chọn chuyên viên phụ trách" in out and "Trần Thị Hoa (đang phụ trách)" in out
    citizen_part = out.split("> /vai congdan", 1)[1]
    assert "chỉ dành cho cán bộ" in citizen_part  # /viec refused to a citizen
    assert tn.ROLE_UNKNOWN.format(role="khach", hint=tn.ROLE_HINT) in out


async def test_vai_is_only_a_command_on_the_demo(core: BotCore) -> None:
    stdout = io.StringIO()
    await run_console(core, stdin=io.StringIO("/vai canbo\n"), stdout=stdout)
    assert "/vai" in stdout.getvalue() and tn.ROLE_SWITCHED[:20] not in stdout.getvalue()


def test_code_day_is_a_working_friday(services: Services) -> None:
    assert CODE_DAY == date(2026, 11, 20) and CODE_DAY.weekday() == 4
    assert services.calendar.is_working_day(CODE_DAY)


async def test_the_readme_roles_example_runs_as_printed(
    services: Services, core: BotCore, clock: MovableClock
) -> None:
    import re

    from config.settings import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.search(r"^printf '(/vai [^']*)' \| make run$", readme, flags=re.MULTILINE)
    assert found, "README.md lost its /vai example"
    example = found.group(1).encode().decode("unicode_escape").encode("latin-1").decode()
    clock.set_local("2026-12-07 10:00")
    await ensure_demo_data(services, CHAT_ID)
    stdout = io.StringIO()
    await run_console(
        core, stdin=io.StringIO(example), stdout=stdout, identities=demo_identities(CHAT_ID)
    )
    out = stdout.getvalue()
    assert "Việc của bạn:" in out
    assert "Chọn chuyên viên phụ trách" in out
    assert "📄 Hồ sơ 000.00.21.H01-261120-0005" in out
    assert "Tôi chưa hiểu" not in out and "chỉ dành cho" not in out
