-- +goose Up
-- Which sensitive quota (disability, minority) seats a person is never kept
-- in clear beside their registration: such a seat's pool reads 'reserved',
-- and the attribute is sealed in sealed_pool (AES-256-GCM under the secret
-- key, bound to the activity and the registration's order), which only the
-- seat allocation opens. Rows written in clear before this version are
-- sealed by the first start of this version (registration.SealClearPools),
-- since sealing needs the key and a migration has none.
ALTER TABLE registrations ADD COLUMN sealed_pool BYTEA;

-- +goose Down
-- Sealed pools cannot be opened without the key: their seats become general
-- ones, and the seat counters say so.
UPDATE registrations SET pool = 'general' WHERE pool = 'reserved';
UPDATE activity_seats SET general = general + disability + minority, disability = 0, minority = 0;
ALTER TABLE registrations DROP COLUMN sealed_pool;
