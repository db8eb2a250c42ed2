-- PostgreSQL twin of ../0010_dossier_phones.sql (same version, same schema; see db/dialect.py).
-- Full phone numbers for ZNS notices (issue 13), kept only while phone notices are on:
-- encrypted by the application (AES-256-GCM, bound to the dossier's code), never read back
-- except to send a notice, erased a retention period after the dossier is finished.
-- Without ZNS only dossiers.phone_last4 is kept.
CREATE TABLE dossier_phones (
    dossier_id  BIGINT PRIMARY KEY REFERENCES dossiers (id) ON DELETE CASCADE,
    phone_enc   BYTEA NOT NULL,
    stored_at   TEXT NOT NULL
);

-- The OA access token and its single-use refresh token (ZNS), encrypted like the phones.
-- `seed` is a hash of the refresh token configured in TDKT_ZNS_REFRESH_TOKEN: a new one
-- configured there replaces the stored pair; the one already used is never sent again.
CREATE TABLE zns_tokens (
    id           BIGINT PRIMARY KEY CHECK (id = 1),
    access_enc   BYTEA NOT NULL,
    refresh_enc  BYTEA NOT NULL,
    expires_at   TEXT NOT NULL,
    seed         TEXT NOT NULL,
    refreshed_at TEXT NOT NULL
);
