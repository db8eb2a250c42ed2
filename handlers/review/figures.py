"""The report's lines on submissions (issue 25): rows by campaign or topic, returns within the
limit, and the council's passed and not passed."""

from __future__ import annotations

from typing import Any

from db.review import ReviewFigures
from handlers.formatting import vn_number
from handlers.texts import review as t


def review_lines(figures: ReviewFigures | None) -> list[str]:
    """Nothing when no submission was received in the period (the dossiers' report stands)."""
    if figures is None or figures.submissions == 0:
        return []
    named = {name: n for name, n in figures.by_campaign.items() if name}
    lines = [
        t.REPORT_SUBMISSIONS.format(
            submissions=vn_number(figures.submissions),
            rows=vn_number(figures.rows),
            topics=vn_number(len(named)),
        )
    ]
    lines += [
        t.REPORT_CAMPAIGN.format(name=name or t.REPORT_NO_CAMPAIGN, rows=vn_number(n))
        for name, n in figures.by_campaign.items()
    ]
    lines.append(
        t.REPORT_RETURNS.format(
            returned=vn_number(figures.returned_rows),
            within=vn_number(figures.returned_within),
        )
    )
    lines.append(
        t.REPORT_COUNCIL.format(
            passed=vn_number(figures.council_passed), failed=vn_number(figures.council_failed)
        )
    )
    return lines


def review_json(figures: ReviewFigures | None) -> dict[str, Any]:
    if figures is None:
        return {}
    return {
        "submissions": figures.submissions,
        "rows": figures.rows,
        "topics": len([name for name in figures.by_campaign if name]),
        "rows_by_campaign": figures.by_campaign,
        "returned": figures.returned_rows,
        "returned_within_limit": figures.returned_within,
        "council_passed": figures.council_passed,
        "council_not_passed": figures.council_failed,
    }
