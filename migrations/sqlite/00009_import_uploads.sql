-- +goose Up
-- A CSV file between its upload and the mapping step of the import page:
-- app nodes keep no state, so it waits here. It holds personal data, so a
-- row expires an hour after the upload (the sweep deletes it) and is
-- deleted in the transaction that imports it. Only its uploader reads it.
CREATE TABLE import_uploads (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id        INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    filename       TEXT NOT NULL DEFAULT '',
    data           BLOB NOT NULL,
    update_known   BOOLEAN NOT NULL DEFAULT 0,
    all_or_nothing BOOLEAN NOT NULL DEFAULT 0,
    created_at     DATETIME NOT NULL,
    expires_at     DATETIME NOT NULL
);
CREATE INDEX import_uploads_expires_idx ON import_uploads (expires_at);
CREATE INDEX import_uploads_user_idx ON import_uploads (user_id);

-- +goose Down
DROP TABLE import_uploads;
