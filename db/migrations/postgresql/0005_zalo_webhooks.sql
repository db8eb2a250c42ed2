-- PostgreSQL twin of ../0005_zalo_webhooks.sql (same version, same schema; see db/dialect.py).
-- Webhook mode and the Zalo channel: updates already received, and files served by URL.

-- Every update taken from a webhook or from Zalo's long poll, by the channel's own id
-- (Telegram's update_id, Zalo's message_id). A redelivered id is ignored. The body is kept
-- only until the update is handled, so one acknowledged but not yet handled survives a
-- restart; then only the id stays, and rows are pruned after a week.
CREATE TABLE inbound_updates (
    channel      TEXT NOT NULL,
    update_id    TEXT NOT NULL,
    body         TEXT,
    received_at  TEXT NOT NULL,
    handled_at   TEXT,
    PRIMARY KEY (channel, update_id)
);

CREATE INDEX inbound_updates_unhandled ON inbound_updates (received_at) WHERE handled_at IS NULL;
CREATE INDEX inbound_updates_received ON inbound_updates (received_at);

-- Reply images and documents for channels that take a URL instead of bytes (Zalo's
-- sendPhoto), served by the web app under an unguessable token until they expire.
CREATE TABLE public_files (
    token       TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    mime_type   TEXT NOT NULL,
    content     BYTEA NOT NULL,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL
);

CREATE INDEX public_files_expiry ON public_files (expires_at);
