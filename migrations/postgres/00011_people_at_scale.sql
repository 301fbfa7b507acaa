-- +goose Up
-- People at a million (docs/benchmarks.md, "People at scale").
--
-- Counting a segment of rural volunteers (with a tag, a region, an age…)
-- read every row of people. Here their ids come from the index alone, in id
-- order, and merge with a tag's people from person_tags_tag_idx without
-- touching the table. (A first page needs nothing new: it walks people by
-- id and stops after its 51 rows.)
CREATE INDEX people_locality_volunteer_idx ON people (locality, volunteer, id);

-- List matching (people_handle_match_idx): PostgreSQL keeps no statistics
-- of the expression of a partial index, so it guessed that each folded
-- handle matched one person in two hundred, and read all of people rather
-- than the index. These statistics tell it the handles are all but unique.
-- It reads them again for every value of a list, 5,000 values a statement:
-- with the usual hundred-value histogram, planning one took up to 150 ms.
-- The number of distinct handles is all it needs, and a target of 1 still
-- counts them in the whole sample ANALYZE takes of the table.
CREATE STATISTICS people_handle_match_stats ON (LOWER(LTRIM(handle, '@'))) FROM people;
ALTER STATISTICS people_handle_match_stats SET STATISTICS 1;
ANALYZE people;

-- +goose Down
DROP STATISTICS people_handle_match_stats;
DROP INDEX people_locality_volunteer_idx;
