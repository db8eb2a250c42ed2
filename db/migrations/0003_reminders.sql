-- Deadline reminders (nhắc hạn): the officer in charge, the sweep's wake-up date, the records
-- that make every reminder and digest go out exactly once, and the assignment history.

-- The officer (chuyên viên) in charge; NULL means unassigned, which is reported to every officer.
ALTER TABLE dossiers ADD COLUMN officer_id INTEGER REFERENCES staff (id);

-- The local date from which the reminder sweep must look at the dossier again: '' means as soon
-- as possible (new, or its status or due date changed), NULL means never (finished, or waiting
-- for supplements with its clock paused). The sweep moves it to the next reminder day, and the
-- triggers below reset it whoever changes the dossier, so no other repository has to remember.
ALTER TABLE dossiers ADD COLUMN remind_on TEXT DEFAULT '';

UPDATE dossiers SET remind_on = NULL WHERE status NOT IN ('received', 'in_review');

-- What still needs reminding: only those rows are in this index, so a sweep reads the few
-- dossiers due for a reminder now. With only an index on due_on the same sweep, which must also
-- catch overdue dossiers never reminded, took about 0.7 s on a million dossiers.
CREATE INDEX dossiers_remind_on ON dossiers (remind_on) WHERE remind_on IS NOT NULL;

-- Work lists (/viec, /quahan) and digests read the open dossiers by officer or by due date.
-- Queries must repeat this exact status list for SQLite to use these partial indexes.
CREATE INDEX dossiers_open_officer ON dossiers (officer_id, due_on)
    WHERE status IN ('received', 'in_review', 'needs_supplement');
CREATE INDEX dossiers_open_due ON dossiers (due_on)
    WHERE status IN ('received', 'in_review', 'needs_supplement');

CREATE TRIGGER dossiers_remind_insert AFTER INSERT ON dossiers
WHEN NEW.status NOT IN ('received', 'in_review') AND NEW.remind_on IS NOT NULL
BEGIN
    UPDATE dossiers SET remind_on = NULL WHERE id = NEW.id;
END;

CREATE TRIGGER dossiers_remind_reset AFTER UPDATE OF status, due_on ON dossiers
WHEN NEW.status IS NOT OLD.status OR NEW.due_on IS NOT OLD.due_on
BEGIN
    UPDATE dossiers
    SET remind_on = CASE WHEN NEW.status IN ('received', 'in_review') THEN '' END
    WHERE id = NEW.id;
END;

-- One row per (dossier, rule, day) reminder, written in the transaction that enqueues it.
CREATE TABLE reminders_sent (
    dossier_id  INTEGER NOT NULL REFERENCES dossiers (id) ON DELETE CASCADE,
    rule        TEXT NOT NULL,
    day         TEXT NOT NULL,
    recipients  INTEGER NOT NULL,
    sent_at     TEXT NOT NULL,
    PRIMARY KEY (dossier_id, rule, day)
) WITHOUT ROWID;

-- One row per (person, day) digest, also when there was nothing to report (nothing was sent).
CREATE TABLE digests_sent (
    staff_id  INTEGER NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
    day       TEXT NOT NULL,
    items     INTEGER NOT NULL,
    sent_at   TEXT NOT NULL,
    PRIMARY KEY (staff_id, day)
) WITHOUT ROWID;

-- Who gave which dossier to whom (giao việc), from /giao or an import's officer column.
CREATE TABLE dossier_assignments (
    id            INTEGER PRIMARY KEY,
    dossier_id    INTEGER NOT NULL REFERENCES dossiers (id) ON DELETE CASCADE,
    from_officer  INTEGER REFERENCES staff (id),
    to_officer    INTEGER REFERENCES staff (id),
    actor         TEXT NOT NULL,
    assigned_at   TEXT NOT NULL
);

CREATE INDEX dossier_assignments_dossier ON dossier_assignments (dossier_id, id);
