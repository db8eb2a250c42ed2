-- Issue 23 item 7: wrong invite codes (/dangky) are counted per chat and per channel, so an
-- invite cannot be guessed without limit. Purged with the lookup attempts' retention.
CREATE TABLE invite_failures (
    id         INTEGER PRIMARY KEY,
    channel    TEXT NOT NULL,
    chat_id    TEXT NOT NULL,
    failed_at  TEXT NOT NULL
);

CREATE INDEX invite_failures_chat ON invite_failures (channel, chat_id, failed_at);
CREATE INDEX invite_failures_channel ON invite_failures (channel, failed_at);
