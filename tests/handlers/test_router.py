"""The router refuses a second owner, a second attach; a stale typed button is answered."""

from __future__ import annotations

import pytest

from handlers import build_router
from handlers.buttons import ButtonData
from handlers.messages import Incoming, Reply
from handlers.router import BotCore, DuplicateOwner, Router, RouterAttached
from handlers.services import Services
from handlers.texts import common as tc


async def first(_incoming: Incoming, _services: Services, _args: str) -> list[Reply]:
    return [Reply("first")]


async def second(_incoming: Incoming, _services: Services, _args: str) -> list[Reply]:
    return [Reply("second")]


def test_the_real_router_builds_with_one_owner_each() -> None:
    router = build_router()
    assert router.commands["xuat"].handler.__module__ == "handlers.staff_export"
    assert router.owners["command:xuat"] == "handlers.staff_export.xuat"
    assert "command:thongke" in router.owners and "payload:wl" in router.owners


def test_a_second_command_owner_raises_at_start_up() -> None:
    router = Router()
    router.command("xuat", first, "")
    with pytest.raises(DuplicateOwner, match=r"command:xuat is owned by .*first.*second"):
        router.command("xuat", second, "")
    assert router.commands["xuat"].handler is first


def test_a_second_button_prefix_or_flow_owner_raises() -> None:
    router = Router()
    router.payload("wl", first)
    with pytest.raises(DuplicateOwner, match="payload:wl"):
        router.payload("wl", second)

    class Page(ButtonData, prefix="trp"):
        page: int

    async def on_page(_i: Incoming, _s: Services, _b: Page) -> list[Reply]:
        return []

    router.button(Page, on_page)
    with pytest.raises(DuplicateOwner, match="payload:trp"):
        router.payload("trp", second)

    async def flow(*_args: object) -> list[Reply]:
        return []

    router.flow("f", flow)  # type: ignore[arg-type]
    with pytest.raises(DuplicateOwner, match="flow:f"):
        router.flow("f", flow)  # type: ignore[arg-type]


def test_a_wrappable_command_may_be_taken_over_by_a_wrapper_only_when_declared() -> None:
    router = Router()
    router.command("huy", first, "", wrappable=True)
    router.command("huy", second, "")  # a flow's /huy that hands over to the first
    assert router.commands["huy"].handler is second
    router.command("huy", first, "")  # still open to the next flow
    assert router.owners["command:huy"].endswith(".first")


def test_included_routers_are_checked_too() -> None:
    parent, child = Router(), Router()
    parent.command("a", first, "")
    child.command("a", second, "")
    with pytest.raises(DuplicateOwner, match="command:a"):
        parent.include(child)
    with pytest.raises(RouterAttached):
        parent.include(parent)


def test_a_router_attached_twice_raises(services: Services) -> None:
    child = Router()
    child.command("b", first, "")
    Router().include(child)
    with pytest.raises(RouterAttached):
        Router().include(child)
    router = build_router()
    BotCore(router, services)
    with pytest.raises(RouterAttached):
        BotCore(router, services)


async def test_a_button_that_does_not_parse_gets_the_stale_message(core: BotCore) -> None:
    # /xoadulieu's answer without its nonce, a revoke with no number, an unknown prefix.
    for payload in ("pd:yes", "rv:ask:x", "zz:1"):
        incoming = Incoming("telegram", "1", "1", payload=payload)
        replies = await core.handle(incoming)
        assert [reply.text for reply in replies] == [tc.STALE_BUTTON], payload
