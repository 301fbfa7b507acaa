-- +goose Up
-- A young person's place, end to end (DESIGN.md): public forms verified by
-- email, private links to manage a registration, guardians for minors,
-- reminders, discreet activities.

-- discreet: not listed, neutral in every email and calendar entry.
-- guardian_age: registrants younger need a guardian's consent; NULL takes
-- GOTONG_GUARDIAN_AGE. reminder_hours: 0 sends none.
ALTER TABLE activities ADD COLUMN discreet BOOLEAN NOT NULL DEFAULT 0;
ALTER TABLE activities ADD COLUMN guardian_age INTEGER;
ALTER TABLE activities ADD COLUMN reminder_hours INTEGER NOT NULL DEFAULT 48;

-- A signed-in participant whose email is verified skips the email step.
-- Every account so far was made by an admin for a known address.
ALTER TABLE users ADD COLUMN email_verified_at DATETIME;
UPDATE users SET email_verified_at = created_at;

-- guardian: not_needed | pending | given | refused; a pending place holds its
-- seat until guardian_due_at. The guardian's name and address go with the
-- registration when the person is erased.
ALTER TABLE registrations ADD COLUMN guardian TEXT NOT NULL DEFAULT 'not_needed';
ALTER TABLE registrations ADD COLUMN guardian_name TEXT NOT NULL DEFAULT '';
ALTER TABLE registrations ADD COLUMN guardian_email TEXT NOT NULL DEFAULT '';
-- How staff received a guardian's answer on paper or from a trusted adult, in
-- their words; erased with the person.
ALTER TABLE registrations ADD COLUMN guardian_note TEXT NOT NULL DEFAULT '';
ALTER TABLE registrations ADD COLUMN guardian_due_at DATETIME;
ALTER TABLE registrations ADD COLUMN reminded_at DATETIME;
CREATE INDEX registrations_guardian_due_idx ON registrations (guardian_due_at) WHERE guardian = 'pending';

-- What a consent was given to: 'data' (the forms' consent to keep the data),
-- 'guardian' (a guardian's consent to a minor's place).
ALTER TABLE person_consents ADD COLUMN purpose TEXT NOT NULL DEFAULT 'data';

-- A public form's submission waiting for its email link (kind 'registration'
-- or 'signature', of the activity or petition target_id). Only a hash of the
-- link's token is kept, and the form itself is sealed: it may hold
-- self-declared sensitive answers. used_at is set by the one tap that places
-- it; result_id is then the registration or signature.
CREATE TABLE submissions (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    token_hash BLOB NOT NULL,
    kind       TEXT NOT NULL,
    target_id  BIGINT NOT NULL,
    payload    BLOB NOT NULL,
    locale     TEXT NOT NULL DEFAULT '',
    created_at DATETIME NOT NULL,
    expires_at DATETIME NOT NULL,
    used_at    DATETIME,
    result_id  BIGINT
);
CREATE UNIQUE INDEX submissions_token_key ON submissions (token_hash);
CREATE INDEX submissions_expires_idx ON submissions (expires_at);

-- Private links to one registration: 'manage' (the participant's page) and
-- 'guardian' (the guardian's answer). Each email carries a fresh one; only
-- the hash is kept, and they go with the registration.
CREATE TABLE registration_links (
    token_hash      BLOB PRIMARY KEY,
    registration_id BIGINT NOT NULL REFERENCES registrations (id) ON DELETE CASCADE,
    purpose         TEXT NOT NULL,
    created_at      DATETIME NOT NULL
);
CREATE INDEX registration_links_registration_idx ON registration_links (registration_id);

-- +goose Down
DROP TABLE registration_links;
DROP TABLE submissions;
ALTER TABLE person_consents DROP COLUMN purpose;
DROP INDEX registrations_guardian_due_idx;
ALTER TABLE registrations DROP COLUMN reminded_at;
ALTER TABLE registrations DROP COLUMN guardian_due_at;
ALTER TABLE registrations DROP COLUMN guardian_note;
ALTER TABLE registrations DROP COLUMN guardian_email;
ALTER TABLE registrations DROP COLUMN guardian_name;
ALTER TABLE registrations DROP COLUMN guardian;
ALTER TABLE users DROP COLUMN email_verified_at;
ALTER TABLE activities DROP COLUMN reminder_hours;
ALTER TABLE activities DROP COLUMN guardian_age;
ALTER TABLE activities DROP COLUMN discreet;
