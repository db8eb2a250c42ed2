-- Functions the repositories' SQL calls by SQLite's names. SQLite has them built in or gets
-- them from Python (tdkt_match: domain.search.match_rank, registered by db/connection.py), so
-- this migration has nothing to do here; its PostgreSQL twin defines them in SQL.
SELECT 1;
