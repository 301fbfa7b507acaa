-- +goose Up
-- The seat count under an activity's lock reads the last waitlist order
-- given out: one index entry instead of every registration of the activity.
CREATE INDEX registrations_activity_order_idx ON registrations (activity_id, waitlist_order);
-- Rate-limit counters are worth nothing after a crash (a window starts
-- again), so they skip the write-ahead log and its flush on every public
-- form post.
ALTER TABLE rate_limits SET UNLOGGED;

-- +goose Down
ALTER TABLE rate_limits SET LOGGED;
DROP INDEX registrations_activity_order_idx;
