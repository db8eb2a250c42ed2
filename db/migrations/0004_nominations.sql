-- Nominations registered by officers in the guided chat (đề nghị khen thưởng), their attached
-- files, the per-day code sequence, and the drafts still being written.

-- One nomination per dossier: every answer of the guided chat and who registered it.
CREATE TABLE nominations (
    id                  INTEGER PRIMARY KEY,
    dossier_id          INTEGER NOT NULL UNIQUE REFERENCES dossiers (id) ON DELETE CASCADE,
    nominee_type        TEXT NOT NULL CHECK (nominee_type IN ('individual', 'collective', 'family')),
    nominee_name        TEXT NOT NULL,
    -- Individuals: position (chức vụ) and unit (đơn vị); others: the governing body in unit.
    position            TEXT NOT NULL DEFAULT '',
    unit                TEXT NOT NULL,
    award_kind          TEXT NOT NULL,
    -- Emulation movement or thematic topic code; NULL when the officer skipped the question.
    movement            TEXT,
    achievements        TEXT NOT NULL,
    contact_name        TEXT NOT NULL,
    -- The board calls this person; the dossier itself keeps only the last 4 digits.
    contact_phone       TEXT NOT NULL,
    registered_by       TEXT NOT NULL,
    registered_by_name  TEXT NOT NULL DEFAULT '',
    channel             TEXT NOT NULL,
    chat_id             TEXT NOT NULL,
    created_at          TEXT NOT NULL
);

CREATE INDEX nominations_registered_by ON nominations (registered_by, id);

-- The files stay on the channel; only what is needed to fetch and describe them is kept.
CREATE TABLE nomination_attachments (
    id             INTEGER PRIMARY KEY,
    nomination_id  INTEGER NOT NULL REFERENCES nominations (id) ON DELETE CASCADE,
    position       INTEGER NOT NULL,
    channel        TEXT NOT NULL,
    kind           TEXT NOT NULL,
    file_id        TEXT NOT NULL,
    file_name      TEXT NOT NULL,
    size           INTEGER,
    mime_type      TEXT,
    UNIQUE (nomination_id, position)
);

-- The last sequence number handed out per agency and day of receipt; advanced inside the
-- transaction that creates the dossier, so two confirmations never share a code.
CREATE TABLE dossier_code_sequences (
    agency    TEXT NOT NULL,
    day       TEXT NOT NULL,
    last_seq  INTEGER NOT NULL,
    PRIMARY KEY (agency, day)
);

-- A nomination being written, one per chat. Kept apart from `conversations` so that a lookup
-- or a status change in between does not lose it; the conversation row only routes messages.
CREATE TABLE nomination_drafts (
    channel     TEXT NOT NULL,
    chat_id     TEXT NOT NULL,
    officer     TEXT NOT NULL,
    step        TEXT NOT NULL,
    nonce       TEXT NOT NULL,
    data        TEXT NOT NULL DEFAULT '{}',
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (channel, chat_id)
);

CREATE INDEX nomination_drafts_updated ON nomination_drafts (updated_at);
