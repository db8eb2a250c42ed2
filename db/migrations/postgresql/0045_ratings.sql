-- PostgreSQL twin of ../0045_ratings.sql (same version, same schema; see README.md).
-- The citizen's rating after the result (issue 26.5; the satisfaction figure of the service
-- index of Decision 766/QĐ-TTg). One row per dossier per chat: written when the follower is
-- asked (score NULL), or when the web page's visitor rates; the first score stands.
CREATE TABLE ratings (
    dossier_id  BIGINT NOT NULL REFERENCES dossiers (id) ON DELETE CASCADE,
    channel     TEXT NOT NULL,
    chat_id     TEXT NOT NULL,
    asked_at    TEXT,
    score       BIGINT CHECK (score BETWEEN 1 AND 5),
    rated_at    TEXT,
    comment     TEXT,
    PRIMARY KEY (dossier_id, channel, chat_id)
);

CREATE INDEX ratings_rated_at ON ratings (rated_at) WHERE score IS NOT NULL;
