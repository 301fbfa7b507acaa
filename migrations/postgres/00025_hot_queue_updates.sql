-- +goose Up
-- A message is written three times: queued, claimed (locked_until), sent
-- (sent_at); a public form twice: made, claimed (used_at and result_id).
-- The claims change no indexed column, so PostgreSQL can keep them on the
-- row's own page (a HOT update, with no new index entries) when the page
-- has room; full pages made every claim a new row version in every index,
-- and the queue's index twice as long to walk. Leave room on new pages.
ALTER TABLE outbox SET (fillfactor = 60);
ALTER TABLE submissions SET (fillfactor = 70);

-- +goose Down
ALTER TABLE outbox RESET (fillfactor);
ALTER TABLE submissions RESET (fillfactor);
