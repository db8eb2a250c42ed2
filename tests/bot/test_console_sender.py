"""A notice printed after a menu on the console: its numbers are the ones `1` answers (22.9)."""

from __future__ import annotations

import io

from bot.console_sender import console_sender
from handlers.messages import Choice, Incoming, Reply
from handlers.router import BotCore
from handlers.services import Services
from tests.conftest import ChatDriver


async def test_1_after_a_notice_runs_the_notices_first_line(
    services: Services, core: BotCore
) -> None:
    pressed: list[str] = []

    async def menu(_incoming: Incoming, _services: Services, _args: str) -> list[Reply]:
        return [Reply("Cán bộ", choices=(Choice("Thu hồi quyền", "mn:revoke"),))]

    async def button(_incoming: Incoming, _services: Services, rest: str) -> list[Reply]:
        pressed.append(rest)
        return [Reply(f"ok {rest}")]

    core.router.command("menu", menu, "thử", listed=False)
    core.router.payload("mn", button)
    core.router.payload("qh", button)
    chat = ChatDriver(core, "console", "local")
    await chat.send("/menu")
    sender = console_sender(services, "local")
    sender.stdout = io.StringIO()
    await sender.send(
        "local", {"text": "3 hồ sơ quá hạn", "choices": [["Xem hồ sơ quá hạn", "qh:overdue"]]}
    )
    assert sender.stdout.getvalue().rstrip().endswith("1. Xem hồ sơ quá hạn")
    assert await chat.say("1") == "ok overdue"
    assert pressed == ["overdue"]


async def test_a_notice_in_the_middle_of_a_step_leaves_the_steps_numbers(
    services: Services, core: BotCore
) -> None:
    from handlers.conversation import start_flow

    incoming = Incoming(channel="console", chat_id="local", sender_id="local", text="x")
    await start_flow(services, incoming, "lookup", "phone", {"code": "x"})
    await services.conversations.offer_choices("console", "local", ["a:1"], services.now())
    sender = console_sender(services, "local")
    sender.stdout = io.StringIO()
    await sender.send("local", {"text": "tin", "choices": [["Xem", "wl:overdue"]]})
    assert await services.conversations.offered_choices("console", "local") == ["a:1"]
