"""Phone notices wait out an outage for a stated time, not 8 attempts; the number stays until
the last notice is sent or dead (issue 22.4)."""

from __future__ import annotations

import argparse
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.commands import outbox as outbox_command
from bot.outbox import MAX_ATTEMPTS, PATIENT_BACKOFF_CAP, OutboxDispatcher
from bot.zns_client import ZnsSender
from config.settings import Settings
from db.models import OutboxMessage
from db.phones import PhoneRepository
from handlers.services import Services
from handlers.texts import newuser as tn
from handlers.zns import erase_expired
from tests.bot.test_zns import (
    CODE,
    PHONE,
    TEMPLATE,
    TOKEN,
    FakeZns,
    import_rows,
    move,
    new_key,
    seed,
    zns_messages,
    zns_sender,
)
from tests.conftest import MovableClock


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """ZNS on, as in tests/bot/test_zns.py."""
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        database=tmp_path / "tdkt.sqlite3",
        zns_access_token=TOKEN,
        zns_template_status=TEMPLATE,
        phone_key=new_key(),
    )


@pytest.fixture
def zns_api() -> FakeZns:
    return FakeZns()


@pytest.fixture
async def sender(
    settings: Settings, services: Services, zns_api: FakeZns
) -> AsyncIterator[ZnsSender]:
    async with zns_sender(settings, services, zns_api) as zns:
        yield zns


async def _notice_for(services: Services, code: str) -> OutboxMessage:
    dossier = await services.dossiers.get_by_code(code)
    assert dossier is not None
    (message,) = [m for m in await zns_messages(services) if m.chat_id == str(dossier.id)]
    return message


async def _wait_it_out(
    services: Services, sender: ZnsSender, clock: MovableClock
) -> tuple[OutboxMessage, list[timedelta], list[str]]:
    dispatcher = OutboxDispatcher(services.outbox, {"zns": sender}, services.clock)
    delays: list[timedelta] = []
    errors: list[str] = []
    for _ in range(1000):
        before = clock()
        await dispatcher.run_once()
        message = await _notice_for(services, CODE)
        errors.append(message.last_error or "")
        if message.state != "pending":
            return message, delays, errors
        delays.append(message.next_attempt_at - before)
        clock.current = message.next_attempt_at
    raise AssertionError("never gave up")


def test_the_wait_is_48_hours_by_default() -> None:
    assert Settings(_env_file=None).notice_wait_hours == 48  # type: ignore[call-arg]
    assert PATIENT_BACKOFF_CAP == timedelta(minutes=15)


async def test_a_zns_outage_is_waited_out_for_48_hours(
    services: Services,
    settings: Settings,
    sender: ZnsSender,
    zns_api: FakeZns,
    clock: MovableClock,
    capsys: pytest.CaptureFixture[str],
) -> None:
    await seed(settings, services)
    await move(settings, services, "in_review", CODE)
    queued = clock()
    zns_api.failures = [(503, {})] * 10_000
    dispatcher = OutboxDispatcher(services.outbox, {"zns": sender}, services.clock)
    for _ in range(MAX_ATTEMPTS + 2):
        await dispatcher.run_once()
        clock.current = (await _notice_for(services, CODE)).next_attempt_at
    waiting = await _notice_for(services, CODE)
    assert waiting.state == "pending" and waiting.attempts == MAX_ATTEMPTS + 2
    assert waiting.last_error is not None and waiting.last_error.startswith("chờ (tối đa 48 giờ")
    assert "HTTP 503" in waiting.last_error
    # `bot outbox` says why it waits.
    await outbox_command.run(settings, argparse.Namespace(errors=10))
    assert "[pending] zns" in capsys.readouterr().out and "chờ (tối đa 48 giờ" in waiting.last_error

    message, delays, _errors = await _wait_it_out(services, sender, clock)
    assert message.state == "dead"
    assert message.last_error == tn.OUTBOX_GAVE_UP.format(
        error="TransientError: HTTP 503", hours="48"
    )
    assert clock() - queued >= timedelta(hours=48)
    assert clock() - queued < timedelta(hours=48, minutes=16)
    assert max(delays) <= PATIENT_BACKOFF_CAP


async def test_an_expired_token_nobody_refreshes_waits_then_goes(
    services: Services,
    settings: Settings,
    sender: ZnsSender,
    zns_api: FakeZns,
    clock: MovableClock,
) -> None:
    await seed(settings, services)
    await move(settings, services, "in_review", CODE)
    good = set(zns_api.access_tokens)
    zns_api.access_tokens = set()  # Zalo answers -124
    dispatcher = OutboxDispatcher(services.outbox, {"zns": sender}, services.clock)
    for _ in range(MAX_ATTEMPTS + 4):
        await dispatcher.run_once()
        clock.current = (await _notice_for(services, CODE)).next_attempt_at
    message = await _notice_for(services, CODE)
    assert message.state == "pending" and "ZNS -124" in (message.last_error or "")
    zns_api.access_tokens = good  # the officer set a fresh token (or OAuth came back)
    await dispatcher.run_once()
    assert (await _notice_for(services, CODE)).state == "sent"


async def test_the_number_stays_until_the_last_notice_went(
    services: Services,
    settings: Settings,
    sender: ZnsSender,
    zns_api: FakeZns,
    clock: MovableClock,
) -> None:
    at_once = settings.model_copy(update={"phone_retention_days": 0})
    await seed(at_once, services)
    phones = PhoneRepository(services.db)
    dossier = await services.dossiers.get_by_code(CODE)
    assert dossier is not None
    for message in await zns_messages(services):  # the receipt notices, out of the way
        await services.outbox.mark_sent(message.id, clock())
    finished = f"{CODE},BKCT,Nguyễn Văn An,,{PHONE},2026-11-20,2026-12-28,returned,2026-11-25,,"
    await import_rows(at_once, services, finished)
    clock.advance(seconds=1)
    # What the import does right after writing: the result is not sent yet, the number stays.
    before = await phones.count()
    assert await erase_expired(phones, at_once, services.now()) == 0
    assert await phones.count() == before
    await OutboxDispatcher(services.outbox, {"zns": sender}, services.clock).drain()
    assert {m.state for m in await zns_messages(services)} == {"sent"}
    assert zns_api.sent and zns_api.sent[-1]["template_data"]["ma_ho_so"] == CODE
    assert await erase_expired(phones, at_once, services.now()) == 1
    assert await sender.phone_of(str(dossier.id)) is None
