"""Which reminders are due (nhắc hạn), for which dossier, on which local day; digest content.

Pure rules on top of the WorkCalendar: no SQL and no clock (bot/scheduler.py reads both).
Default rules (settings): 3 and 1 working days before the due date, on the due date, every
working day while overdue, and the leaders are told once when a dossier is 2 working days
overdue. Nothing goes in the quiet hours (21:00–07:00), and a day's reminders go from its
digest time (07:30) on, after the digest; digests only on working days, reminders that were
missed also on other days.

The latest reminder on or before the sweep's horizon is the one sent: after downtime the
missed ones collapse into one catch-up message saying where the dossier stands now, and the
records (dossier, rule, day) make any second look at the same reminder send nothing.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from string import Formatter
from typing import Any
from zoneinfo import ZoneInfo

from config.catalog import AwardCatalog
from config.settings import Settings
from db.models import StaffMember
from db.reminder_sweep import SweepSpec
from db.reminders import (
    RUNNING,
    BoardCounts,
    Outgoing,
    PlannedReminder,
    Planner,
    ReminderCandidate,
    SweepPlan,
    WorkItem,
)
from domain.calendar import WorkCalendar
from domain.statuses import Status
from handlers.casework_buttons import WorkPage
from handlers.formatting import vn_date
from handlers.texts import reminders as t

RULE_DUE = "due"
RULE_OVERDUE = "overdue"
RULE_ESCALATE = "escalate"
#: Lines per digest section before "… and N more".
DIGEST_SECTION_LIMIT = 10
#: The leaders' digest lists this many of the most overdue dossiers.
BOARD_TOP = 10
_CHUNK_DAYS = 370


def before_rule(days: int) -> str:
    """The rule name of the reminder `days` working days before the due date."""
    return f"before{days}"


@dataclass(frozen=True, slots=True)
class ReminderRules:
    """The configurable reminder rules and the hours they keep (from the settings)."""

    days_before: tuple[int, ...] = (3, 1)
    #: Tell the leaders when a dossier is this many working days overdue; 0 = never.
    escalate_after: int = 2
    digest_time: time = time(7, 30)
    quiet_start: time = time(21, 0)
    quiet_end: time = time(7, 0)

    @classmethod
    def from_settings(cls, settings: Settings) -> ReminderRules:
        return cls(
            days_before=tuple(settings.reminder_days_before),
            escalate_after=settings.escalate_after_days,
            digest_time=settings.digest_time,
            quiet_start=settings.quiet_start,
            quiet_end=settings.quiet_end,
        )

    @property
    def offsets(self) -> tuple[int, ...]:
        """Working days before the due date at which a reminder goes, 0 being the due date."""
        return tuple(sorted({0, *self.days_before}))

    @property
    def soon_days(self) -> int:
        """ "Due soon" in digests: within the earliest reminder's working days (default 3)."""
        return max(self.days_before, default=3)

    def is_quiet(self, moment: time) -> bool:
        """Quiet hours may span midnight (21:00–07:00); equal bounds mean no quiet hours."""
        start, end = self.quiet_start, self.quiet_end
        moment = moment.replace(tzinfo=None)
        if start == end:
            return False
        if start < end:
            return start <= moment < end
        return moment >= start or moment < end

    def quiet_at(self, tz: ZoneInfo) -> Callable[[datetime], bool]:
        """Whether an instant falls in the quiet hours, for the outbox and /healthz."""
        return lambda moment: self.is_quiet(moment.astimezone(tz).time())

    @property
    def send_time(self) -> time:
        """When a day's digest and reminders start to go: the digest time, or the end of the
        quiet hours when the digest time falls inside them."""
        return self.quiet_end if self.is_quiet(self.digest_time) else self.digest_time

    def may_send(self, local_now: datetime) -> bool:
        """From the send time until the quiet hours start, every day."""
        moment = local_now.time().replace(tzinfo=None)
        return not self.is_quiet(moment) and moment >= self.send_time


