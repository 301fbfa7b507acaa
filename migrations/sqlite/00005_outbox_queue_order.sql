-- +goose Up
-- The worker claims the oldest due messages in (next_attempt_at, id) order.
-- With the index in that order a claim reads the first few entries and
-- stops, instead of reading and sorting every unsent message: a backlog of
-- 40,000 notices after a rush made each claim of 20 take 30–60 ms, and the
-- drain quadratic.
DROP INDEX outbox_due_idx;
CREATE INDEX outbox_due_idx ON outbox (next_attempt_at, id) WHERE sent_at IS NULL;

-- +goose Down
DROP INDEX outbox_due_idx;
CREATE INDEX outbox_due_idx ON outbox (next_attempt_at) WHERE sent_at IS NULL;
