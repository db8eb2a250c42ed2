"""The half-year report (báo cáo 6 tháng): its figures, paragraph, table and chart; /thongke.

Usage (board staff): `/thongke` — dossiers received in the current half-year, as of today;
`/thongke DD/MM/YYYY DD/MM/YYYY` — another period. The period's dossiers as a file are
`/xuat` (handlers/staff_export.py).
"""

from __future__ import annotations

import asyncio
import math
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from config.catalog import AwardCatalog
from db.models import instant_to_db
from db.reports import ReportGroup, ReportRepository
from db.review import ReviewFigures, review_figures
from domain import periods
from domain.periods import DECREE_09_YEAR_START
from domain.statuses import PASSED_APPRAISAL, RESOLVED, Status
from handlers import apology, rating
from handlers.formatting import vn_date, vn_number, vn_percent
from handlers.importing.columns import parse_date
from handlers.messages import Incoming, Reply
from handlers.review.figures import review_json, review_lines
from handlers.roles import STAFF
from handlers.router import Router
from handlers.services import Services
from handlers.texts import report as t

#: Withdrawn and stopped dossiers are finished without a result: neither resolved nor pending.
CLOSED = frozenset({Status.withdrawn, Status.stopped})
DEFAULT_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


class ReportInputError(Exception):
    """The requested period cannot be reported; the message says why, in Vietnamese."""


@dataclass(frozen=True, slots=True)
class Period:
    """Dossiers received in [start, end], counted as they stood at the end of `as_of`.

    An as-of day before the end re-issues the report as it stood then (the board's report of
    the first half of 2017 is dated 26/06): only dossiers received by that day count.
    """

    start: date
    end: date
    as_of: date

    @property
    def received_until(self) -> date:
        return min(self.end, self.as_of)

    @property
    def partial(self) -> bool:
        """The figures stop before the period's last day."""
        return self.as_of < self.end


def half_year(day: date, year_start: str = DECREE_09_YEAR_START) -> tuple[date, date]:
    """The six-month period (15/12–14/6 or 15/6–14/12 by default) that contains `day`."""
    return periods.half_year(day, year_start)


def choose_period(
    today: date,
    start: date | None = None,
    end: date | None = None,
    as_of: date | None = None,
    *,
    year_start: str = DECREE_09_YEAR_START,
) -> Period:
    """The period to report; with no dates, Decree 09/2019's current period up to the as-of day.

    A period still running may be asked by its real bounds (its end is then after today, up to
    the current reporting year's end): the figures are as of today, and the heading says so.
    """
    as_of = as_of or today
    if as_of > today:
        raise ReportInputError(t.FUTURE_DATE.format(day=vn_date(as_of), today=vn_date(today)))
    if start is None and end is None:
        start, end = periods.default_period(as_of, year_start)
        return Period(start, end, as_of)
    if start is None or end is None:
        raise ReportInputError(t.BOTH_BOUNDS)
    if end < start:
        raise ReportInputError(t.END_BEFORE_START.format(start=vn_date(start), end=vn_date(end)))
    if start > today:
        raise ReportInputError(t.FUTURE_DATE.format(day=vn_date(start), today=vn_date(today)))
    latest_end = periods.reporting_year(today, year_start)[1]
    if end > latest_end:
        raise ReportInputError(
            t.END_TOO_LATE.format(end=vn_date(end), today=vn_date(today), last=vn_date(latest_end))
        )
    if as_of < start:
        raise ReportInputError(
            t.AS_OF_BEFORE_START.format(as_of=vn_date(as_of), start=vn_date(start))
        )
    return Period(start, end, as_of)


@dataclass
class Tally:
    """The report's counts for one slice: the whole period, one award kind or one month."""

    received: int = 0
    resolved: int = 0
    passed: int = 0
    failed: int = 0
    on_time: int = 0
    #: Of on_time, resolved before the due date (trước hẹn); the rest on the day (đúng hẹn).
    early: int = 0
    pending_within_deadline: int = 0
    overdue: int = 0
    closed: int = 0

    @property
    def pending(self) -> int:
        return self.pending_within_deadline + self.overdue

    @property
    def on_day(self) -> int:
        return self.on_time - self.early

    @property
    def late(self) -> int:
        return self.resolved - self.on_time

    def add(self, group: ReportGroup) -> None:
        count = group.dossiers
        status = Status(group.status)
        self.received += count
        if group.resolved:
            self.resolved += count
            if status in PASSED_APPRAISAL:
                self.passed += count
            else:
                self.failed += count
            if group.on_time:
                self.on_time += count
            if group.early:
                self.early += count
        elif status in CLOSED and group.closed:
            self.closed += count
        elif group.past_due:
            self.overdue += count
        else:
            self.pending_within_deadline += count


