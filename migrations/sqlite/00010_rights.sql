-- +goose Up
-- A person's erasure keeps their registrations as anonymous counts: the
-- person's id becomes NULL when they are deleted, instead of the row going
-- with them. SQLite cannot change a column's constraints, so the table is
-- rebuilt exactly as before but for person_id, its rows copied (its id
-- sequence too, so ids are never given out twice), and its indexes made
-- again. Nothing refers to registrations, and it has no triggers.
CREATE TABLE registrations_new (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    activity_id        BIGINT NOT NULL REFERENCES activities (id) ON DELETE CASCADE,
    person_id          BIGINT REFERENCES people (id) ON DELETE SET NULL,
    status             TEXT NOT NULL,
    pool               TEXT,
    waitlist_order     BIGINT NOT NULL,
    attended           BOOLEAN,
    declared_locality  TEXT NOT NULL DEFAULT '',
    declared_sensitive BLOB,
    locale             TEXT NOT NULL DEFAULT '',
    consent_version    TEXT NOT NULL,
    consent_at         DATETIME NOT NULL,
    cancelled_at       DATETIME,
    created_at         DATETIME NOT NULL,
    updated_at         DATETIME NOT NULL
);
INSERT INTO registrations_new (id, activity_id, person_id, status, pool, waitlist_order, attended, declared_locality,
    declared_sensitive, locale, consent_version, consent_at, cancelled_at, created_at, updated_at)
SELECT id, activity_id, person_id, status, pool, waitlist_order, attended, declared_locality,
    declared_sensitive, locale, consent_version, consent_at, cancelled_at, created_at, updated_at
FROM registrations;
DELETE FROM sqlite_sequence WHERE name = 'registrations_new';
INSERT INTO sqlite_sequence (name, seq) SELECT 'registrations_new', seq FROM sqlite_sequence WHERE name = 'registrations';
DROP TABLE registrations;
ALTER TABLE registrations_new RENAME TO registrations;
CREATE UNIQUE INDEX registrations_live_key ON registrations (activity_id, person_id) WHERE status <> 'cancelled';
CREATE INDEX registrations_activity_status_idx ON registrations (activity_id, status, waitlist_order);
CREATE INDEX registrations_person_idx ON registrations (person_id);

-- Sessions know their user, so that deleting an account ends every
-- session it has (the web layer notes the user at sign-in).
ALTER TABLE sessions ADD COLUMN user_id INTEGER REFERENCES users (id) ON DELETE CASCADE;
CREATE INDEX sessions_user_id_idx ON sessions (user_id);

-- The audit log page filters by object and by action, newest first.
CREATE INDEX audit_log_object_idx ON audit_log (object_type, object_id, id);
CREATE INDEX audit_log_action_idx ON audit_log (action, id);

-- +goose Down
DROP INDEX audit_log_action_idx;
DROP INDEX audit_log_object_idx;
-- SQLite drops no column that is part of a foreign key: the sessions table
-- is made again as it was, with its sessions.
CREATE TABLE sessions_old (
    id         TEXT PRIMARY KEY,
    data       BLOB NOT NULL,
    expires_at INTEGER NOT NULL DEFAULT 0
);
INSERT INTO sessions_old (id, data, expires_at) SELECT id, data, expires_at FROM sessions;
DROP TABLE sessions;
ALTER TABLE sessions_old RENAME TO sessions;
CREATE INDEX sessions_expires_at_idx ON sessions (expires_at);

-- The registrations of erased people cannot be kept without their person:
-- they go, as they went with their person before this version, and the
-- seat counters follow.
CREATE TABLE registrations_old (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    activity_id        BIGINT NOT NULL REFERENCES activities (id) ON DELETE CASCADE,
    person_id          BIGINT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    status             TEXT NOT NULL,
    pool               TEXT,
    waitlist_order     BIGINT NOT NULL,
    attended           BOOLEAN,
    declared_locality  TEXT NOT NULL DEFAULT '',
    declared_sensitive BLOB,
    locale             TEXT NOT NULL DEFAULT '',
    consent_version    TEXT NOT NULL,
    consent_at         DATETIME NOT NULL,
    cancelled_at       DATETIME,
    created_at         DATETIME NOT NULL,
    updated_at         DATETIME NOT NULL
);
INSERT INTO registrations_old (id, activity_id, person_id, status, pool, waitlist_order, attended, declared_locality,
    declared_sensitive, locale, consent_version, consent_at, cancelled_at, created_at, updated_at)
SELECT id, activity_id, person_id, status, pool, waitlist_order, attended, declared_locality,
    declared_sensitive, locale, consent_version, consent_at, cancelled_at, created_at, updated_at
FROM registrations WHERE person_id IS NOT NULL;
DELETE FROM sqlite_sequence WHERE name = 'registrations_old';
INSERT INTO sqlite_sequence (name, seq) SELECT 'registrations_old', seq FROM sqlite_sequence WHERE name = 'registrations';
DROP TABLE registrations;
ALTER TABLE registrations_old RENAME TO registrations;
CREATE UNIQUE INDEX registrations_live_key ON registrations (activity_id, person_id) WHERE status <> 'cancelled';
CREATE INDEX registrations_activity_status_idx ON registrations (activity_id, status, waitlist_order);
CREATE INDEX registrations_person_idx ON registrations (person_id);
UPDATE activity_seats SET
    general = (SELECT COUNT(*) FROM registrations r WHERE r.activity_id = activity_seats.activity_id AND r.status = 'confirmed'
        AND (r.pool IS NULL OR r.pool NOT IN ('rural', 'disability', 'minority'))),
    rural = (SELECT COUNT(*) FROM registrations r WHERE r.activity_id = activity_seats.activity_id AND r.status = 'confirmed' AND r.pool = 'rural'),
    disability = (SELECT COUNT(*) FROM registrations r WHERE r.activity_id = activity_seats.activity_id AND r.status = 'confirmed' AND r.pool = 'disability'),
    minority = (SELECT COUNT(*) FROM registrations r WHERE r.activity_id = activity_seats.activity_id AND r.status = 'confirmed' AND r.pool = 'minority'),
    waitlisted = (SELECT COUNT(*) FROM registrations r WHERE r.activity_id = activity_seats.activity_id AND r.status = 'waitlisted');
