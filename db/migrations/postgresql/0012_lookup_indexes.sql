-- PostgreSQL twin of ../0012_lookup_indexes.sql (same version, same schema; see db/dialect.py).
-- Issue 15: a citizen's successful lookup writes one attempt row; only strangers' wrong digits
-- are ever counted per dossier, so only they go in the per-dossier index. A success no longer
-- dirties a random page of that index (one page per lookup at 1M dossiers, written at commit).
DROP INDEX lookup_attempts_dossier;
CREATE INDEX lookup_attempts_dossier_strangers ON lookup_attempts (dossier_code, attempted_at)
    WHERE succeeded = 0 AND proven = 0;
