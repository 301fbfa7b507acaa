-- +goose Up
-- Outgoing email, written in the transaction of the change that causes it and
-- sent later by a worker; a row is kept (sent_at set) once it is delivered.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at      DATETIME NOT NULL,
    kind            TEXT NOT NULL,
    locale          TEXT NOT NULL DEFAULT '',
    to_address      TEXT NOT NULL,
    subject         TEXT NOT NULL,
    body            TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at DATETIME NOT NULL,
    sent_at         DATETIME,
    last_error      TEXT NOT NULL DEFAULT '',
    locked_until    DATETIME
);
-- Only unsent rows are indexed, so finding due mail stays cheap as sent mail piles up.
CREATE INDEX outbox_due_idx ON outbox (next_attempt_at) WHERE sent_at IS NULL;

-- +goose Down
DROP TABLE outbox;
