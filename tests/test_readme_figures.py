"""Each limit and default the README states, pinned with the literal figure (issue 22.8).

Changing one of them fails here until the README says the new figure too.
"""

from __future__ import annotations

import io
import re
from datetime import timedelta

from config.settings import ROOT, Settings

README = (ROOT / "README.md").read_text(encoding="utf-8")


def says(*phrases: str) -> None:
    for phrase in phrases:
        assert phrase in " ".join(README.split()), phrase


def test_guessing_limits() -> None:
    from handlers import lookup

    assert lookup.MAX_FAILURES_PER_CHAT == 5
    assert lookup.FREE_STRANGER_FAILURES == 10
    assert lookup.SLOW_BASE == timedelta(seconds=30)
    assert lookup.SLOW_CAP == timedelta(minutes=15)
    assert lookup.MAX_CODES_PER_CHAT == 20
    assert lookup.MAX_NOT_FOUND_PER_CHAT == 10
    says(
        "may give wrong digits 5 times",
        "checked at once 10 times",
        "waits 30 seconds after the last failure",
        "at most 15 minutes",
        'for at most 20 distinct codes per chat, and 10 "not found" answers',
    )


def test_settings_defaults_as_the_readme_table_states() -> None:
    """Every `TDKT_*` row with a literal default in the settings table matches the code."""
    defaults = Settings(_env_file=None)  # type: ignore[call-arg]
    assert defaults.guess_budget == 300
    assert defaults.phone_retention_days == 30
    assert defaults.retention_days == 90
    assert defaults.send_rate == 28
    assert defaults.escalate_after_days == 2
    assert defaults.draft_ttl == timedelta(hours=24)
    assert defaults.http_port == 8080
    assert defaults.notice_wait_hours == 48
    rows = {
        "TDKT_GUESS_BUDGET": "300",
        "TDKT_PHONE_RETENTION_DAYS": "30",
        "TDKT_RETENTION_DAYS": "90",
        "TDKT_SEND_RATE": "28",
        "TDKT_ESCALATE_AFTER_DAYS": "2",
        "TDKT_DRAFT_TTL": "24h",
        "TDKT_REMINDER_DAYS_BEFORE": "3,1",
        "TDKT_DIGEST_TIME": "07:30",
        "TDKT_OFFICE_HOURS_END": "17:00",
        "TDKT_NOTICE_WAIT_HOURS": "48",
    }
    for variable, figure in rows.items():
        row = re.search(rf"^\| `{variable}` \| `([^`]*)` \|", README, re.MULTILINE)
        assert row is not None, variable
        assert row.group(1) == figure, variable
    assert defaults.reminder_days_before == (3, 1)
    assert f"{defaults.digest_time:%H:%M}" == "07:30"
    assert f"{defaults.office_hours_end:%H:%M}" == "17:00"


def test_the_decision_pattern_in_the_readme_is_the_default() -> None:
    from domain.decisions import DEFAULT_PATTERN

    row = re.search(r"^\| `TDKT_DECISION_NO_PATTERN` \| `([^`]*)` \|", README, re.MULTILINE)
    assert row is not None and row.group(1) == DEFAULT_PATTERN
    assert Settings(_env_file=None).decision_no_pattern == DEFAULT_PATTERN  # type: ignore[call-arg]


def test_reply_files_kept_24_hours_and_invites_72() -> None:
    from bot.zalo_channel import PUBLIC_FILE_TTL
    from handlers.staff import INVITE_TTL

    assert PUBLIC_FILE_TTL == timedelta(hours=24)
    assert INVITE_TTL == timedelta(hours=72)
    says("| reply files served by URL (Zalo) | 24 hours |", "valid for 72 hours")


def test_import_thresholds() -> None:
    from db.bulk import is_bulk
    from handlers.importing.batches import CHUNK_ROWS
    from handlers.importing.files import PARALLEL_BYTES

    assert CHUNK_ROWS == 20_000
    assert PARALLEL_BYTES == 8 * 1024 * 1024
    assert not is_bulk(19_999, 0) and is_bulk(20_000, 0)
    says("20,000 rows at a time", "8 MB or more", "(20,000 rows or more)")


def test_the_csv_export_starts_with_a_bom() -> None:
    from handlers.excel import CsvDossierWriter

    buffer = io.BytesIO()
    writer = CsvDossierWriter(buffer)
    writer.close()
    assert buffer.getvalue().startswith(b"\xef\xbb\xbf")
    says("writes UTF-8 with a BOM")


def test_healthz_backlog_age_is_15_minutes() -> None:
    from bot.web import MAX_PENDING_AGE

    assert MAX_PENDING_AGE == timedelta(minutes=15)
    says("notices older than 15 minutes")
