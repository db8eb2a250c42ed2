"""The citizen's questions and the rating on Zalo: numbered lines, answered by number."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.inbound import UpdateRunner
from bot.zalo_channel import ZaloChannel, ZaloSender
from bot.zalo_client import ZaloClient
from domain.statuses import Status
from handlers import rating
from handlers.router import BotCore
from handlers.services import Services
from handlers.texts import citizen as t
from handlers.texts import follow as tf
from handlers.texts import zalo as tz
from tests.bot.test_zalo import CHAT, CODE, DIGITS, FakeZalo, ZaloChat, ZaloUpdates
from tests.handlers.test_status_update import seed_dossier


@pytest.fixture
def zalo_api() -> FakeZalo:
    return FakeZalo()


@pytest.fixture
async def zalo_client(zalo_api: FakeZalo) -> AsyncIterator[ZaloClient]:
    client = zalo_api.client()
    yield client
    await client.aclose()


@pytest.fixture
def zchat(
    core: BotCore, services: Services, zalo_client: ZaloClient, zalo_api: FakeZalo
) -> ZaloChat:
    async def no_sleep(_seconds: float) -> None:
        return None

    zalo = ZaloChannel(core, zalo_client, sleep=no_sleep, backoff_sleep=no_sleep)
    runner = UpdateRunner(services.inbound, services.clock)
    return ZaloChat(zalo, runner, zalo_api, ZaloUpdates())


async def test_a_question_then_the_menu_by_number(zchat: ZaloChat) -> None:
    answer = await zchat.say("nop ho so o dau vay ad")
    assert answer.startswith("❓ Nộp hồ sơ ở đâu, nộp trực tuyến được không?")
    assert f"1. {t.FAQ_OTHER}" in answer and tz.CHOICES_HINT in answer
    menu = await zchat.say("1")
    assert "3. Có mất phí, lệ phí không?" in menu
    assert (await zchat.say("3")).startswith("❓ Có mất phí, lệ phí không?")
    guide = await zchat.say("/thutuc cap doi")
    assert guide.startswith("📋 Thủ tục: Cấp đổi, cấp lại hiện vật khen thưởng (mã CDCL)")
    assert len(guide) <= 2000  # one Zalo message


async def test_rating_asked_through_the_outbox_and_answered_by_number(
    services: Services, zchat: ZaloChat, zalo_client: ZaloClient, zalo_api: FakeZalo
) -> None:
    dossier = await seed_dossier(services, status=Status.decided)
    await zchat.say(f"/theodoi {CODE}")
    assert tf.FOLLOWED.format(code=CODE) in await zchat.say(DIGITS)
    assert await rating.ask_after_result(services) == 1
    (message,) = [
        m for m in await services.outbox.all_for_chat("zalo", CHAT) if "rating" in m.dedupe_key
    ]
    sender = ZaloSender(
        zalo_client, rate=25, conversations=services.conversations, clock=services.clock
    )
    await sender.send(CHAT, message.payload)
    asked = zalo_api.texts(CHAT)[-1]
    assert "Bạn hài lòng với việc giải quyết hồ sơ?" in asked
    assert "4. 4 — Hài lòng" in asked
    assert await zchat.say("4") == t.RATING_THANKS.format(score=4, code=CODE)
    assert await zchat.say("Cán bộ tận tình") == t.RATING_COMMENT_THANKS
    row = await services.db.fetch_one(
        "SELECT score, comment FROM ratings WHERE dossier_id = ?", (dossier.id,)
    )
    assert row is not None and tuple(row) == (4, "Cán bộ tận tình")
