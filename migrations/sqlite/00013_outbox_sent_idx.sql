-- +goose Up
-- Sent mail is purged after GOTONG_OUTBOX_KEEP_DAYS, oldest first, a batch
-- at a time: this index finds each batch without reading the table, and
-- finds at once that there is nothing left (every ten minutes, on each node).
CREATE INDEX outbox_sent_idx ON outbox (sent_at) WHERE sent_at IS NOT NULL;

-- +goose Down
DROP INDEX outbox_sent_idx;
