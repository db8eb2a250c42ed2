-- Full phone numbers for ZNS notices (issue 13), kept only while phone notices are on:
-- encrypted by the application (Fernet), never read back except to send a notice, erased
-- a retention period after the dossier is finished. Without ZNS only dossiers.phone_last4.
CREATE TABLE dossier_phones (
    dossier_id  INTEGER PRIMARY KEY REFERENCES dossiers (id) ON DELETE CASCADE,
    phone_enc   BLOB NOT NULL,
    stored_at   TEXT NOT NULL
);
