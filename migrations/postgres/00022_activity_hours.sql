-- +goose Up
-- The youth path (DESIGN.md): what attending an activity counts for, in
-- minutes; NULL counts the activity's duration.
ALTER TABLE activities ADD COLUMN credit_minutes INTEGER;

-- +goose Down
ALTER TABLE activities DROP COLUMN credit_minutes;
