-- +goose Up
-- The seat count under an activity's lock reads the last waitlist order
-- given out: one index entry instead of every registration of the activity.
-- (PostgreSQL also makes rate_limits unlogged; SQLite has no such thing.)
CREATE INDEX registrations_activity_order_idx ON registrations (activity_id, waitlist_order);

-- +goose Down
DROP INDEX registrations_activity_order_idx;
