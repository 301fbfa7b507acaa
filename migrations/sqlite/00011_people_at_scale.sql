-- +goose Up
-- People at a million (docs/benchmarks.md, "People at scale").
--
-- Counting a segment of rural volunteers (with a tag, a region, an age…)
-- read every row of people. Here their ids come from the index alone, in id
-- order. (The statistics PostgreSQL needs for people_handle_match_idx
-- have no counterpart here: SQLite plans the match by that index as it is.)
CREATE INDEX people_locality_volunteer_idx ON people (locality, volunteer, id);

-- +goose Down
DROP INDEX people_locality_volunteer_idx;
