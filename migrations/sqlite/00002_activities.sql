-- +goose Up
-- People: the part registration needs. Emails are stored case-folded and are
-- unique when present.
CREATE TABLE people (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    given_name      TEXT NOT NULL,
    family_name     TEXT NOT NULL DEFAULT '',
    email           TEXT,
    phone           TEXT NOT NULL DEFAULT '',
    birth_year      INTEGER,
    region          TEXT NOT NULL DEFAULT '',
    locality        TEXT NOT NULL DEFAULT '',
    locale          TEXT NOT NULL DEFAULT '',
    handle          TEXT NOT NULL DEFAULT '',
    volunteer       BOOLEAN NOT NULL DEFAULT 0,
    consent_version TEXT NOT NULL DEFAULT '',
    consent_at      DATETIME,
    source          TEXT NOT NULL DEFAULT '',
    created_at      DATETIME NOT NULL,
    updated_at      DATETIME NOT NULL
);
CREATE UNIQUE INDEX people_email_key ON people (email) WHERE email IS NOT NULL;

-- Self-declared sensitive attributes, each sealed with AES-256-GCM.
CREATE TABLE person_sensitive (
    person_id           INTEGER PRIMARY KEY REFERENCES people (id) ON DELETE CASCADE,
    disability          BLOB,
    minority            BLOB,
    lgbti               BLOB,
    accessibility_needs BLOB,
    updated_at          DATETIME NOT NULL
);

CREATE TABLE activities (
    id                     INTEGER PRIMARY KEY AUTOINCREMENT,
    slug                   TEXT NOT NULL,
    kind                   TEXT NOT NULL,
    audience               TEXT NOT NULL DEFAULT 'youth',
    age_min                INTEGER,
    age_max                INTEGER,
    mode                   TEXT NOT NULL DEFAULT 'in_person',
    region                 TEXT NOT NULL DEFAULT '',
    venue                  TEXT NOT NULL DEFAULT '',
    online_url             TEXT NOT NULL DEFAULT '',
    starts_at              DATETIME NOT NULL,
    ends_at                DATETIME NOT NULL,
    registration_opens_at  DATETIME,
    registration_closes_at DATETIME,
    capacity               INTEGER NOT NULL,
    status                 TEXT NOT NULL DEFAULT 'draft',
    created_at             DATETIME NOT NULL,
    updated_at             DATETIME NOT NULL
);
CREATE UNIQUE INDEX activities_slug_key ON activities (slug);
CREATE INDEX activities_status_starts_at_idx ON activities (status, starts_at);

CREATE TABLE activity_translations (
    activity_id BIGINT NOT NULL REFERENCES activities (id) ON DELETE CASCADE,
    locale      TEXT NOT NULL,
    title       TEXT NOT NULL DEFAULT '',
    summary     TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (activity_id, locale)
);

CREATE TABLE quota_rules (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    activity_id BIGINT NOT NULL REFERENCES activities (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    attribute   TEXT NOT NULL,
    share       REAL NOT NULL,
    release_at  DATETIME
);
CREATE UNIQUE INDEX quota_rules_activity_attribute_key ON quota_rules (activity_id, attribute);

CREATE TABLE activity_facilitators (
    activity_id BIGINT NOT NULL REFERENCES activities (id) ON DELETE CASCADE,
    user_id     BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (activity_id, user_id)
);

-- One live (not cancelled) registration per person and activity. The
-- attributes declared on the form are kept with the registration: locality in
-- clear, the sensitive ones sealed.
CREATE TABLE registrations (
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
CREATE UNIQUE INDEX registrations_live_key ON registrations (activity_id, person_id) WHERE status <> 'cancelled';
CREATE INDEX registrations_activity_status_idx ON registrations (activity_id, status, waitlist_order);
CREATE INDEX registrations_person_idx ON registrations (person_id);

-- +goose Down
DROP TABLE registrations;
DROP TABLE activity_facilitators;
DROP TABLE quota_rules;
DROP TABLE activity_translations;
DROP TABLE activities;
DROP TABLE person_sensitive;
DROP TABLE people;
