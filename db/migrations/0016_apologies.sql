-- Issue 26.4: a dossier that will miss its due date gets an apology with a new date (văn bản
-- xin lỗi và hẹn lại ngày trả kết quả; Decree 118/2025/NĐ-CP, Circular 03/2025/TT-VPCP form 04).
-- A draft is written when an officer moves the due date later or when the scheduler predicts
-- the miss; confirming it moves the due date, writes the history row and the notices, and
-- files the form as a PDF here, all in one transaction. One draft per (dossier, due date
-- missed): the scheduler's daily run finds the draft and drafts nothing twice.
CREATE TABLE apologies (
    id            INTEGER PRIMARY KEY,
    dossier_id    INTEGER NOT NULL REFERENCES dossiers (id) ON DELETE CASCADE,
    cause         TEXT NOT NULL CHECK (cause IN ('moved', 'predicted')),
    reason        TEXT NOT NULL,
    old_due       TEXT NOT NULL,
    new_due       TEXT NOT NULL,
    drafted_at    TEXT NOT NULL,
    drafted_by    TEXT NOT NULL,
    confirmed_at  TEXT,
    confirmed_by  TEXT,
    entry_id      INTEGER,
    pdf           BLOB
);

CREATE UNIQUE INDEX apologies_once ON apologies (dossier_id, old_due);
CREATE INDEX apologies_confirmed ON apologies (dossier_id) WHERE confirmed_at IS NOT NULL;
