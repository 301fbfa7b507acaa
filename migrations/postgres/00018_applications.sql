-- +goose Up
-- Applications (DESIGN.md, "A young person's place, end to end", point 6):
-- an activity's registration_mode is 'open' (first come) or 'application'.
-- In application mode a verified registration waits for review with status
-- 'applied' and holds no seat; a coordinator accepts it (the seat is then
-- allocated by the quota rules) or declines it (status 'declined').
ALTER TABLE activities ADD COLUMN registration_mode TEXT NOT NULL DEFAULT 'open';

-- +goose Down
ALTER TABLE activities DROP COLUMN registration_mode;