class WorkdayIndex:
    """Working-day ordinals over a growing range of dates, so that counting working days
    between two dates is a subtraction even for dossiers overdue for years.

    `ordinal(day)` is the number of working days up to and including `day`, from an
    arbitrary origin: only differences mean something.
    """

    def __init__(self, calendar: WorkCalendar, around: date) -> None:
        self.calendar = calendar
        self._start = around - timedelta(days=_CHUNK_DAYS)
        self._end = self._start - timedelta(days=1)
        self._days: list[date] = []
        self._base = 0
        self._extend_to(around + timedelta(days=_CHUNK_DAYS))

    def _extend_to(self, day: date) -> None:
        added = []
        while self._end < day:
            self._end += timedelta(days=1)
            if self.calendar.is_working_day(self._end):
                added.append(self._end)
        self._days.extend(added)

    def _extend_back_to(self, day: date) -> None:
        added = []
        while self._start > day:
            self._start -= timedelta(days=1)
            if self.calendar.is_working_day(self._start):
                added.append(self._start)
        added.reverse()
        # Prepending shifts list positions; the base keeps every ordinal already given valid.
        self._base -= len(added)
        self._days[:0] = added

    def _cover(self, day: date) -> None:
        if day < self._start:
            self._extend_back_to(day - timedelta(days=_CHUNK_DAYS))
        if day > self._end:
            self._extend_to(day + timedelta(days=_CHUNK_DAYS))

    def ordinal(self, day: date) -> int:
        self._cover(day)
        return self._base + bisect_right(self._days, day)

    def day_at(self, ordinal: int) -> date:
        """The working day whose ordinal is `ordinal`."""
        while ordinal - self._base < 1:
            self._extend_back_to(self._start - timedelta(days=_CHUNK_DAYS))
        while ordinal - self._base > len(self._days):
            self._extend_to(self._end + timedelta(days=_CHUNK_DAYS))
        return self._days[ordinal - self._base - 1]

    def offset(self, due_on: date, day: date) -> int:
        """Working days from `day` to `due_on`: > 0 before, 0 on the last working day up to
        the due date, < 0 overdue by that many working days."""
        return self.ordinal(due_on) - self.ordinal(day)


@dataclass(frozen=True, slots=True)
class Occurrence:
    """A reminder rule falling on a working day for one dossier."""

    rule: str
    day: date


def reminders_due(
    due_on: date, horizon: date, rules: ReminderRules, index: WorkdayIndex
) -> list[Occurrence]:
    """The latest reminder on or before `horizon`, and the escalation once it has come."""
    at = index.ordinal(horizon)
    due = index.ordinal(due_on)
    left = due - at
    found: list[Occurrence] = []
    if left < 0:
        found.append(Occurrence(RULE_OVERDUE, index.day_at(at)))
    else:
        passed = [offset for offset in rules.offsets if offset >= left]
        if passed:
            offset = min(passed)
            rule = RULE_DUE if offset == 0 else before_rule(offset)
            found.append(Occurrence(rule, index.day_at(due - offset)))
    if rules.escalate_after > 0 and left <= -rules.escalate_after:
        found.append(Occurrence(RULE_ESCALATE, index.day_at(due + rules.escalate_after)))
    return found


def next_reminder_day(
    due_on: date, horizon: date, rules: ReminderRules, index: WorkdayIndex
) -> date:
    """The first working day after `horizon` on which a rule falls for this due date."""
    following = index.ordinal(horizon) + 1
    left = index.ordinal(due_on) - following
    if left <= 0:
        return index.day_at(following)
    offset = max(offset for offset in rules.offsets if offset <= left)
    return index.day_at(index.ordinal(due_on) - offset)


def deadline_phrase(due_on: date, today: date, index: WorkdayIndex) -> str:
    """`còn 3 ngày làm việc`, `đến hạn hôm nay`, `quá hạn 2 ngày làm việc`."""
    if due_on < today:
        late = -index.offset(due_on, today)
        return t.OVERDUE_DAYS.format(days=late) if late > 0 else t.OVERDUE
    if due_on == today:
        return t.DUE_TODAY
    left = index.offset(due_on, today)
    return t.LEFT_DAYS.format(days=left) if left > 0 else t.DUE_ON_DAY_OFF


def item_phrase(item: WorkItem, today: date, index: WorkdayIndex) -> str:
    if item.status is Status.needs_supplement:
        if item.supplement_since is None:  # imported that way: since when is unknown
            return t.WAITING
        return t.WAITING_SINCE.format(date=vn_date(item.supplement_since))
    return deadline_phrase(item.due_on, today, index)


# --- the sweep's planner ------------------------------------------------------------------------


def make_planner(
    *,
    rules: ReminderRules,
    index: WorkdayIndex,
    horizon: date,
    today: date,
    staff: Sequence[StaffMember],
    blocked: set[int],
    award_name: Callable[[str], str],
) -> Planner:
    """The planner the sweep calls for each dossier whose wake-up date has come.

    Reminders go to the assigned officer, or to every officer when the dossier is unassigned
    (or its officer is no longer active); escalations to the leaders. Only people who want
    reminders and have not blocked the bot, on the channel and chat they registered from.
    """
    by_id = {member.id: member for member in staff}

    def reachable(member: StaffMember) -> bool:
        return member.active and member.reminders_enabled and member.id not in blocked

    officers = [m for m in staff if m.role == "officer" and reachable(m)]
    leaders = [m for m in staff if m.role == "leader" and reachable(m)]

    def plan(dossier: ReminderCandidate) -> SweepPlan:
        if dossier.status not in RUNNING:
            return SweepPlan()
        officer = by_id.get(dossier.officer_id) if dossier.officer_id is not None else None
        if officer is None:
            targets = officers
        else:
            targets = [officer] if reachable(officer) else []
        planned = []
        for occurrence in reminders_due(dossier.due_on, horizon, rules, index):
            people = leaders if occurrence.rule == RULE_ESCALATE else targets
            payload = reminder_payload(dossier, occurrence.rule, officer, today, index, award_name)
            messages = tuple(
                Outgoing(
                    key=f"remind:{dossier.id}:{occurrence.rule}:{occurrence.day}:{member.id}",
                    channel=member.channel,
                    chat_id=member.chat_id,
                    payload=payload,
                )
                for member in people
            )
            planned.append(PlannedReminder(occurrence.rule, occurrence.day, messages))
        return SweepPlan(
            reminders=tuple(planned),
            next_on=next_reminder_day(dossier.due_on, horizon, rules, index),
        )

    return plan


