-- +goose NO TRANSACTION
-- +goose Up
-- A partner user's organisation is held by a foreign key, as on PostgreSQL
-- since 00006. SQLite adds no constraint to an existing table, so users is
-- rebuilt as before but for partner_id, its rows and id sequence copied and
-- its index made again. Foreign keys are off while users is dropped, or the
-- drop would delete the rows that refer to it (role assignments, tokens,
-- sessions…); so this step runs outside goose's transaction, in its own, on
-- goose's one connection. A user whose organisation is missing stops it
-- before anything changes: the temporary table refuses a count above zero.
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;
CREATE TEMP TABLE users_partner_missing (n INTEGER CHECK (n = 0));
INSERT INTO users_partner_missing SELECT COUNT(*) FROM users
WHERE partner_id IS NOT NULL AND partner_id NOT IN (SELECT id FROM partners);
DROP TABLE users_partner_missing;
CREATE TABLE users_new (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    email         TEXT NOT NULL,
    display_name  TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    locale        TEXT NOT NULL DEFAULT '',
    person_id     INTEGER,
    partner_id    INTEGER REFERENCES partners (id),
    disabled_at   DATETIME,
    created_at    DATETIME NOT NULL,
    updated_at    DATETIME NOT NULL
);
INSERT INTO users_new (id, email, display_name, password_hash, locale, person_id, partner_id, disabled_at, created_at, updated_at)
SELECT id, email, display_name, password_hash, locale, person_id, partner_id, disabled_at, created_at, updated_at FROM users;
DELETE FROM sqlite_sequence WHERE name = 'users_new';
INSERT INTO sqlite_sequence (name, seq) SELECT 'users_new', seq FROM sqlite_sequence WHERE name = 'users';
DROP TABLE users;
ALTER TABLE users_new RENAME TO users;
CREATE UNIQUE INDEX users_email_key ON users (email);
COMMIT;
PRAGMA foreign_keys = ON;

-- +goose Down
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;
CREATE TABLE users_old (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    email         TEXT NOT NULL,
    display_name  TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    locale        TEXT NOT NULL DEFAULT '',
    person_id     INTEGER,
    partner_id    INTEGER,
    disabled_at   DATETIME,
    created_at    DATETIME NOT NULL,
    updated_at    DATETIME NOT NULL
);
INSERT INTO users_old (id, email, display_name, password_hash, locale, person_id, partner_id, disabled_at, created_at, updated_at)
SELECT id, email, display_name, password_hash, locale, person_id, partner_id, disabled_at, created_at, updated_at FROM users;
DELETE FROM sqlite_sequence WHERE name = 'users_old';
INSERT INTO sqlite_sequence (name, seq) SELECT 'users_old', seq FROM sqlite_sequence WHERE name = 'users';
DROP TABLE users;
ALTER TABLE users_old RENAME TO users;
CREATE UNIQUE INDEX users_email_key ON users (email);
COMMIT;
PRAGMA foreign_keys = ON;