@dataclass
class ReportFigures:
    """Everything the paragraph, the table, the JSON and the chart show."""

    period: Period
    total: Tally = field(default_factory=Tally)
    by_award_kind: dict[str, Tally] = field(default_factory=dict)
    #: Status as of the as-of day: one resolved later was still being handled (in review).
    by_status: dict[Status, int] = field(default_factory=lambda: dict.fromkeys(Status, 0))
    #: `YYYY-MM` of receipt → counts, every month of the period, in order.
    by_month: dict[str, Tally] = field(default_factory=dict)
    #: Received before the period and still open at its start (hồ sơ kỳ trước chuyển sang),
    #: counted as they stood on the as-of day; not part of `total`.
    carried_over: Tally = field(default_factory=Tally)
    #: Issue 25: the units' submissions received in the period (None when not asked).
    review: ReviewFigures | None = None

    @property
    def empty(self) -> bool:
        return self.total.received == 0


def _months(start: date, end: date) -> list[str]:
    months, year, month = [], start.year, start.month
    while (year, month) <= (end.year, end.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def figures_from_groups(period: Period, groups: list[ReportGroup]) -> ReportFigures:
    """Add up the grouped rows of the report query."""
    figures = ReportFigures(period=period)
    figures.by_month = {month: Tally() for month in _months(period.start, period.received_until)}
    for group in groups:
        figures.total.add(group)
        figures.by_award_kind.setdefault(group.award_kind, Tally()).add(group)
        figures.by_month.setdefault(group.month, Tally()).add(group)
        status = Status(group.status)
        if (status in RESOLVED and not group.resolved) or (status in CLOSED and not group.closed):
            status = Status.in_review
        figures.by_status[status] += group.dossiers
    return figures


async def build_report(
    reports: ReportRepository, period: Period, tz: tzinfo = DEFAULT_TZ
) -> ReportFigures:
    """The figures of the period, from one grouped scan of the dossiers table, and the line of
    dossiers carried over; local days (`tz`) are placed against instants stored in UTC."""
    start_utc, as_of_end_utc = (
        instant_to_db(datetime.combine(day, time(0), tz))
        for day in (period.start, period.as_of + timedelta(days=1))
    )
    groups = await reports.groups(
        period.start, period.received_until, period.as_of, as_of_end_utc=as_of_end_utc
    )
    figures = figures_from_groups(period, groups)
    carried = await reports.carried_over(
        period.start, period.as_of, start_utc=start_utc, as_of_end_utc=as_of_end_utc
    )
    for group in carried:
        figures.carried_over.add(group)
    figures.review = await review_figures(
        reports.db, period.start, period.received_until, as_of_end_utc
    )
    return figures


def share(part: int, whole: int) -> float | None:
    """`part` as a percentage of `whole` with one decimal (half up); None when `whole` is 0."""
    if whole == 0:
        return None
    return math.floor(part * 1000 / whole + 0.5) / 10


def report_percent(part: int, whole: int) -> str:
    """A share as the report writes it: whole percent, `95%`.

    Rounding must not claim `100%` or `0%` when that is not exactly true (one late dossier in
    a thousand is not "100% on time"), so near the ends one decimal is shown: `99,9%`.
    """
    if whole == 0 or part == 0:
        return vn_percent(0)
    if part == whole:
        return vn_percent(100)
    value = part * 100 / whole
    rounded = math.floor(value + 0.5)
    if 0 < rounded < 100:
        return vn_percent(rounded)
    return vn_percent(min(max(math.floor(value * 10 + 0.5) / 10, 0.1), 99.9), 1)


def report_paragraph(figures: ReportFigures) -> str:
    """The paragraph in the board's own words, e.g. "Tiếp nhận 3.829 hồ sơ, giải quyết …"."""
    total = figures.total
    pending = _pending_clause(total)
    if total.resolved == 0:
        text = t.PARAGRAPH_NONE_RESOLVED.format(received=vn_number(total.received), pending=pending)
    else:
        text = t.PARAGRAPH.format(
            received=vn_number(total.received),
            resolved=vn_number(total.resolved),
            passed=vn_number(total.passed),
            passed_pct=report_percent(total.passed, total.resolved),
            failed=vn_number(total.failed),
            failed_pct=report_percent(total.failed, total.resolved),
            on_time_pct=report_percent(total.on_time, total.resolved),
            pending=pending,
        )
    if total.closed:
        text += t.CLOSED_SENTENCE.format(closed=vn_number(total.closed))
    return text


def carried_over_line(figures: ReportFigures) -> str:
    """The line of dossiers carried over from the previous period, as they stand now."""
    carried = figures.carried_over
    if carried.received == 0:
        return t.CARRIED_NONE.format(start=vn_date(figures.period.start))
    line = t.CARRIED_LINE.format(
        count=vn_number(carried.received),
        start=vn_date(figures.period.start),
        resolved=vn_number(carried.resolved),
        on_time=vn_number(carried.on_time),
        pending=vn_number(carried.pending),
    )
    if carried.overdue:
        line += t.AWARD_OVERDUE.format(overdue=vn_number(carried.overdue))
    if carried.closed:
        line += t.CARRIED_CLOSED.format(closed=vn_number(carried.closed))
    return line + "."


def timeliness_lines(figures: ReportFigures) -> list[str]:
    """Issue 25: resolved early (trước hẹn), on the day (đúng hẹn) and late, as the seed says."""
    total = figures.total
    if total.resolved == 0:
        return []
    return [
        t.TIMELINESS.format(
            early=vn_number(total.early),
            early_pct=report_percent(total.early, total.resolved),
            on_day=vn_number(total.on_day),
            on_day_pct=report_percent(total.on_day, total.resolved),
            late=vn_number(total.late),
            late_pct=report_percent(total.late, total.resolved),
        )
    ]


def _pending_clause(total: Tally) -> str:
    within, overdue = total.pending_within_deadline, total.overdue
    if within and overdue:
        return t.PENDING_BOTH.format(within=vn_number(within), overdue=vn_number(overdue))
    if overdue:
        return t.PENDING_OVERDUE.format(overdue=vn_number(overdue))
    if within:
        return t.PENDING_WITHIN.format(within=vn_number(within))
    return t.PENDING_NONE


def award_kind_lines(figures: ReportFigures, catalog: AwardCatalog) -> list[str]:
    """The table by award kind, most received first, one line each (readable on a phone)."""
    lines = [t.BY_AWARD_KIND]
    ranked = sorted(figures.by_award_kind.items(), key=lambda item: (-item[1].received, item[0]))
    for code, tally in ranked:
        line = t.AWARD_LINE.format(
            name=catalog.name_of(code),
            received=vn_number(tally.received),
            resolved=vn_number(tally.resolved),
            passed=vn_number(tally.passed),
            failed=vn_number(tally.failed),
            pending=vn_number(tally.pending),
        )
        if tally.overdue:
            line += t.AWARD_OVERDUE.format(overdue=vn_number(tally.overdue))
        lines.append(line)
    return lines


def status_lines(figures: ReportFigures) -> list[str]:
    lines = [t.BY_STATUS.format(as_of=vn_date(figures.period.as_of))]
    lines += [
        t.STATUS_LINE.format(label=status.label, count=vn_number(count))
        for status, count in figures.by_status.items()
        if count
    ]
    return lines


def report_text(
    figures: ReportFigures, catalog: AwardCatalog, *, with_statuses: bool = False
) -> str:
    """Heading, paragraph and the table by award kind (and by status when asked)."""
    lines = [
        report_heading(figures.period),
        report_paragraph(figures),
        carried_over_line(figures),
        *timeliness_lines(figures),
        "",
        *award_kind_lines(figures, catalog),
    ]
    if with_statuses:
        lines += ["", *status_lines(figures)]
    if review := review_lines(figures.review):
        lines += ["", *review]
    return "\n".join(lines)


def report_heading(period: Period) -> str:
    """The heading; an as-of day before the period's end is said, with what it means."""
    dates = {
        "start": vn_date(period.start),
        "end": vn_date(period.end),
        "as_of": vn_date(period.as_of),
    }
    return (t.HEADING_PARTIAL if period.partial else t.HEADING).format(**dates)


def _tally_json(tally: Tally) -> dict[str, int]:
    return {
        "received": tally.received,
        "resolved": tally.resolved,
        "passed": tally.passed,
        "failed": tally.failed,
        "on_time": tally.on_time,
        "pending": tally.pending,
        "pending_within_deadline": tally.pending_within_deadline,
        "overdue": tally.overdue,
    }


def report_json(figures: ReportFigures, catalog: AwardCatalog) -> dict[str, Any]:
    """The figures under the keys the issue fixes; shares are percentages of resolved."""
    total = figures.total
    return {
        "received": total.received,
        "resolved": total.resolved,
        "passed": total.passed,
        "passed_pct": share(total.passed, total.resolved),
        "failed": total.failed,
        "failed_pct": share(total.failed, total.resolved),
        "on_time": total.on_time,
        "on_time_pct": share(total.on_time, total.resolved),
        "pending": total.pending,
        "pending_within_deadline": total.pending_within_deadline,
        "overdue": total.overdue,
        "by_award_kind": {
            code: {"name": catalog.name_of(code), **_tally_json(tally)}
            for code, tally in sorted(figures.by_award_kind.items())
        },
        # Issue 25: resolved before the due date, on it, and after it.
        "timeliness": {"early": total.early, "on_day": total.on_day, "late": total.late},
        "submissions": review_json(figures.review),
        "by_status": {status.value: count for status, count in figures.by_status.items()},
        "carried_over": {
            **_tally_json(figures.carried_over),
            "closed": figures.carried_over.closed,
        },
        "period": {
            "start": figures.period.start.isoformat(),
            "end": figures.period.end.isoformat(),
            "as_of": figures.period.as_of.isoformat(),
            "received_until": figures.period.received_until.isoformat(),
        },
    }


def report_chart(figures: ReportFigures) -> bytes:
    """The chart of the figures as PNG bytes."""
    # matplotlib takes a noticeable moment to import: only pay for it when a chart is drawn.
    from handlers.chart import MonthBar, render_chart

    period = figures.period
    months = [
        MonthBar(
            label=t.CHART_MONTH.format(month=int(key[5:7]), year=int(key[:4])),
            received=tally.received,
            resolved=tally.resolved,
            pending=tally.pending,
        )
        for key, tally in figures.by_month.items()
    ]
    return render_chart(
        months,
        figures.total.passed,
        figures.total.failed,
        title=t.CHART_TITLE.format(start=vn_date(period.start), end=vn_date(period.received_until)),
        subtitle=t.CHART_MONTHS_TITLE.format(as_of=vn_date(period.as_of)),
        shares=(
            report_percent(figures.total.passed, figures.total.resolved),
            report_percent(figures.total.failed, figures.total.resolved),
        ),
    )


def period_from_args(
    args: str, today: date, usage: str, year_start: str = DECREE_09_YEAR_START
) -> Period:
    """`` or `DD/MM/YYYY DD/MM/YYYY` typed after a command, as a period up to today."""
    words = args.split()
    if not words:
        return choose_period(today, year_start=year_start)
    if len(words) != 2:
        raise ReportInputError(usage)
    days = []
    for word in words:
        day = parse_date(word)
        if day is None:
            raise ReportInputError(t.BAD_DATE.format(value=word[:40]) + "\n" + usage)
        days.append(day)
    return choose_period(today, days[0], days[1], year_start=year_start)


def register(router: Router) -> None:
    router.command(
        "thongke", thongke, t.COMMAND_DESCRIPTIONS["thongke"], roles=STAFF, slow=period_given
    )


def period_given(args: str, services: Services) -> bool:
    """Slow only when the arguments name a period: a wrong one is answered at once."""
    try:
        period_from_args(args, services.today(), "", services.settings.report_year_start)
    except ReportInputError:
        return False
    return True


async def thongke(incoming: Incoming, services: Services, args: str) -> list[Reply]:
    """The report's text, then its chart as a photo."""
    try:
        period = period_from_args(
            args, services.today(), t.USAGE, services.settings.report_year_start
        )
    except ReportInputError as exc:
        return [Reply(str(exc))]
    figures = await build_report(services.reports, period, services.tz)
    if figures.empty:
        return [Reply(_empty_message(period))]
    # Rendering takes a few hundred milliseconds of CPU: keep the event loop serving others.
    png = await asyncio.to_thread(report_chart, figures)
    caption = t.CHART_CAPTION.format(
        start=vn_date(period.start), end=vn_date(period.received_until)
    )
    # Issue 26.5: the satisfaction index of the ratings given in the period (766/QĐ-TTg).
    rated = await rating.satisfaction(services, period.start, period.received_until)
    late = await apology.report_line(services, period.start, period.received_until, period.as_of)
    text = "\n".join(
        [
            report_text(figures, services.catalog),
            late,
            "",
            *rating.satisfaction_lines(rated, services),
        ]
    )
    return [
        Reply(text),
        Reply(caption, image=png, image_name=f"thong-ke-{_stamp(period)}.png"),
    ]


def _empty_message(period: Period) -> str:
    return t.EMPTY_PERIOD.format(start=vn_date(period.start), end=vn_date(period.received_until))


def _stamp(period: Period) -> str:
    return f"{period.start:%Y%m%d}-{period.end:%Y%m%d}"
