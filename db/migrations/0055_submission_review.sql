-- Issue 25: the board works a submission to the decision — returns with reasons, the
-- council's meeting and votes, the signed decision.

-- A row (dossier) of a submission sent back to its unit with the reasons and a date.
CREATE TABLE review_returns (
    id              INTEGER PRIMARY KEY,
    submission_id   INTEGER NOT NULL REFERENCES submissions (id),
    dossier_id      INTEGER NOT NULL REFERENCES dossiers (id),
    reasons         TEXT NOT NULL,
    resubmit_by     TEXT NOT NULL,
    returned_on     TEXT NOT NULL,
    -- Returned within the limit (5 working days from the submission): for the report.
    within_limit    INTEGER NOT NULL DEFAULT 0,
    returned_by     TEXT NOT NULL,
    returned_at     TEXT NOT NULL,
    resubmitted_at  TEXT,
    file_name       TEXT,
    file_bytes      BLOB
);

CREATE INDEX review_returns_dossier ON review_returns (dossier_id, id);

-- The province's emulation council meeting (phiên họp Hội đồng Thi đua – Khen thưởng).
CREATE TABLE council_meetings (
    id             INTEGER PRIMARY KEY,
    meets_on       TEXT NOT NULL,
    scheduled_by   TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    minutes_name   TEXT,
    minutes_bytes  BLOB
);

-- A row on a meeting's agenda and, once recorded, its vote.
CREATE TABLE council_rows (
    meeting_id     INTEGER NOT NULL REFERENCES council_meetings (id),
    dossier_id     INTEGER NOT NULL UNIQUE REFERENCES dossiers (id),
    votes_for      INTEGER,
    members        INTEGER,
    threshold_pct  INTEGER,
    passed         INTEGER,
    recorded_by    TEXT,
    recorded_at    TEXT,
    PRIMARY KEY (meeting_id, dossier_id)
);

-- The Chairman's signed decision (quyết định khen thưởng), once for many rows.
CREATE TABLE award_decisions (
    id           INTEGER PRIMARY KEY,
    number       TEXT NOT NULL UNIQUE,
    signed_on    TEXT NOT NULL,
    file_name    TEXT NOT NULL,
    file_bytes   BLOB NOT NULL,
    recorded_by  TEXT NOT NULL,
    created_at   TEXT NOT NULL
);

CREATE TABLE decision_rows (
    decision_id  INTEGER NOT NULL REFERENCES award_decisions (id),
    dossier_id   INTEGER NOT NULL UNIQUE REFERENCES dossiers (id),
    PRIMARY KEY (decision_id, dossier_id)
);
