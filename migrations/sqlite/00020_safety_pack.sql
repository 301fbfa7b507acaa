-- +goose Up
-- The camp safety pack (DESIGN.md, "A young person's place, end to end",
-- point 8): with safety_pack an activity asks four built-in sealed questions
-- (emergency contact, medical, dietary and accessibility needs), rows of
-- activity_questions like its own. Its facilitators read their answers from
-- safety_days_before days before the start until the day after the end, in
-- the activity's zone; coordinators until the purge.
ALTER TABLE activities ADD COLUMN safety_pack BOOLEAN NOT NULL DEFAULT 0;
ALTER TABLE activities ADD COLUMN safety_days_before INTEGER NOT NULL DEFAULT 7;

-- +goose Down
ALTER TABLE activities DROP COLUMN safety_days_before;
ALTER TABLE activities DROP COLUMN safety_pack;
