-- Officers and leaders, invites, followers of dossiers, the notification outbox.

-- Board staff (cán bộ): officers (chuyên viên) and leaders (lãnh đạo). Admins come from settings.
CREATE TABLE staff (
    id                 INTEGER PRIMARY KEY,
    channel            TEXT NOT NULL,
    user_id            TEXT NOT NULL,
    chat_id            TEXT NOT NULL,
    name               TEXT NOT NULL,
    role               TEXT NOT NULL CHECK (role IN ('officer', 'leader')),
    active             INTEGER NOT NULL DEFAULT 1,
    reminders_enabled  INTEGER NOT NULL DEFAULT 1,
    joined_at          TEXT NOT NULL,
    revoked_at         TEXT,
    UNIQUE (channel, user_id)
);

CREATE TABLE invites (
    code        TEXT PRIMARY KEY,
    role        TEXT NOT NULL CHECK (role IN ('officer', 'leader')),
    created_by  TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    used_by     TEXT,
    used_at     TEXT
);

CREATE TABLE follows (
    channel     TEXT NOT NULL,
    chat_id     TEXT NOT NULL,
    dossier_id  INTEGER NOT NULL REFERENCES dossiers (id) ON DELETE CASCADE,
    created_at  TEXT NOT NULL,
    active      INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (channel, chat_id, dossier_id)
);

CREATE INDEX follows_dossier ON follows (dossier_id) WHERE active = 1;

-- Chats that blocked the bot (HTTP 403); cleared when the person writes to the bot again.
CREATE TABLE blocked_chats (
    channel     TEXT NOT NULL,
    chat_id     TEXT NOT NULL,
    blocked_at  TEXT NOT NULL,
    PRIMARY KEY (channel, chat_id)
);

-- Every message that is not a direct reply. Written in the transaction that caused it.
CREATE TABLE outbox (
    id               INTEGER PRIMARY KEY,
    dedupe_key       TEXT NOT NULL UNIQUE,
    channel          TEXT NOT NULL,
    chat_id          TEXT NOT NULL,
    payload          TEXT NOT NULL,
    state            TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'dead')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TEXT NOT NULL,
    last_error       TEXT,
    created_at       TEXT NOT NULL,
    sent_at          TEXT
);

CREATE INDEX outbox_pending ON outbox (next_attempt_at, id) WHERE state = 'pending';
CREATE INDEX outbox_chat ON outbox (channel, chat_id);

-- While a dossier waits for supplements its clock is paused; the pause starts here.
ALTER TABLE dossiers ADD COLUMN supplement_since TEXT;
