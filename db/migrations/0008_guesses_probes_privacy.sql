-- Issue 11: the second factor under concurrency, the existence limit, privacy and retention.

-- Whether the chat had already proved this dossier when it failed: a proven chat's typo is
-- not a stranger's guess, so it neither slows the dossier nor spends the channel's budget.
ALTER TABLE lookup_attempts ADD COLUMN proven INTEGER NOT NULL DEFAULT 0;

-- Strangers' wrong guesses per channel per hour (the global guess budget).
CREATE INDEX lookup_attempts_strangers ON lookup_attempts (channel, attempted_at)
    WHERE succeeded = 0 AND proven = 0;
-- The retention purge deletes by age.
CREATE INDEX lookup_attempts_at ON lookup_attempts (attempted_at);

-- Every "found" or "not found" answer given to a chat: at most a few distinct codes per chat
-- per hour are answered, so the bot is no oracle of which codes exist.
CREATE TABLE lookup_probes (
    id         INTEGER PRIMARY KEY,
    channel    TEXT NOT NULL,
    chat_id    TEXT NOT NULL,
    code       TEXT NOT NULL,
    found      INTEGER NOT NULL,
    probed_at  TEXT NOT NULL
);

CREATE INDEX lookup_probes_chat ON lookup_probes (channel, chat_id, probed_at);
CREATE INDEX lookup_probes_at ON lookup_probes (probed_at);

-- A reply file served by URL belongs to the chat it was sent to, so erasing the chat's data
-- can take its links down too.
ALTER TABLE public_files ADD COLUMN channel TEXT;
ALTER TABLE public_files ADD COLUMN chat_id TEXT;
CREATE INDEX public_files_chat ON public_files (channel, chat_id);

-- Sent and dead notices are purged by age (TDKT_RETENTION_DAYS).
CREATE INDEX outbox_done_at ON outbox (created_at) WHERE state <> 'pending';
