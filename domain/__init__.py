"""The rules of the work, with no I/O and no import of the project: codes, statuses and
transitions, the working-day calendar, periods, safe text, decision numbers."""
