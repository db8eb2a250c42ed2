-- Issue 24: units (đơn vị) and their emulation officers, and the nomination lists they submit.

-- A unit that sends nominations: a school, a commune, a department, a company.
CREATE TABLE units (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    -- The name folded (no accents, lower case, single spaces): one unit per spelling.
    name_key    TEXT NOT NULL UNIQUE,
    created_at  TEXT NOT NULL
);

-- One-time invites for a unit's emulation officer (`/moi donvi TÊN`, `/dangky CODE`).
CREATE TABLE unit_invites (
    code        TEXT PRIMARY KEY,
    unit_id     INTEGER NOT NULL REFERENCES units (id),
    created_by  TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    used_by     TEXT,
    used_at     TEXT
);

-- A person who speaks for one unit; they see only that unit's submissions and dossiers.
CREATE TABLE unit_members (
    channel     TEXT NOT NULL,
    user_id     TEXT NOT NULL,
    chat_id     TEXT NOT NULL,
    unit_id     INTEGER NOT NULL REFERENCES units (id),
    name        TEXT NOT NULL,
    active      INTEGER NOT NULL DEFAULT 1,
    joined_at   TEXT NOT NULL,
    PRIMARY KEY (channel, user_id)
);

-- A submission (tờ trình kèm danh sách): one unit, one campaign, the file kept as sent.
CREATE TABLE submissions (
    id            INTEGER PRIMARY KEY,
    code          TEXT NOT NULL UNIQUE,
    unit_id       INTEGER NOT NULL REFERENCES units (id),
    campaign      TEXT NOT NULL DEFAULT '',
    submitted_on  TEXT NOT NULL,
    submitted_by  TEXT NOT NULL,
    channel       TEXT NOT NULL DEFAULT '',
    chat_id       TEXT NOT NULL DEFAULT '',
    file_name     TEXT NOT NULL,
    file_bytes    BLOB NOT NULL,
    created_at    TEXT NOT NULL
);

CREATE INDEX submissions_unit ON submissions (unit_id, id);

-- The rows of a submission that became dossiers, with the verdict the check gave them.
CREATE TABLE submission_rows (
    submission_id  INTEGER NOT NULL REFERENCES submissions (id) ON DELETE CASCADE,
    row_number     INTEGER NOT NULL,
    dossier_id     INTEGER NOT NULL UNIQUE REFERENCES dossiers (id),
    nominee_type   TEXT NOT NULL,
    verdict        TEXT NOT NULL CHECK (verdict IN ('eligible', 'review')),
    verdict_text   TEXT NOT NULL,
    PRIMARY KEY (submission_id, row_number)
);

-- The list a unit's officer has just had checked in chat, until they submit or send another.
CREATE TABLE unit_list_checks (
    channel     TEXT NOT NULL,
    chat_id     TEXT NOT NULL,
    unit_id     INTEGER NOT NULL REFERENCES units (id),
    file_name   TEXT NOT NULL,
    file_bytes  BLOB NOT NULL,
    nonce       TEXT NOT NULL,
    checked_at  TEXT NOT NULL,
    PRIMARY KEY (channel, chat_id)
);
