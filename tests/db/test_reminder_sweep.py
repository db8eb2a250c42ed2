"""The set-based reminder sweep sends exactly what the planner decides, word for word."""

from __future__ import annotations

import json
import random
from datetime import date, timedelta
from pathlib import Path

from bot.scheduler import tick
from config.settings import Settings
from db.connection import open_database
from domain.statuses import Status
from handlers.reminders import ReminderRules, WorkdayIndex, make_planner
from handlers.services import Services, build_services
from tests.conftest import MovableClock
from tests.handlers.test_reminders import add_dossiers, item, register

STATUSES = (Status.received, Status.in_review, Status.needs_supplement, Status.passed)
OFFICERS = ("Nguyễn Thị Lan", "Trần Văn Minh", "Lê Thị Hoa", "Võ Văn Tâm")


async def seed(services: Services) -> None:
    """Officers (one with reminders off, one blocked, one revoked), two leaders, and 300
    dossiers due from two months before to one month after the day, some unassigned, some
    with names that look like template fields."""
    members = [await register(services, str(100 + n), name) for n, name in enumerate(OFFICERS)]
    await register(services, "900", "Phạm Huy", role="leader", channel="telegram")
    await register(services, "901", "Đỗ Mai", role="leader")
    rng = random.Random(15)
    rows = []
    for seq in range(1, 301):
        due = date(2026, 11, 25) + timedelta(days=rng.randrange(-60, 30))
        officer = rng.choice([None, None, *OFFICERS])
        nominee = rng.choice([None, "Bà {code} — {phrase}", 'Ông "A"\\n\tB'])
        rows.append(item(seq, due, rng.choice(STATUSES), officer=officer, nominee=nominee))
    await add_dossiers(services, *rows)
    await services.staff.set_reminders(members[2].id, False)
    await services.outbox.chat_blocked("console", members[1].chat_id, services.now(), "403")
    await services.staff.revoke(members[3].id, services.now())


async def python_sweep(services: Services) -> int:
    """The tick's sweep as it was: the planner called for each dossier (no digests)."""
    rules = ReminderRules.from_settings(services.settings)
    today = services.today()
    staff, blocked = await services.reminders.recipients()
    planner = make_planner(
        rules=rules,
        index=WorkdayIndex(services.calendar, today),
        horizon=today,
        today=today,
        staff=staff,
        blocked=blocked,
        award_name=services.catalog.name_of,
    )
    result = await services.reminders.sweep(horizon=today, planner=planner, now=services.now())
    return result.messages


async def state(services: Services) -> tuple[list[tuple[object, ...]], ...]:
    db = services.db
    messages = [
        (row[0], row[1], row[2], json.loads(row[3]))
        for row in await db.fetch_all(
            "SELECT dedupe_key, channel, chat_id, payload FROM outbox"
            " WHERE dedupe_key LIKE 'remind:%' ORDER BY id"
        )
    ]
    records = [
        tuple(row)
        for row in await db.fetch_all(
            "SELECT dossier_id, rule, day, recipients FROM reminders_sent ORDER BY 1, 2, 3"
        )
    ]
    wake = [tuple(row) for row in await db.fetch_all("SELECT id, remind_on FROM dossiers")]
    return messages, records, wake


async def test_sql_sweep_matches_the_planner_over_three_weeks(
    tmp_path: Path, clock: MovableClock
) -> None:
    both = []
    for name in ("planner", "sql"):
        settings = Settings(_env_file=None, database=tmp_path / f"{name}.sqlite3")  # type: ignore[call-arg]
        db = await open_database(tmp_path / f"{name}.sqlite3")
        services = build_services(settings, db, clock=clock)
        both.append((services, db))
    try:
        clock.set_local("2026-11-16 07:00")
        for services, _db in both:
            await seed(services)
        planner, sql = both[0][0], both[1][0]
        sent = 0
        for day in range(21):
            clock.set_local(f"{date(2026, 11, 16) + timedelta(days=day)} 07:45")
            sent += await python_sweep(planner)
            await tick(sql)
            assert await state(planner) == await state(sql), f"day {day}"
            # A second tick on the same morning sends nothing more.
            assert await python_sweep(planner) == 0
            await tick(sql)
            assert await state(planner) == await state(sql)
        assert sent > 300  # the scenario does send: reminders, catch-ups and escalations
        texts = [payload["text"] for *_k, payload in (await state(sql))[0]]
        assert any("Bà {code} — {phrase}" in text for text in texts)
    finally:
        for _services, db in both:
            await db.close()


async def test_digest_from_sqlite_sections_matches_the_full_list(
    services: Services, clock: MovableClock
) -> None:
    """The digest built from each section's first lines and counts (SQLite sorts and counts)
    reads exactly as the one built from every open item."""
    from handlers.reminders import (
        DIGEST_SECTION_LIMIT,
        DigestWindow,
        officer_digest,
        officer_digest_items,
    )

    clock.set_local("2026-11-16 07:00")
    await seed(services)
    rules = ReminderRules.from_settings(services.settings)
    compared = 0
    for day in (16, 20, 25, 27):
        clock.set_local(f"2026-11-{day} 07:45")
        today = services.today()
        index = WorkdayIndex(services.calendar, today)
        window = DigestWindow.build(today, rules, index)
        for member in await services.staff.active("officer"):
            every = await services.reminders.open_items(member.id, window.soon_until)
            sections = await services.reminders.digest_sections(
                today=window.today,
                today_until=window.today_until,
                soon_until=window.soon_until,
                limit=DIGEST_SECTION_LIMIT,
            )
            first, counts = officer_digest_items(sections, member.id)
            assert sum(counts.values()) == len(every)
            whole = officer_digest(member, every, window, rules, index)
            assert officer_digest(member, first, window, rules, index, counts) == whole
            compared += whole is not None and len(every) > 4 * DIGEST_SECTION_LIMIT
    assert compared >= 4  # sections longer than a digest shows were compared
