-- PostgreSQL twin of ../0006_reports.sql (same version, same schema; see db/dialect.py).
-- The report scans the dossiers received in a period and reads only these columns: a covering
-- index lets that scan skip the table, which matters at a million dossiers.

CREATE INDEX dossiers_report ON dossiers (received_on, award_kind, status, resolved_on, due_on);
