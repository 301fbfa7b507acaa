-- +goose Up
-- List matching compares social handles without letter case and without
-- the leading @: a list of 20,000 followers is looked up through this index
-- instead of reading every person.
CREATE INDEX people_handle_match_idx ON people (LOWER(LTRIM(handle, '@'))) WHERE handle <> '';

-- +goose Down
DROP INDEX people_handle_match_idx;
