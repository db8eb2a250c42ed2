-- Dossiers, their status history, citizens' lookup attempts and conversation state.

CREATE TABLE dossiers (
    id           INTEGER PRIMARY KEY,
    code         TEXT NOT NULL UNIQUE,
    award_kind   TEXT NOT NULL,
    nominee      TEXT NOT NULL,
    unit         TEXT NOT NULL DEFAULT '',
    -- Only what the second factor needs: the last 4 digits of the phone on the dossier.
    phone_last4  TEXT NOT NULL DEFAULT '',
    received_on  TEXT NOT NULL,
    due_on       TEXT NOT NULL,
    status       TEXT NOT NULL,
    resolved_on  TEXT,
    decision_no  TEXT,
    note         TEXT,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);

CREATE INDEX dossiers_received_on ON dossiers (received_on);

CREATE TABLE dossier_history (
    id           INTEGER PRIMARY KEY,
    dossier_id   INTEGER NOT NULL REFERENCES dossiers (id) ON DELETE CASCADE,
    changed_at   TEXT NOT NULL,
    actor        TEXT NOT NULL,
    from_status  TEXT,
    to_status    TEXT NOT NULL,
    note         TEXT
);

CREATE INDEX dossier_history_dossier ON dossier_history (dossier_id, id);

CREATE TABLE lookup_attempts (
    id            INTEGER PRIMARY KEY,
    channel       TEXT NOT NULL,
    chat_id       TEXT NOT NULL,
    dossier_code  TEXT NOT NULL,
    attempted_at  TEXT NOT NULL,
    succeeded     INTEGER NOT NULL
);

CREATE INDEX lookup_attempts_chat ON lookup_attempts (channel, chat_id, attempted_at);
CREATE INDEX lookup_attempts_dossier ON lookup_attempts (dossier_code, attempted_at);

-- One open multi-step conversation per chat; `nonce` makes buttons of older steps stale.
CREATE TABLE conversations (
    channel     TEXT NOT NULL,
    chat_id     TEXT NOT NULL,
    flow        TEXT NOT NULL,
    step        TEXT NOT NULL,
    data        TEXT NOT NULL DEFAULT '{}',
    nonce       TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (channel, chat_id)
);

-- The choices last offered to a chat without buttons (console, Zalo): a reply "2" picks one.
CREATE TABLE offered_choices (
    channel     TEXT NOT NULL,
    chat_id     TEXT NOT NULL,
    payloads    TEXT NOT NULL,
    offered_at  TEXT NOT NULL,
    PRIMARY KEY (channel, chat_id)
);
