-- Issue 23 item 5: a one-time code sent by ZNS to the phone on the dossier, for a citizen
-- whose dossier strangers' guessing holds. Bound to the chat that asked and the dossier;
-- single use, a short life, a few wrong tries. Only a salted hash of the code is kept here.
CREATE TABLE lookup_otps (
    id            INTEGER PRIMARY KEY,
    channel       TEXT NOT NULL,
    chat_id       TEXT NOT NULL,
    dossier_code  TEXT NOT NULL,
    code_hash     TEXT NOT NULL,
    sent_at       TEXT NOT NULL,
    expires_at    TEXT NOT NULL,
    wrong         INTEGER NOT NULL DEFAULT 0,
    used_at       TEXT
);

CREATE INDEX lookup_otps_chat ON lookup_otps (channel, chat_id, dossier_code, sent_at);
CREATE INDEX lookup_otps_dossier ON lookup_otps (dossier_code, sent_at);
CREATE INDEX lookup_otps_sent ON lookup_otps (sent_at);
