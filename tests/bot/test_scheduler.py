"""The reminder tick over a simulated fortnight: exactly the expected reminders and digests, to
the day, across restarts and downtime, never in quiet hours, escalating to leaders."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import asynccontextmanager
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.outbox import OutboxDispatcher
from bot.scheduler import install, run_scheduler, tick
from config.settings import Settings
from db.connection import open_database
from db.models import OutboxMessage
from db.reminders import ReminderCandidate, SweepPlan
from domain.statuses import Status
from handlers.actions.dossier_status import change_status
from handlers.reminders import ReminderRules, WorkdayIndex, make_planner
from handlers.services import Services, build_services
from tests.conftest import MovableClock
from tests.handlers.test_reminders import add_dossiers, code, item, outbox, register

# The fortnight Mon 16 – Sun 29 November 2026: Tuesday 24 is Vietnam Cultural Day (a public
# holiday with TDKT_CULTURE_DAY=on, as the `settings` fixture below sets), so the working days
# are 16–20, 23 and 25–27.
START = "2026-11-16 06:00"
END = "2026-11-30 06:00"
NAMES = {"Lan": "Nguyễn Thị Lan", "Minh": "Trần Văn Minh", "Hoa": "Lê Thị Hoa", "Huy": "Phạm Huy"}


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """The fortnight was drawn with 24/11 as a day off: TDKT_CULTURE_DAY=on (issue 12)."""
    database = tmp_path / "tdkt.sqlite3"
    return Settings(_env_file=None, database=database, culture_day=True)  # type: ignore[call-arg]


def digest_lines(days: Iterable[int], *people: str) -> list[str]:
    """`day 07:30 person digest` for each of `people` on each of `days`."""
    return [f"{day} 07:30 {person} digest" for day in days for person in people]


#: Every message of the fortnight: "day HH:MM person what", where what is the digest or
#: dossier:rule:day of the reminder. All go at 07:30 (digest time) on their own day: each
#: working day's digest to Lan, Minh (from Tuesday 17, when B is due soon) and Huy, and these
#: reminders.
EXPECTED = "\n".join(
    [
        *digest_lines([16], "Lan", "Huy"),
        *digest_lines([17, 18, 19, 20, 23, 25, 26, 27], "Lan", "Minh", "Huy"),
        """
