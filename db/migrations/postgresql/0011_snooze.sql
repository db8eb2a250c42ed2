-- PostgreSQL twin of ../0011_snooze.sql (same version, same schema; see db/dialect.py).
-- An officer may quiet one dossier's reminders for a few working days (nhắc lại sau N ngày):
-- the local date from which its reminders go again; NULL means not snoozed. The reminder
-- sweep skips a dossier while this date is after the sweep's day (db/reminders.py SWEEP_SQL).
ALTER TABLE dossiers ADD COLUMN snoozed_until TEXT;
