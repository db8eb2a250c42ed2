"""The rating after the result (issue 26.5): asked once from the database, one per chat."""

from __future__ import annotations

import re
from datetime import date, timedelta

from bot.scheduler import tick
from db.personal_data import PersonalDataRepository
from domain.phrases import TYPO_MIN_LENGTH
from domain.statuses import Status
from handlers import rating
from handlers.router import BotCore
from handlers.services import Services
from handlers.texts import citizen as t
from tests.conftest import ChatDriver, MovableClock
from tests.handlers.test_report import staff_chat
from tests.handlers.test_status_update import (
    CODE,
    OTHER_CODE,
    follow_verified,
    make_staff,
    seed_dossier,
)


async def test_followers_are_asked_once_then_rate_and_comment(
    services: Services, core: BotCore
) -> None:
    dossier = await seed_dossier(services, status=Status.decided, decision_no="12/QĐ-UBND")
    citizen = await follow_verified(core, "console", "c1")
    other = await follow_verified(core, "zalo", "z1")

    assert await rating.ask_after_result(services) == 2
    assert await rating.ask_after_result(services) == 0  # a second tick asks nobody again
    (message,) = [
        m for m in await services.outbox.all_for_chat("console", "c1") if "rating" in m.dedupe_key
    ]
    assert message.dedupe_key == f"rating:{dossier.id}:console:c1"
    assert message.payload["text"].startswith(f"Hồ sơ {CODE} đã có kết quả:")
    assert "Bạn hài lòng với việc giải quyết hồ sơ?" in message.payload["text"]
    assert [label for label, _ in message.payload["choices"]] == list(t.RATING_CHOICES)
    four = message.payload["choices"][3][1]
    assert four == f"rate:{dossier.id}:4"

    assert await citizen.say(payload=four) == t.RATING_THANKS.format(score=4, code=CODE)
    assert await citizen.say("Cán bộ hướng dẫn tận tình") == t.RATING_COMMENT_THANKS
    assert await citizen.say(payload=f"rate:{dossier.id}:1") == t.RATING_ALREADY.format(code=CODE)
    assert await other.say(payload=f"rate:{dossier.id}:2") == t.RATING_THANKS.format(
        score=2, code=CODE
    )
    assert await other.say("/huy")  # the comment is optional

    rows = await rating.satisfaction(services, date(2026, 11, 1), date(2026, 11, 30))
    assert rating.satisfaction_lines(rows, services) == [
        "Mức độ hài lòng (Quyết định 766/QĐ-TTg): 50% hài lòng trên 2 lượt đánh giá",
        "• Bằng khen của Chủ tịch UBND tỉnh: 50% (1/2)",
    ]
    stored = await services.db.fetch_all(
        "SELECT channel, chat_id, score, comment FROM ratings ORDER BY channel"
    )
    assert [tuple(r) for r in stored] == [
        ("console", "c1", 4, "Cán bộ hướng dẫn tận tình"),
        ("zalo", "z1", 2, None),
    ]


async def test_who_may_rate_and_what(services: Services, core: BotCore) -> None:
    open_one = await seed_dossier(services, OTHER_CODE)
    done = await seed_dossier(services, status=Status.returned)
    owner = await follow_verified(core, "console", "owner", OTHER_CODE)
    stranger = ChatDriver(core, "console", "stranger")
    assert await stranger.say(payload=f"rate:{done.id}:5") == t.RATING_NOT_ALLOWED
    assert await stranger.say(payload=f"rate:{done.id}:9") == t.RATING_NOT_ALLOWED
    assert await stranger.say(payload="rate:x' OR 1=1") == t.RATING_NOT_ALLOWED
    assert await owner.say(payload=f"rate:{open_one.id}:5") == t.RATING_NOT_FINISHED
    assert await services.db.fetch_all("SELECT * FROM ratings") == []


async def test_a_code_instead_of_a_comment_goes_to_the_lookup(
    services: Services, core: BotCore
) -> None:
    dossier = await seed_dossier(services, status=Status.rejected)
    await seed_dossier(services, OTHER_CODE)
    citizen = await follow_verified(core, "console", "c1")
    await rating.ask_after_result(services)
    await citizen.say(payload=f"rate:{dossier.id}:3")
    assert "4 số cuối" in await citizen.say(OTHER_CODE)
    row = await services.db.fetch_one("SELECT comment FROM ratings")
    assert row is not None and row[0] is None


