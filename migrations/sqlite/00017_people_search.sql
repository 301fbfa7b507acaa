-- +goose Up
-- Search in every script. A search folded names with LOWER(), which on
-- SQLite folds ASCII only, so "Батбаяр" found nobody. Both the column and
-- the search are now folded in Go (people.SearchText, textfold.Key), the
-- same on both databases; handle_key is the handle as list matching
-- compares it (people.NormalizeHandle: profile links read, case-folded),
-- where LOWER(LTRIM(handle, '@')) left a Cyrillic handle unfolded.
--
-- SQL cannot fold as Go does, so the columns start empty (search_text NULL)
-- and the commands that migrate fill them right after, in Go
-- (people.IndexPending), through people_search_pending_idx.
--
-- A search is a LIKE '%…%', which no index of SQLite serves (PostgreSQL
-- has a trigram one): it reads this one column of each person, where it
-- folded four before.
ALTER TABLE people ADD COLUMN search_text TEXT;
ALTER TABLE people ADD COLUMN handle_key TEXT NOT NULL DEFAULT '';
CREATE INDEX people_search_pending_idx ON people (id) WHERE search_text IS NULL;

DROP INDEX people_handle_match_idx;
CREATE INDEX people_handle_key_idx ON people (handle_key) WHERE handle_key <> '';

-- +goose Down
DROP INDEX people_handle_key_idx;
CREATE INDEX people_handle_match_idx ON people (LOWER(LTRIM(handle, '@'))) WHERE handle <> '';
DROP INDEX people_search_pending_idx;
ALTER TABLE people DROP COLUMN handle_key;
ALTER TABLE people DROP COLUMN search_text;
