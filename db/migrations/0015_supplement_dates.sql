-- Issue 26.3: a supplement request has a date to supplement by (hạn bổ sung hồ sơ). One row per
-- request, written with the history row that moved the dossier to needs_supplement; closed
-- (arrived_on, due_after) in the transaction that moves it out again, so the card can show the
-- due date before and after the supplement. The scheduler's supplement reminders and the
-- officer's overdue list read the open rows by date.
CREATE TABLE supplement_requests (
    id             INTEGER PRIMARY KEY,
    dossier_id     INTEGER NOT NULL REFERENCES dossiers (id) ON DELETE CASCADE,
    entry_id       INTEGER NOT NULL,
    requested_on   TEXT NOT NULL,
    supplement_by  TEXT NOT NULL,
    due_before     TEXT NOT NULL,
    arrived_on     TEXT,
    due_after      TEXT
);

CREATE INDEX supplement_requests_dossier ON supplement_requests (dossier_id, id);
CREATE INDEX supplement_requests_open ON supplement_requests (supplement_by)
    WHERE arrived_on IS NULL;
