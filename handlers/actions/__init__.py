"""Changes to a dossier that others must hear about, one module per change (as Zulip's actions).

Each action reads the row once inside one write transaction, checks the domain's rule, writes
the row and its history, queues its notices (chat followers and ZNS through the outbox) and
says what to tell the officer. `db/` offers only the plain reads and writes it uses.
"""