def reminder_payload(
    dossier: ReminderCandidate,
    rule: str,
    officer: StaffMember | None,
    today: date,
    index: WorkdayIndex,
    award_name: Callable[[str], str],
) -> dict[str, Any]:
    """The reminder's text says where the dossier stands today, also when it is a catch-up."""
    kind = "before" if rule.startswith("before") else rule
    officer_line = (
        t.OFFICER_LINE.format(name=officer.name) if officer is not None else t.UNASSIGNED_LINE
    )
    text = t.REMINDER.format(
        headline=t.HEADLINES[kind],
        code=dossier.code,
        nominee=dossier.nominee,
        award=award_name(dossier.award_kind),
        status=dossier.status.label,
        due=vn_date(dossier.due_on),
        phrase=deadline_phrase(dossier.due_on, today, index),
        officer_line=officer_line,
    )
    if rule == RULE_ESCALATE:
        text += "\n" + t.ESCALATION_FOOTER.format(code=dossier.code)
    return {"text": text}


# --- digests ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DigestWindow:
    """The due dates a digest sorts into "today" and "soon" (working days from today)."""

    today: date
    #: Due dates up to this one count as due today (a due date on a day off after today).
    today_until: date
    #: Due dates after `today_until` and up to this one are due soon.
    soon_until: date

    @classmethod
    def build(cls, today: date, rules: ReminderRules, index: WorkdayIndex) -> DigestWindow:
        now = index.ordinal(today)
        # The day before the next working day: due dates on the days off in between count too.
        return cls(
            today=today,
            today_until=index.day_at(now + 1) - timedelta(days=1),
            soon_until=index.day_at(now + rules.soon_days + 1) - timedelta(days=1),
        )


def officer_digest(
    member: StaffMember,
    items: Sequence[WorkItem],
    window: DigestWindow,
    rules: ReminderRules,
    index: WorkdayIndex,
    counts: dict[str, int] | None = None,
) -> dict[str, Any] | None:
    """An officer's digest: due today, due soon, overdue, waiting for supplements (theirs and
    the unassigned); None when there is nothing to report. `counts`: how many each section
    holds when `items` are only the first of each (`ReminderRepository.digest_sections`)."""
    sections: dict[str, list[WorkItem]] = {"today": [], "soon": [], "overdue": [], "wait": []}
    for item in items:
        if item.status is Status.needs_supplement:
            sections["wait"].append(item)
        elif item.due_on < window.today:
            sections["overdue"].append(item)
        elif item.due_on <= window.today_until:
            sections["today"].append(item)
        elif item.due_on <= window.soon_until:
            sections["soon"].append(item)
    if not any(sections.values()):
        return None
    lines = [t.DIGEST_HEADER.format(date=vn_date(window.today), name=member.name)]
    titles = {
        "today": t.DIGEST_TODAY,
        "soon": t.DIGEST_SOON,
        "overdue": t.DIGEST_OVERDUE,
        "wait": t.DIGEST_SUPPLEMENT,
    }
    for name, title in titles.items():
        found = sections[name]
        if not found:
            continue
        total = counts.get(name, len(found)) if counts is not None else len(found)
        lines += ["", title.format(count=total, days=rules.soon_days)]
        for item in found[:DIGEST_SECTION_LIMIT]:
            template = t.DIGEST_SUPPLEMENT_LINE if name == "wait" else t.DIGEST_LINE
            lines.append(
                template.format(
                    code=item.code,
                    nominee=item.nominee,
                    due=vn_date(item.due_on),
                    phrase=item_phrase(item, window.today, index),
                    unassigned=t.DIGEST_UNASSIGNED_MARK if item.officer_id is None else "",
                )
            )
        if total > DIGEST_SECTION_LIMIT:
            lines.append(t.DIGEST_MORE.format(count=total - DIGEST_SECTION_LIMIT))
    lines += ["", t.DIGEST_FOOTER]
    return {"text": "\n".join(lines), "choices": [[t.DIGEST_BUTTON, WorkPage("v", 1).pack()]]}