async def test_old_results_and_unfinished_dossiers_are_not_asked(
    services: Services, core: BotCore, clock: MovableClock
) -> None:
    clock.set_local("2026-09-01 09:00")
    await seed_dossier(services, status=Status.decided)
    await seed_dossier(services, OTHER_CODE, status=Status.in_review)
    clock.set_local("2026-11-25 09:00")
    await follow_verified(core, "console", "c1")
    await follow_verified(core, "console", "c1", OTHER_CODE)
    assert await rating.ask_after_result(services) == 0


async def test_the_tick_asks_and_the_leaders_digest_carries_comments(
    services: Services, core: BotCore, clock: MovableClock
) -> None:
    clock.set_local("2026-11-24 10:00")
    await seed_dossier(services, OTHER_CODE)  # an open dossier: the digest has something
    dossier = await seed_dossier(services, status=Status.decided)
    citizen = await follow_verified(core, "console", "c1")
    await make_staff(services, "lead1", role="leader")
    assert await tick(services) >= 1
    asked = await services.outbox.all_for_chat("console", "c1")
    assert any(m.dedupe_key == f"rating:{dossier.id}:console:c1" for m in asked)
    await citizen.say(payload=f"rate:{dossier.id}:5")
    await citizen.say("Rất nhanh, cảm ơn Ban")
    clock.set_local("2026-11-25 08:00")
    await tick(services)
    digests = [
        m.payload["text"]
        for m in await services.outbox.all_for_chat("console", "lead1")
        if "2026-11-25" in m.dedupe_key
    ]
    assert len(digests) == 1
    assert t.RATING_DIGEST_HEADING.format(count=1) in digests[0]
    assert f"• {CODE} — 5/5: Rất nhanh, cảm ơn Ban" in digests[0]


async def test_thongke_shows_the_index_per_award_kind(services: Services, core: BotCore) -> None:
    dossier = await seed_dossier(services, status=Status.decided)
    citizen = await follow_verified(core, "console", "c1")
    await rating.ask_after_result(services)
    await citizen.say(payload=f"rate:{dossier.id}:5")
    text = (await staff_chat(services).send("/thongke 01/11/2026 25/11/2026"))[0].text
    assert "Mức độ hài lòng (Quyết định 766/QĐ-TTg): 100% hài lòng trên 1 lượt đánh giá" in text
    assert "• Bằng khen của Chủ tịch UBND tỉnh: 100% (1/1)" in text


async def test_erasing_a_chat_keeps_the_score_not_the_chat(
    services: Services, core: BotCore
) -> None:
    dossier = await seed_dossier(services, status=Status.decided)
    citizen = await follow_verified(core, "console", "c1")
    await rating.ask_after_result(services)
    await citizen.say(payload=f"rate:{dossier.id}:4")
    await PersonalDataRepository(services.db).erase_chat(
        "console", "c1", keep_limits_since=services.now()
    )
    row = await services.db.fetch_one("SELECT chat_id, score FROM ratings")
    assert row is not None and row[1] == 4
    # The random suffix may hold "c1" by chance: the whole id must be the erased form.
    assert re.fullmatch(r"erased-[0-9a-f]{16}", row[0])


def test_readme_figures() -> None:
    assert rating.ASK_WINDOW == timedelta(days=30)
    assert t.RATING_COMMENT_MAX == 1000
    assert TYPO_MIN_LENGTH == 4


async def test_my_data_lists_the_chats_ratings(services: Services, core: BotCore) -> None:
    dossier = await seed_dossier(services, status=Status.decided)
    citizen = await follow_verified(core, "console", "c1")
    await rating.ask_after_result(services)
    await citizen.say(payload=f"rate:{dossier.id}:5")
    await citizen.say("Nhanh")
    text = await citizen.say("/dulieucuatoi")
    assert t.MY_DATA_RATINGS.format(count=1) in text
    assert f"{CODE}: 5/5" in text and "Nhanh" in text
