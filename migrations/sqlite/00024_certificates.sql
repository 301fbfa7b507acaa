-- +goose Up
-- The youth path (DESIGN.md): certificates of attendance. One per
-- registration, issued to an attendee of a completed activity on their
-- first download. code is what the paper prints and /verify/{code} looks
-- up: 15 characters of Crockford's base32 (75 random bits), stored in
-- capitals without the hyphens it is printed with. An erased person's
-- certificates go with them (person_id ON DELETE CASCADE), so their codes
-- no longer verify. full_title: the participant chose to name a discreet
-- activity on it; locale: the language it was first issued in.
CREATE TABLE certificates (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    code            TEXT NOT NULL,
    registration_id BIGINT NOT NULL REFERENCES registrations (id) ON DELETE CASCADE,
    person_id       BIGINT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    full_title      BOOLEAN NOT NULL DEFAULT 0,
    locale          TEXT NOT NULL,
    issued_at       DATETIME NOT NULL
);
CREATE UNIQUE INDEX certificates_code_key ON certificates (code);
CREATE UNIQUE INDEX certificates_registration_key ON certificates (registration_id);
CREATE INDEX certificates_person_idx ON certificates (person_id);

-- +goose Down
DROP TABLE certificates;
