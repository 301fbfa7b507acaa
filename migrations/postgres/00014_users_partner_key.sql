-- +goose Up
-- users.partner_id has referred to partners since 00006 here; this version
-- gives SQLite the same foreign key (see sqlite/00014).
SELECT 1;

-- +goose Down
SELECT 1;
