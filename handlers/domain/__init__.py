"""Pure domain rules: statuses, dossier codes, the working-day calendar, text folding."""
