-- PostgreSQL twin of ../0030_erased_chats.sql (same version, same schema; see README.md).
-- Issue 23 item 2: a chat that erased its data (/xoadulieu) keeps its last hour's wrong digits
-- and code answers only until `keep_until`; the scheduler's purge then deletes the rows it
-- recorded up to `erased_at` and this mark. Rows written after the erasure are ordinary data.
CREATE TABLE erased_chats (
    channel     TEXT NOT NULL,
    chat_id     TEXT NOT NULL,
    erased_at   TEXT NOT NULL,
    keep_until  TEXT NOT NULL,
    PRIMARY KEY (channel, chat_id)
);

CREATE INDEX erased_chats_keep_until ON erased_chats (keep_until);
