-- +goose Up
-- Saved segments: a named filter of the people database, kept as the query
-- string segments.Parse reads, so a saved segment always asks what the list
-- asks. Names are unique without letter case.
CREATE TABLE saved_segments (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    name       TEXT NOT NULL,
    name_key   TEXT NOT NULL,
    query      TEXT NOT NULL DEFAULT '',
    created_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL
);
CREATE UNIQUE INDEX saved_segments_name_key ON saved_segments (name_key);

-- Consent history: every time a person gave or withdrew consent, with the
-- version of the text and how (a registration form, a petition, an import,
-- a staff member, the person themself).
CREATE TABLE person_consents (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    person_id INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    given     BOOLEAN NOT NULL,
    version   TEXT NOT NULL DEFAULT '',
    source    TEXT NOT NULL,
    at        DATETIME NOT NULL
);
CREATE INDEX person_consents_person_idx ON person_consents (person_id, at);

-- +goose Down
DROP TABLE person_consents;
DROP TABLE saved_segments;
