-- +goose Up
-- PostgreSQL leaves room on the pages of outbox and submissions for their
-- claims (fillfactor); SQLite has no such setting, and nothing changes here.
SELECT 1;

-- +goose Down
SELECT 1;
