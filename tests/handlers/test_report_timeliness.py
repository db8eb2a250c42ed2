"""Issue 25: resolved on time splits into early (trước hẹn) and on the day (đúng hẹn), plus late."""

from __future__ import annotations

import json
from datetime import date

from config.settings import Settings
from handlers.report import Period, build_report, report_json, report_text
from handlers.services import Services
from tests.cli import run_cli
from tests.handlers.test_report import hand_made, load
from tests.handlers.test_report_decree import board_2017


async def test_early_on_the_day_and_late_of_the_hand_made_set(services: Services) -> None:
    await load(services, hand_made())
    period = Period(date(2026, 7, 1), date(2026, 11, 25), as_of=date(2026, 11, 25))
    figures = await build_report(services.reports, period)
    # Resolved: 01/08 and 30/07 before their dates, 05/08 and 24/11 on them, two after.
    assert (figures.total.early, figures.total.on_day, figures.total.late) == (2, 2, 2)
    assert report_json(figures, services.catalog)["timeliness"] == {
        "early": 2,
        "on_day": 2,
        "late": 2,
    }
    text = report_text(figures, services.catalog)
    assert "trước hẹn 2 (33%), đúng hẹn 2 (33%), trễ hẹn 2 (33%)" in text


async def test_the_seed_report_says_early_and_on_the_day_as_two_figures(
    services: Services, settings: Settings
) -> None:
    await services.dossiers.upsert_many(board_2017(), actor="test", now=services.now())
    args = ["report", "--from", "2017-01-01", "--to", "2017-06-30", "--as-of", "2017-06-26"]
    done = run_cli(settings, *args, "--format", "json")
    data = json.loads(done.stdout)
    assert (data["received"], data["resolved"], data["passed"], data["failed"]) == (
        3829,
        3384,
        3219,
        165,
    )
    assert data["pending_within_deadline"] == 445
    # "100% hồ sơ được giải quyết đúng và trước hẹn": all of the seed's 3,384 came early.
    assert data["timeliness"] == {"early": 3384, "on_day": 0, "late": 0}
    lines = run_cli(settings, *args).stdout.splitlines()
    assert (
        lines[3]
        == "Trong số đã giải quyết: trước hẹn 3.384 (100%), đúng hẹn 0 (0%), trễ hẹn 0 (0%)."
    )