def officer_digest_items(
    sections: dict[int | None, tuple[list[WorkItem], dict[str, int]]], officer_id: int
) -> tuple[list[WorkItem], dict[str, int]]:
    """An officer's digest lines from `ReminderRepository.digest_sections`: their own and the
    unassigned dossiers, by due date, and the sections' sizes added up."""
    own, own_counts = sections.get(officer_id, ([], {}))
    free, free_counts = sections.get(None, ([], {}))
    items = sorted([*own, *free], key=lambda item: (item.due_on, item.id))
    counts = {
        name: own_counts.get(name, 0) + free_counts.get(name, 0)
        for name in {*own_counts, *free_counts}
    }
    return items, counts


def leader_digest(
    counts: BoardCounts,
    most_overdue: Sequence[WorkItem],
    window: DigestWindow,
    rules: ReminderRules,
    index: WorkdayIndex,
) -> dict[str, Any] | None:
    """The leaders' digest: board-wide counts and the most overdue dossiers; None when the
    board has no open dossier at all."""
    if counts.running == 0 and counts.supplement == 0:
        return None
    lines = [
        t.BOARD_HEADER.format(date=vn_date(window.today)),
        t.BOARD_COUNTS.format(
            running=counts.running,
            today=counts.due_today,
            days=rules.soon_days,
            soon=counts.due_soon,
            overdue=counts.overdue,
            supplement=counts.supplement,
            unassigned=counts.unassigned,
        ),
        "",
    ]
    if not most_overdue:
        lines.append(t.BOARD_NO_OVERDUE)
        return {"text": "\n".join(lines)}
    lines.append(t.BOARD_TOP.format(count=len(most_overdue)))
    lines += [
        t.BOARD_TOP_LINE.format(
            index=number,
            code=item.code,
            nominee=item.nominee,
            phrase=deadline_phrase(item.due_on, window.today, index),
            officer=item.officer_name or t.UNASSIGNED,
        )
        for number, item in enumerate(most_overdue, start=1)
    ]
    lines += ["", t.BOARD_FOOTER]
    return {"text": "\n".join(lines), "choices": [[t.BOARD_BUTTON, WorkPage("q", 1).pack()]]}


def digest_key(member: StaffMember, day: date) -> str:
    return f"digest:{day}:{member.id}"


# --- the set-based sweep's rules as data ----------------------------------------------------------


def _around(template: str) -> tuple[str, str]:
    """`còn {days} ngày` → (`còn `, ` ngày`): the words around a template's one field."""
    pieces = list(Formatter().parse(template))
    before = pieces[0][0]
    after = "".join(literal for literal, *_rest in pieces[1:])
    return before, after


def sweep_spec(
    *,
    rules: ReminderRules,
    index: WorkdayIndex,
    today: date,
    first_due: date,
    last_due: date,
    staff: Sequence[StaffMember],
    blocked: set[int],
    catalog: AwardCatalog,
) -> SweepSpec:
    """What `make_planner` decides, as data for db/reminder_sweep.py's statements: the same
    rules, recipients and words, applied in SQL to every dossier at once."""
    margin = timedelta(days=2 * (max(rules.offsets) + rules.escalate_after) + 30)
    start, end = min(first_due, today) - margin, max(last_due, today) + margin
    days = []
    day = start
    while day <= end:
        working = index.calendar.is_working_day(day)
        days.append((day.isoformat(), index.ordinal(day), int(working)))
        day += timedelta(days=1)
    reachable = [
        (
            member.id,
            member.channel,
            member.chat_id,
            member.role,
            member.name,
            int(member.active and member.reminders_enabled and member.id not in blocked),
        )
        for member in staff
    ]
    template = tuple(
        (literal, field) for literal, field, _spec, _conversion in Formatter().parse(t.REMINDER)
    )
    footer_before, footer_after = _around(t.ESCALATION_FOOTER)
    return SweepSpec(
        today=today,
        days=days,
        offsets=rules.offsets,
        escalate_after=rules.escalate_after,
        staff=reachable,
        awards=[(kind.code, kind.name) for kind in catalog.kinds],
        statuses=[(status.value, status.label) for status in Status],
        headlines=dict(t.HEADLINES),
        template=template,
        officer_line=_around(t.OFFICER_LINE),
        unassigned_line=t.UNASSIGNED_LINE,
        footer=("\n" + footer_before, footer_after),
        left_days=_around(t.LEFT_DAYS),
        overdue_days=_around(t.OVERDUE_DAYS),
        due_today=t.DUE_TODAY,
        overdue=t.OVERDUE,
        due_on_day_off=t.DUE_ON_DAY_OFF,
    )