17 07:30 Lan B:before3:17
17 07:30 Minh B:before3:17
18 07:30 Huy C:escalate:18
19 07:30 Lan A:before3:19
19 07:30 Lan B:before1:19
19 07:30 Minh B:before1:19
20 07:30 Lan B:due:20
20 07:30 Minh B:due:20
20 07:30 Minh F:before3:20
23 07:30 Lan A:before1:23
23 07:30 Lan B:overdue:23
23 07:30 Minh B:overdue:23
25 07:30 Lan A:due:25
25 07:30 Lan B:overdue:25
25 07:30 Minh B:overdue:25
25 07:30 Huy B:escalate:25
26 07:30 Lan A:overdue:26
26 07:30 Lan B:overdue:26
26 07:30 Minh B:overdue:26
27 07:30 Lan A:overdue:27
27 07:30 Lan B:overdue:27
27 07:30 Minh B:overdue:27
27 07:30 Huy A:escalate:27
""",
    ]
)


class Scenario:
    """The fortnight's staff and dossiers, and what happens during it.

    A (Lan's) is due Wed 25; B (unassigned, so every officer is reminded) Fri 20; C is Hoa's,
    who turned reminders off, due Mon 16; D waits for supplements; E was withdrawn; F (Minh's)
    is due Thu 26 but resolved on Mon 23 at 10:00; G is due in December.
    """

    def __init__(self, clock: MovableClock) -> None:
        self.clock = clock
        self.dossier_ids: dict[str, int] = {}
        self.people: dict[tuple[str, str], str] = {}

    async def seed(self, services: Services) -> None:
        members = [
            await register(services, "101", NAMES["Lan"], channel="telegram"),
            await register(services, "202", NAMES["Minh"], channel="zalo"),
            await register(services, "303", NAMES["Hoa"]),
            await register(services, "901", NAMES["Huy"], role="leader", channel="telegram"),
        ]
        await services.staff.set_reminders(members[2].id, False)
        short = {full: name for name, full in NAMES.items()}
        self.people = {(m.channel, m.chat_id): short[m.name] for m in members}
        due = {
            "A": date(2026, 11, 25),
            "B": date(2026, 11, 20),
            "C": date(2026, 11, 16),
            "D": date(2026, 11, 18),
            "E": date(2026, 11, 19),
            "F": date(2026, 11, 26),
            "G": date(2026, 12, 15),
        }
        officer = {"A": "nguyen thi lan", "C": "Lê Thị Hoa", "D": str(members[0].id)}
        officer |= {"E": NAMES["Lan"], "F": NAMES["Minh"], "G": NAMES["Minh"]}
        statuses = {"B": Status.received, "E": Status.withdrawn}
        await add_dossiers(
            services,
            *(
                item(
                    seq,
                    due[letter],
                    statuses.get(letter, Status.in_review),
                    officer=officer.get(letter),
                )
                for seq, letter in enumerate("ABCDEFG", start=1)
            ),
        )
        for seq, letter in enumerate("ABCDEFG", start=1):
            found = await services.dossiers.get_by_code(code(seq))
            assert found is not None
            self.dossier_ids[letter] = found.id
        supplement = await services.dossiers.get_by_code(code(4))
        assert supplement is not None
        await change_status(services, supplement, Status.needs_supplement, "Thiếu", "test")

    async def event(self, services: Services) -> None:
        """What officers do during the fortnight (called before each tick)."""
        if services.local_now().strftime("%Y-%m-%d %H:%M") == "2026-11-23 10:00":
            resolved = await services.dossiers.get_by_code(code(6))
            assert resolved is not None and resolved.status is Status.in_review
            await change_status(services, resolved, Status.passed, None, "test")

    def describe(self, message: OutboxMessage, services: Services) -> str:
        """`17 07:30 Minh B:before3:17` for a row of the outbox."""
        created = message.next_attempt_at.astimezone(services.tz)
        who = self.people[(message.channel, message.chat_id)]
        kind, *parts = message.dedupe_key.split(":")
        if kind == "digest":
            what = "digest"
        else:
            assert kind == "remind", message.dedupe_key
            letter = {v: k for k, v in self.dossier_ids.items()}[int(parts[0])]
            what = f"{letter}:{parts[1]}:{parts[2][-2:]}"
        return f"{created:%d %H:%M} {who} {what}"


def expected(text: str = EXPECTED) -> list[str]:
    return sorted(line.strip() for line in text.splitlines() if line.strip())


async def run_ticks(
    services: Services,
    clock: MovableClock,
    until: str,
    *,
    every: timedelta = timedelta(minutes=30),
    before_tick: Callable[[Services], Awaitable[None]] | None = None,
) -> int:
    """Tick every `every` of simulated time until the local time `until` (excluded)."""
    end = local(until)
    enqueued = 0
    while clock.current < end:
        if before_tick is not None:
            await before_tick(services)
        enqueued += await tick(services)
        clock.advance(seconds=every.total_seconds())
    return enqueued


def local(text: str) -> datetime:
    clock = MovableClock(datetime.fromisoformat("2000-01-01T00:00:00+00:00"))
    clock.set_local(text)
    return clock.current


@asynccontextmanager
async def running_bot(settings: Settings, clock: MovableClock) -> AsyncIterator[Services]:
    """The bot's services on the test database file, as one process would open them."""
    assert settings.database is not None
    database = await open_database(settings.database)
    try:
        yield build_services(settings, database, clock=clock)
    finally:
        await database.close()


async def described(services: Services, scenario: Scenario) -> list[str]:
    return sorted(scenario.describe(message, services) for message in await outbox(services))


# --- the fortnight ---------------------------------------------------------------------------


@pytest.fixture
def scenario(clock: MovableClock) -> Scenario:
    """The fortnight, the clock at its start."""
    clock.set_local(START)
    return Scenario(clock)


async def test_fortnight_sends_exactly_the_expected_messages(
    settings: Settings, clock: MovableClock, scenario: Scenario
) -> None:
    async with running_bot(settings, clock) as services:
        await scenario.seed(services)
        total = await run_ticks(services, clock, END[:10] + " 06:00", before_tick=scenario.event)
        assert await described(services, scenario) == expected()
        assert total == len(expected())
        # Nothing is ever enqueued in quiet hours, and a tick at the same moment adds nothing.
        assert await tick(services) == 0
        messages = await outbox(services)
        assert all(7 <= m.next_attempt_at.astimezone(services.tz).hour < 21 for m in messages)
        # Reminders reach people only on the channel and chat they registered from.
        assert {(m.channel, m.chat_id) for m in messages} == {
            ("telegram", "101"),
            ("zalo", "202"),
            ("telegram", "901"),
        }
        # The records: one per (dossier, rule, day), also for Hoa's C, which reached nobody
        # but the leader's escalation; none for D (paused), E (withdrawn), G (not yet).
        recorded = await services.reminders.reminders_recorded(scenario.dossier_ids["C"])
        assert ("escalate", date(2026, 11, 18)) in recorded
        assert ("due", date(2026, 11, 16)) in recorded
        for letter in "DEG":
            assert await services.reminders.reminders_recorded(scenario.dossier_ids[letter]) == []
        assert await services.reminders.reminders_recorded(scenario.dossier_ids["F"]) == [
            ("before3", date(2026, 11, 20))
        ]


async def test_restarts_in_the_middle_leave_no_gap_and_no_duplicate(
    settings: Settings, clock: MovableClock, scenario: Scenario
) -> None:
    # Three processes one after the other, each on a fresh connection to the same file; the
    # second starts on a Friday morning after the digests went, the third on the holiday.
    for until in ("2026-11-20 08:00", "2026-11-24 08:00", END):
        async with running_bot(settings, clock) as services:
            if until.startswith("2026-11-20"):
                await scenario.seed(services)
            await run_ticks(services, clock, until, before_tick=scenario.event)
    async with running_bot(settings, clock) as services:
        assert await described(services, scenario) == expected()


async def test_restart_during_the_morning_sweep_sends_each_reminder_once(
    settings: Settings, clock: MovableClock
) -> None:
    """A process that dies half-way through a sweep: the open batch is rolled back and the
    next process does it again, without repeating the batches that were committed."""
    clock.set_local("2026-11-25 07:30")
    async with running_bot(settings, clock) as services:
        await register(services, "101", NAMES["Lan"], channel="telegram")
        await add_dossiers(
            services, *(item(seq, date(2026, 11, 20), officer=NAMES["Lan"]) for seq in (1, 2, 3))
        )
        seen: list[int] = []

        def dying(candidate: ReminderCandidate) -> SweepPlan:
            seen.append(candidate.id)
            if len(seen) == 2:
                raise RuntimeError("power cut")
            return planner(candidate)

        staff, blocked = await services.reminders.recipients()
        planner = make_planner(
            rules=ReminderRules.from_settings(settings),
            index=WorkdayIndex(services.calendar, services.today()),
            horizon=services.today(),
            today=services.today(),
            staff=staff,
            blocked=blocked,
            award_name=services.catalog.name_of,
        )
        with pytest.raises(RuntimeError):
            await services.reminders.sweep(
                horizon=services.today(), planner=dying, now=services.now(), batch_size=1
            )
        assert [m.dedupe_key.split(":")[1] for m in await outbox(services)] == [str(seen[0])]
    async with running_bot(settings, clock) as services:
        await tick(services)
        await tick(services)
        keys = [m.dedupe_key for m in await outbox(services)]
    reminders = sorted(key for key in keys if key.startswith("remind:"))
    assert len(reminders) == 3
    assert len({key.split(":")[1] for key in reminders}) == 3
    assert all(":overdue:2026-11-25:" in key for key in reminders)


async def test_after_downtime_missed_reminders_go_once_and_only_todays_digest(
    settings: Settings, clock: MovableClock, scenario: Scenario
) -> None:
    async with running_bot(settings, clock) as services:
        await scenario.seed(services)
        await run_ticks(services, clock, "2026-11-18 20:00")
        before = await described(services, scenario)
    # Down all of Thursday 19; back on Friday at 09:00.
    clock.set_local("2026-11-20 09:00")
    async with running_bot(settings, clock) as services:
        await run_ticks(services, clock, "2026-11-20 18:00")
        after = await described(services, scenario)
    new = sorted(set(after) - set(before))
    assert len(after) == len(before) + len(new)
    assert new == expected(
        """
        20 09:00 Lan digest
        20 09:00 Minh digest
        20 09:00 Huy digest
        20 09:00 Lan A:before3:19
        20 09:00 Lan B:due:20
        20 09:00 Minh B:due:20
        20 09:00 Minh F:before3:20
        """
    )
    # Thursday's digests are gone for good; B's reminder of Thursday is folded into Friday's.
    assert not [line for line in after if line.startswith("19 ")]


# --- single rules ----------------------------------------------------------------------------


async def test_quiet_hours_hold_and_the_morning_gets_what_waited(
    services: Services, clock: MovableClock
) -> None:
    lan = await register(services, "101", NAMES["Lan"], channel="telegram")
    clock.set_local("2026-11-25 21:00")
    await add_dossiers(services, item(1, date(2026, 11, 23), officer=NAMES["Lan"]))
    quiet = await run_ticks(services, clock, "2026-11-26 07:30", every=timedelta(minutes=5))
    assert quiet == 0
    assert await outbox(services) == []
    assert await tick(services) == 2
    keys = [m.dedupe_key for m in await outbox(services)]
    dossier = await services.dossiers.get_by_code(code(1))
    assert dossier is not None
    assert keys == [
        f"digest:2026-11-26:{lan.id}",
        f"remind:{dossier.id}:overdue:2026-11-26:{lan.id}",
    ]


async def test_the_evening_sends_until_the_quiet_hours_start(
    services: Services, clock: MovableClock
) -> None:
    await register(services, "101", NAMES["Lan"], channel="telegram")
    clock.set_local("2026-11-25 20:59")
    await add_dossiers(services, item(1, date(2026, 11, 23), officer=NAMES["Lan"]))
    assert await tick(services) == 2  # the day's digest, late, and the overdue reminder
    clock.set_local("2026-11-25 21:00")
    await add_dossiers(services, item(2, date(2026, 11, 23), officer=NAMES["Lan"]))
    assert await tick(services) == 0
    clock.set_local("2026-11-26 07:30")
    assert await tick(services) == 3  # Thursday's digest and both dossiers' reminders


async def test_digest_time_inside_quiet_hours_waits_for_their_end(
    settings: Settings, clock: MovableClock
) -> None:
    early = settings.model_copy(update={"digest_time": datetime(2000, 1, 1, 5, 0).time()})
    clock.set_local("2026-11-26 05:00")
    async with running_bot(early, clock) as services:
        await register(services, "101", NAMES["Lan"], channel="telegram")
        await add_dossiers(services, item(1, date(2026, 11, 26), officer=NAMES["Lan"]))
        assert await run_ticks(services, clock, "2026-11-26 07:00") == 0
        assert await tick(services) == 2


async def test_a_dossier_resolved_between_two_ticks_gets_nothing_more(
    services: Services, clock: MovableClock
) -> None:
    lan = await register(services, "101", NAMES["Lan"], channel="telegram")
    await register(services, "901", NAMES["Huy"], role="leader", channel="telegram")
    clock.set_local("2026-11-19 07:00")
    await add_dossiers(
        services, *(item(seq, date(2026, 11, 20), officer=NAMES["Lan"]) for seq in (1, 2, 3))
    )
    first, second, third = [await services.dossiers.get_by_code(code(seq)) for seq in (1, 2, 3)]
    assert first is not None and second is not None and third is not None
    # Withdrawn before the morning's reminders went out: it never gets one.
    clock.set_local("2026-11-19 07:10")
    await change_status(services, third, Status.withdrawn, None, "test")
    clock.set_local("2026-11-19 07:30")
    await tick(services)
    # Resolved after its reminder of the day went out: nothing more after that.
    clock.set_local("2026-11-19 07:45")
    await change_status(services, first, Status.passed, None, "test")
    await run_ticks(services, clock, "2026-11-27 12:00")
    keys = [m.dedupe_key for m in await outbox(services)]
    assert [k for k in keys if k.startswith(f"remind:{first.id}:")] == [
        f"remind:{first.id}:before1:2026-11-19:{lan.id}"
    ]
    assert [k for k in keys if k.startswith(f"remind:{third.id}:")] == []
    assert [k.split(":")[2] for k in keys if k.startswith(f"remind:{second.id}:")] == [
        "before1",
        "due",
        "overdue",
        "overdue",
        "escalate",
        "overdue",
        "overdue",
    ]


async def test_escalation_reaches_leaders_once_per_overdue_episode(
    services: Services, clock: MovableClock
) -> None:
    await register(services, "101", NAMES["Lan"], channel="telegram")
    huy = await register(services, "901", NAMES["Huy"], role="leader", channel="telegram")
    other = await register(services, "902", "Võ Thị Mai", role="leader", channel="zalo")
    off = await register(services, "903", "Đỗ Văn Tâm", role="leader")
    await services.staff.set_reminders(off.id, False)
    clock.set_local("2026-11-20 07:30")
    await add_dossiers(services, item(1, date(2026, 11, 20), officer=NAMES["Lan"]))
    await run_ticks(services, clock, "2026-11-28 07:00")
    dossier = await services.dossiers.get_by_code(code(1))
    assert dossier is not None
    escalations = [m for m in await outbox(services) if ":escalate:" in m.dedupe_key]
    # Fri 20 due, Mon 23 one working day overdue, Wed 25 (after the holiday) two: the leaders.
    assert sorted((m.chat_id, m.dedupe_key) for m in escalations) == [
        ("901", f"remind:{dossier.id}:escalate:2026-11-25:{huy.id}"),
        ("902", f"remind:{dossier.id}:escalate:2026-11-25:{other.id}"),
    ]
    assert escalations[0].next_attempt_at.astimezone(services.tz).date() == date(2026, 11, 25)
    assert "quá hạn 2 ngày làm việc" in escalations[0].payload["text"]
    assert "Nguyễn Thị Lan" in escalations[0].payload["text"]


async def test_leaving_needs_supplement_resumes_reminders_with_the_pushed_due_date(
    services: Services, clock: MovableClock
) -> None:
    lan = await register(services, "101", NAMES["Lan"], channel="telegram")
    clock.set_local("2026-11-16 08:00")
    await add_dossiers(services, item(1, date(2026, 11, 19), officer=NAMES["Lan"]))
    dossier = await services.dossiers.get_by_code(code(1))
    assert dossier is not None
    await change_status(services, dossier, Status.needs_supplement, "Thiếu bản sao", "t")
    await run_ticks(services, clock, "2026-11-23 07:00")
    assert await services.reminders.reminders_recorded(dossier.id) == []
    # Back in review on Mon 23: paused 16 → 23 is 5 working days, so due 19 → 27 (the
    # holiday on Tuesday 24 does not count).
    paused = await services.dossiers.get_by_code(code(1))
    assert paused is not None
    changed = await change_status(services, paused, Status.in_review, None, "t")
    assert changed.dossier.due_on == date(2026, 11, 27)
    await run_ticks(services, clock, "2026-11-27 12:00")
    assert await services.reminders.reminders_recorded(dossier.id) == [
        ("before3", date(2026, 11, 23)),
        ("before1", date(2026, 11, 26)),
        ("due", date(2026, 11, 27)),
    ]
    keys = {m.dedupe_key for m in await outbox(services)}
    assert f"remind:{dossier.id}:before3:2026-11-23:{lan.id}" in keys


# --- delivery --------------------------------------------------------------------------------


class FakeSender:
    """Records what the dispatcher delivers on one channel."""

    per_chat_interval = 0.0
    rate = 1000.0

    def __init__(self, channel: str) -> None:
        self.channel = channel
        self.sent: list[tuple[str, dict[str, Any]]] = []

    async def send(self, chat_id: str, payload: dict[str, Any]) -> None:
        self.sent.append((chat_id, payload))


async def test_reminders_and_digests_are_delivered_by_the_dispatcher(
    services: Services, clock: MovableClock
) -> None:
    await register(services, "101", NAMES["Lan"], channel="telegram")
    await register(services, "202", NAMES["Minh"], channel="zalo")
    await register(services, "901", NAMES["Huy"], role="leader", channel="telegram")
    clock.set_local("2026-11-25 07:30")
    await add_dossiers(
        services,
        item(1, date(2026, 11, 20), Status.received),
        item(2, date(2026, 11, 26), officer=NAMES["Minh"]),
    )
    enqueued = await tick(services)
    senders = {"telegram": FakeSender("telegram"), "zalo": FakeSender("zalo")}
    dispatcher = OutboxDispatcher(services.outbox, senders, services.clock)
    assert await dispatcher.drain() == enqueued
    assert (await services.outbox.counts())["sent"] == enqueued
    to_lan = [payload["text"] for chat, payload in senders["telegram"].sent if chat == "101"]
    to_minh = [payload["text"] for _chat, payload in senders["zalo"].sent]
    to_huy = [payload["text"] for chat, payload in senders["telegram"].sent if chat == "901"]
    assert to_lan[0].startswith("🗓 Công việc ngày 25/11/2026 — Nguyễn Thị Lan")
    assert any(code(1) in text and "quá hạn 2 ngày làm việc" in text for text in to_lan)
    assert not any(code(2) in text for text in to_lan)
    assert any(code(2) in text and "còn 1 ngày làm việc" in text for text in to_minh)
    assert any(text.startswith("📊 Tổng hợp hồ sơ toàn Ban") for text in to_huy)
    assert any(text.startswith("🚨") and code(1) in text for text in to_huy)
    # Delivered is delivered: the next ticks of the day add nothing.
    clock.advance(hours=3)
    assert await tick(services) == 0


async def test_scheduler_loop_is_installed_once_and_stops(
    services: Services, clock: MovableClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    import asyncio

    import bot.scheduler
    from bot.channel import BackgroundLoops
    from bot.runtime import background_loops

    loops = BackgroundLoops()
    install(loops)
    install(loops)
    assert loops.count(run_scheduler) == 1
    assert background_loops().count(run_scheduler) == 1
    stop = asyncio.Event()
    ticks: list[int] = []

    async def one_tick(given: Services) -> int:
        ticks.append(await tick(given))
        stop.set()  # as SIGTERM would, right after the first tick
        return ticks[-1]

    monkeypatch.setattr(bot.scheduler, "tick", one_tick)
    await register(services, "101", NAMES["Lan"], channel="telegram")
    clock.set_local("2026-11-25 08:00")
    await add_dossiers(services, item(1, date(2026, 11, 20), officer=NAMES["Lan"]))
    app: Any = type("App", (), {"services": services})()
    await run_scheduler(app, stop)
    assert ticks == [2]
    assert len(await outbox(services)) == 2
