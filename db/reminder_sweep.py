"""The reminder sweep in set-based SQL: every due reminder recorded and queued by INSERT … SELECT.

The rules (which reminder falls due, to whom, with which words) are decided in
handlers/reminders.py and arrive here as data in a `SweepSpec`: the working-day ordinals of
the days involved, the offsets, the staff who may be reached, the award names, the status
labels and the message template split into literal pieces and fields. The statements below
apply them to every dossier whose wake-up date (`remind_on`) has come, in one transaction:
no Python object per reminder, so a morning's tens of thousands of messages take a fraction
of a second. Exactly once as before: `reminders_sent` (dossier, rule, day) and the outbox's
dedupe key are both unique, and the records are written with the messages.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from db.connection import Database
from db.models import instant_to_db
from db.reminders import SweepResult

#: The fields a reminder's template may name, and the SQL that fills each.
_FIELDS = {
    "headline": "h.headline",
    "code": "c.code",
    "nominee": "c.nominee",
    "award": "COALESCE(a.name, c.award_kind)",
    "status": "COALESCE(l.label, c.status)",
    "due": "strftime('%d/%m/%Y', c.due_on)",
    "phrase": "c.phrase",
    "officer_line": "c.officer_line",
}

Template = tuple[tuple[str, str | None], ...]


@dataclass(frozen=True)
class SweepSpec:
    """The reminder rules of one tick as data (built by handlers/reminders.sweep_spec)."""

    today: date
    #: (ISO day, working-day ordinal, 1 when a working day) for every day the sweep may need.
    days: list[tuple[str, int, int]]
    #: Working days before the due date at which a reminder goes, 0 being the due date.
    offsets: tuple[int, ...]
    escalate_after: int
    #: Active staff: (id, channel, chat_id, role, name, 1 when reachable).
    staff: list[tuple[int, str, str, str, str, int]]
    awards: list[tuple[str, str]]
    statuses: list[tuple[str, str]]
    #: Headline per rule kind (before, due, overdue, escalate).
    headlines: dict[str, str]
    #: The reminder's template as (literal, field or None) pieces; fields from _FIELDS.
    template: Template
    #: Around the officer's name, and the line when nobody is assigned.
    officer_line: tuple[str, str]
    unassigned_line: str
    #: Appended to an escalation, around the code.
    footer: tuple[str, str]
    #: Deadline phrases: around N working days left / overdue, and the fixed ones.
    left_days: tuple[str, str]
    overdue_days: tuple[str, str]
    due_today: str
    overdue: str
    due_on_day_off: str


async def sweep_candidates_range(db: Database, horizon: date) -> tuple[str, str] | None:
    """The earliest and latest due date of the dossiers whose wake-up date has come."""
    row = await db.fetch_one(
        "SELECT MIN(due_on), MAX(due_on) FROM dossiers WHERE remind_on <= ?"
        " AND (snoozed_until IS NULL OR snoozed_until <= ?)",
        (horizon.isoformat(), horizon.isoformat()),
    )
    return (row[0], row[1]) if row and row[0] else None


async def sweep(db: Database, spec: SweepSpec, *, now: datetime) -> SweepResult:
    """Record and queue every reminder due by `spec.today`; move the wake-up dates on."""
    stamp = instant_to_db(now)
    text_sql, text_params = _text_expression(spec)
    params: dict[str, Any] = {
        "today": spec.today.isoformat(),
        "esc": spec.escalate_after,
        "stamp": stamp,
        "ol_pre": spec.officer_line[0],
        "ol_suf": spec.officer_line[1],
        "unassigned": spec.unassigned_line,
        "ld_pre": spec.left_days[0],
        "ld_suf": spec.left_days[1],
        "od_pre": spec.overdue_days[0],
        "od_suf": spec.overdue_days[1],
        "due_today": spec.due_today,
        "overdue": spec.overdue,
        "day_off": spec.due_on_day_off,
        "ft_pre": spec.footer[0],
        "ft_suf": spec.footer[1],
    }
    result = SweepResult()
    async with db.transaction() as conn:
        for statement in _TEMP_TABLES:
            await conn.execute(statement)
        try:
            await conn.executemany("INSERT INTO temp.sweep_day VALUES (?, ?, ?)", spec.days)
            await conn.executemany(
                "INSERT INTO temp.sweep_offset VALUES (?)", [(o,) for o in spec.offsets]
            )
            await conn.executemany(
                "INSERT INTO temp.sweep_staff VALUES (?, ?, ?, ?, ?, ?)", spec.staff
            )
            await conn.executemany("INSERT INTO temp.sweep_award VALUES (?, ?)", spec.awards)
            await conn.executemany("INSERT INTO temp.sweep_label VALUES (?, ?)", spec.statuses)
            await conn.executemany(
                "INSERT INTO temp.sweep_headline VALUES (?, ?)", list(spec.headlines.items())
            )
            await conn.execute(_CANDIDATES_SQL, params)
            await conn.execute("CREATE UNIQUE INDEX temp.sweep_cand_id ON sweep_cand (id)")
            async with conn.execute("SELECT COUNT(*) FROM temp.sweep_cand") as cursor:
                result.dossiers = int((await cursor.fetchone())[0])
            await conn.execute(_OCCURRENCES_SQL, params)
            await conn.execute(_TARGETS_SQL, params)
            await conn.execute("CREATE INDEX temp.sweep_target_key ON sweep_target (id, rule, day)")
            cursor = await conn.execute(_RECORD_SQL, params)
            result.reminders = cursor.rowcount
            await conn.execute(_MESSAGES_SQL.format(text=text_sql), {**params, **text_params})
            await conn.execute(
                "CREATE UNIQUE INDEX temp.sweep_msg_key ON sweep_msg (id, rule, day)"
            )
            cursor = await conn.execute(_ENQUEUE_SQL, params)
            result.messages = cursor.rowcount
            # By primary key: UPDATE … FROM would scan the whole table.
            await conn.execute(
                "UPDATE dossiers SET remind_on = (SELECT c.next_on FROM temp.sweep_cand c"
                " WHERE c.id = dossiers.id) WHERE id IN (SELECT id FROM temp.sweep_cand)"
            )
        finally:
            for table in _TEMP_NAMES:
                await conn.execute(f"DROP TABLE IF EXISTS temp.{table}")
    return result


def _text_expression(spec: SweepSpec) -> tuple[str, dict[str, str]]:
    """The SQL that writes a reminder's text: literals bound as parameters, fields as columns
    (a nominee's text is data, never part of the template)."""
    parts, params = [], {}
    for number, (literal, field) in enumerate(spec.template):
        if literal:
            params[f"lit{number}"] = literal
            parts.append(f":lit{number}")
        if field is not None:
            parts.append(_FIELDS[field])
    parts.append("(CASE WHEN t.rule = 'escalate' THEN :ft_pre || c.code || :ft_suf ELSE '' END)")
    return " || ".join(parts), params


_TEMP_NAMES = (
    "sweep_day",
    "sweep_offset",
    "sweep_staff",
    "sweep_award",
    "sweep_label",
    "sweep_headline",
    "sweep_cand",
    "sweep_occ",
    "sweep_target",
    "sweep_msg",
)
_TEMP_TABLES = (
    "CREATE TEMP TABLE sweep_day (day TEXT PRIMARY KEY, ordinal INTEGER NOT NULL,"
    " working INTEGER NOT NULL)",
    "CREATE INDEX temp.sweep_day_workday ON sweep_day (ordinal) WHERE working = 1",
    "CREATE TEMP TABLE sweep_offset (value INTEGER PRIMARY KEY)",
    "CREATE TEMP TABLE sweep_staff (id INTEGER PRIMARY KEY, channel TEXT, chat_id TEXT,"
    " role TEXT, name TEXT, reachable INTEGER)",
    "CREATE TEMP TABLE sweep_award (code TEXT PRIMARY KEY, name TEXT)",
    "CREATE TEMP TABLE sweep_label (status TEXT PRIMARY KEY, label TEXT)",
    "CREATE TEMP TABLE sweep_headline (kind TEXT PRIMARY KEY, headline TEXT)",
)
_WORKDAY = "(SELECT w.day FROM temp.sweep_day w WHERE w.working = 1 AND w.ordinal = {})"
_ORD_TODAY = "(SELECT ordinal FROM temp.sweep_day WHERE day = :today)"
# The candidates with what every one of their messages shares: the due date's ordinal, the
# deadline phrase, the officer line and the next wake-up date (NULL: stop looking).
_CANDIDATES_SQL = f"""
CREATE TEMP TABLE sweep_cand AS
SELECT x.*,
    CASE
        WHEN x.due_on < :today THEN
            CASE WHEN x.t_ord - x.due_ord > 0 THEN :od_pre || (x.t_ord - x.due_ord) || :od_suf
                 ELSE :overdue END
        WHEN x.due_on = :today THEN :due_today
        WHEN x.due_ord - x.t_ord > 0 THEN :ld_pre || (x.due_ord - x.t_ord) || :ld_suf
        ELSE :day_off
    END AS phrase,
    CASE WHEN x.officer_sid IS NOT NULL THEN :ol_pre || x.officer_name || :ol_suf
         ELSE :unassigned END AS officer_line,
    CASE WHEN x.running THEN (
        SELECT CASE WHEN n.day <= :today THEN date(:today, '+1 day') ELSE n.day END FROM (
            SELECT CASE
                WHEN x.due_ord - (x.t_ord + 1) <= 0 THEN {_WORKDAY.format("x.t_ord + 1")}
                ELSE {
    _WORKDAY.format(
        "x.due_ord - (SELECT MAX(value) FROM temp.sweep_offset"
        " WHERE value <= x.due_ord - (x.t_ord + 1))"
    )
}
            END AS day) n)
    END AS next_on
FROM (
    SELECT d.id, d.code, d.nominee, d.award_kind, d.status, d.due_on, d.remind_on,
        s.id AS officer_sid, s.name AS officer_name, s.reachable AS officer_reachable,
        d.status IN ('received', 'in_review') AS running,
        dd.ordinal AS due_ord, {_ORD_TODAY} AS t_ord
    FROM dossiers d
    JOIN temp.sweep_day dd ON dd.day = d.due_on
    LEFT JOIN temp.sweep_staff s ON s.id = d.officer_id
    WHERE d.remind_on <= :today
    -- Issue 14: a snoozed dossier is not looked at before its snooze ends.
    AND (d.snoozed_until IS NULL OR d.snoozed_until <= :today)
) x
"""
# The latest reminder on or before today, and the escalation once it has come (seq orders a
# dossier's messages as the planner did: the reminder, then the escalation).
_OCCURRENCES_SQL = f"""
CREATE TEMP TABLE sweep_occ AS
SELECT c.id, 'overdue' AS rule, {_WORKDAY.format("c.t_ord")} AS day, 0 AS seq
FROM temp.sweep_cand c WHERE c.running AND c.due_ord - c.t_ord < 0
UNION ALL
SELECT c.id, CASE WHEN o.pick = 0 THEN 'due' ELSE 'before' || o.pick END,
    {_WORKDAY.format("c.due_ord - o.pick")}, 0
FROM temp.sweep_cand c
JOIN (SELECT c2.id, (SELECT MIN(value) FROM temp.sweep_offset
      WHERE value >= c2.due_ord - c2.t_ord) AS pick FROM temp.sweep_cand c2) o ON o.id = c.id
WHERE c.running AND c.due_ord - c.t_ord >= 0 AND o.pick IS NOT NULL
UNION ALL
SELECT c.id, 'escalate', {_WORKDAY.format("c.due_ord + :esc")}, 1
FROM temp.sweep_cand c WHERE c.running AND :esc > 0 AND c.due_ord - c.t_ord <= -:esc
"""
# Who gets each new reminder: escalations the leaders; others the assigned officer, or every
# officer when nobody (active) is assigned; only people reachable now.
_TARGETS_SQL = """
CREATE TEMP TABLE sweep_target AS
SELECT o.id, o.rule, o.day, o.seq, t.id AS staff_id
FROM temp.sweep_occ o
JOIN temp.sweep_cand c ON c.id = o.id
JOIN temp.sweep_staff t ON t.reachable = 1 AND (
    (o.rule = 'escalate' AND t.role = 'leader')
    OR (o.rule <> 'escalate' AND c.officer_sid IS NULL AND t.role = 'officer')
    OR (o.rule <> 'escalate' AND t.id = c.officer_sid))
WHERE NOT EXISTS (SELECT 1 FROM reminders_sent r
    WHERE r.dossier_id = o.id AND r.rule = o.rule AND r.day = o.day)
ORDER BY c.remind_on, c.id, o.seq, t.id
"""
_RECORD_SQL = """
INSERT INTO reminders_sent (dossier_id, rule, day, recipients, sent_at)
SELECT o.id, o.rule, o.day,
    (SELECT COUNT(*) FROM temp.sweep_target t
     WHERE t.id = o.id AND t.rule = o.rule AND t.day = o.day), :stamp
FROM temp.sweep_occ o
WHERE true
ON CONFLICT (dossier_id, rule, day) DO NOTHING
"""
# Each new reminder's text once (an unassigned dossier's goes to every officer alike).
_MESSAGES_SQL = """
CREATE TEMP TABLE sweep_msg AS
SELECT t.id, t.rule, t.day, json_object('text', {text}) AS payload
FROM (SELECT DISTINCT id, rule, day FROM temp.sweep_target) t
JOIN temp.sweep_cand c ON c.id = t.id
JOIN temp.sweep_headline h ON h.kind = CASE WHEN t.rule LIKE 'before%' THEN 'before'
    ELSE t.rule END
LEFT JOIN temp.sweep_award a ON a.code = c.award_kind
LEFT JOIN temp.sweep_label l ON l.status = c.status
"""
# sweep_target's rows are in the order the planner wrote them (its rowid order).
_ENQUEUE_SQL = """
INSERT INTO outbox (dedupe_key, channel, chat_id, payload, next_attempt_at, created_at)
SELECT 'remind:' || t.id || ':' || t.rule || ':' || t.day || ':' || s.id, s.channel, s.chat_id,
    m.payload, :stamp, :stamp
FROM temp.sweep_target t
JOIN temp.sweep_msg m ON m.id = t.id AND m.rule = t.rule AND m.day = t.day
JOIN temp.sweep_staff s ON s.id = t.staff_id
WHERE true
ORDER BY t.rowid
ON CONFLICT (dedupe_key) DO NOTHING
"""
