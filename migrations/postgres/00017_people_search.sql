-- +goose Up
-- Search in every script. A search folded names with LOWER(), which on
-- SQLite folds ASCII only, so "Батбаяр" found nobody there. Both the column
-- and the search are now folded in Go (people.SearchText, textfold.Key),
-- the same on both databases; handle_key is the handle as list matching
-- compares it (people.NormalizeHandle: profile links read, case-folded).
--
-- SQL cannot fold as Go does, so the columns start empty (search_text NULL)
-- and the commands that migrate fill them right after, in Go
-- (people.IndexPending), through people_search_pending_idx.
ALTER TABLE people ADD COLUMN search_text TEXT;
ALTER TABLE people ADD COLUMN handle_key TEXT NOT NULL DEFAULT '';
CREATE INDEX people_search_pending_idx ON people (id) WHERE search_text IS NULL;

-- A search is a LIKE '%…%', which no B-tree serves: a trigram index does.
-- pg_trgm ships with PostgreSQL and is a trusted extension, which the
-- owner of the database may create.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX people_search_idx ON people USING gin (search_text gin_trgm_ops);

DROP STATISTICS people_handle_match_stats;
DROP INDEX people_handle_match_idx;
CREATE INDEX people_handle_key_idx ON people (handle_key) WHERE handle_key <> '';

-- +goose Down
DROP INDEX people_handle_key_idx;
CREATE INDEX people_handle_match_idx ON people (LOWER(LTRIM(handle, '@'))) WHERE handle <> '';
CREATE STATISTICS people_handle_match_stats ON (LOWER(LTRIM(handle, '@'))) FROM people;
ALTER STATISTICS people_handle_match_stats SET STATISTICS 1;
DROP INDEX people_search_idx;
DROP INDEX people_search_pending_idx;
ALTER TABLE people DROP COLUMN handle_key;
ALTER TABLE people DROP COLUMN search_text;
