"""The one place a dossier changes status (handlers/actions/dossier_status.py): the bulk is
one transaction, single = bulk of one, the table is checked inside, and no import circle."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import handlers.actions.dossier_status as action
from domain.statuses import Status
from handlers.actions.dossier_status import change_status, change_status_bulk
from handlers.router import BotCore
from handlers.services import Services
from tests.handlers.test_status_update import (
    CODE,
    OTHER_CODE,
    follow_verified,
    history,
    outbox_rows,
    seed_dossier,
    snapshot,
)

THIRD_CODE = "000.00.21.H01-261120-0003"
ROOT = Path(__file__).resolve().parents[2]


async def test_bulk_moves_each_dossier_once_and_leaves_the_moved_one(
    services: Services, core: BotCore
) -> None:
    one = await seed_dossier(services, CODE, status=Status.in_review)
    two = await seed_dossier(services, OTHER_CODE, status=Status.in_review)
    three = await seed_dossier(services, THIRD_CODE, status=Status.in_review)
    await follow_verified(core, "console", "citizen", CODE)
    # Another officer moves the third after the list was shown.
    await change_status(services, three, Status.passed, None, "console:other")
    changes = await change_status_bulk(
        services, [one, two, three], Status.stopped, "Rút theo đơn", "console:off1"
    )
    assert [c.applied for c in changes] == [True, True, False]
    assert changes[2].dossier.status is Status.passed  # as found, not overwritten
    assert [c.followers_notified for c in changes] == [1, 0, 0]
    assert (await services.dossiers.get_by_code(OTHER_CODE)).status is Status.stopped
    assert [e.to_status for e in await history(services, one.id)] == [
        Status.in_review,
        Status.stopped,
    ]
    notices = [row for row in await outbox_rows(services.db) if row["chat_id"] == "citizen"]
    assert len(notices) == 1 and "Dừng xử lý" in notices[0]["payload"]["text"]
    assert action.notice_line(services, changes) != ""


async def test_a_failure_midway_writes_nothing_of_the_bulk(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    one = await seed_dossier(services, CODE, status=Status.in_review)
    two = await seed_dossier(services, OTHER_CODE, status=Status.in_review)
    before = await snapshot(services.db)
    calls = 0
    real = action.enqueue_status_notices

    async def second_fails(*args: object, **kwargs: object) -> int:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise RuntimeError("disk full")
        return await real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(action, "enqueue_status_notices", second_fails)
    with pytest.raises(RuntimeError):
        await change_status_bulk(services, [one, two], Status.stopped, None, "console:off1")
    assert await snapshot(services.db) == before


async def test_a_move_outside_the_table_is_refused_inside(services: Services) -> None:
    dossier = await seed_dossier(services, status=Status.received)
    before = await snapshot(services.db)
    change = await change_status(services, dossier, Status.decided, "12/QĐ-UBND", "x")
    assert not change.applied and change.dossier.status is Status.received
    assert await snapshot(services.db) == before


def _imports(path: Path) -> tuple[set[str], list[str]]:
    """The modules a file imports at its top, and those it imports inside functions."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top: set[str] = set()
    hidden: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names = {node.module} | {f"{node.module}.{a.name}" for a in node.names}
        elif isinstance(node, ast.Import):
            names = {a.name for a in node.names}
        else:
            continue
        if node.col_offset == 0:
            top |= names
        else:
            hidden += sorted(names)
    return top, hidden


@pytest.mark.parametrize(
    "module",
    [
        "handlers/status_update.py",
        "handlers/bulk_update.py",
        "handlers/search.py",
        "handlers/worklist.py",
        "handlers/actions/dossier_status.py",
        "db/dossiers.py",
        "db/casework.py",
    ],
)
def test_the_status_change_needs_no_hidden_import(module: str) -> None:
    top, hidden = _imports(ROOT / module)
    assert hidden == []
    if module.startswith("db/"):
        assert not any(name.startswith(("handlers", "bot")) for name in top)


def test_bulk_update_does_not_import_status_update() -> None:
    top, _ = _imports(ROOT / "handlers/bulk_update.py")
    assert not any(name.startswith("handlers.status_update") for name in top)
