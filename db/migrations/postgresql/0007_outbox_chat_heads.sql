-- PostgreSQL twin of ../0007_outbox_chat_heads.sql (same version, same schema; see db/dialect.py).
-- The dispatcher sends each chat's oldest pending message first (order within a chat, fairness
-- between chats); this index finds those heads without scanning the whole outbox.
CREATE INDEX outbox_pending_chat ON outbox (channel, chat_id, id) WHERE state = 'pending';
