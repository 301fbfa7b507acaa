-- +goose Up
-- Partner organisations, co-planned campaigns, petitions and letters (issue 4),
-- and the tags that campaigns and people share.

CREATE TABLE partners (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    name          TEXT NOT NULL,
    kind          TEXT NOT NULL,
    region        TEXT NOT NULL DEFAULT '',
    contact_email TEXT NOT NULL DEFAULT '',
    website       TEXT NOT NULL DEFAULT '',
    created_at    DATETIME NOT NULL,
    updated_at    DATETIME NOT NULL
);
-- One organisation, one entry: names compare without letter case.
CREATE UNIQUE INDEX partners_name_key ON partners (lower(name));

CREATE TABLE partner_descriptions (
    partner_id  INTEGER NOT NULL REFERENCES partners (id) ON DELETE CASCADE,
    locale      TEXT NOT NULL,
    description TEXT NOT NULL,
    PRIMARY KEY (partner_id, locale)
);

-- The section's partnership with an organisation: its current state, and
-- every change of status with its date.
CREATE TABLE partnerships (
    partner_id   INTEGER PRIMARY KEY REFERENCES partners (id) ON DELETE CASCADE,
    status       TEXT NOT NULL DEFAULT 'prospective',
    started_on   TEXT,
    shared_goals TEXT NOT NULL DEFAULT '',
    notes        TEXT NOT NULL DEFAULT '',
    updated_at   DATETIME NOT NULL
);
CREATE TABLE partnership_changes (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    partner_id INTEGER NOT NULL REFERENCES partners (id) ON DELETE CASCADE,
    status     TEXT NOT NULL,
    changed_on TEXT NOT NULL,
    actor_id   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at DATETIME NOT NULL
);
CREATE INDEX partnership_changes_partner_idx ON partnership_changes (partner_id, changed_on);

-- Partner users belong to an organisation that exists. Accounts made before
-- there was a directory keep their access: their organisation is entered
-- under a placeholder name for staff to complete. (SQLite cannot add a
-- foreign key to users without rebuilding it; auth checks the organisation.)
INSERT INTO partners (id, name, kind, created_at, updated_at)
SELECT DISTINCT u.partner_id, 'Partner organisation ' || u.partner_id, 'other', datetime('now'), datetime('now')
FROM users u WHERE u.partner_id IS NOT NULL;
INSERT INTO partnerships (partner_id, updated_at) SELECT id, datetime('now') FROM partners;

CREATE TABLE activity_partners (
    activity_id INTEGER NOT NULL REFERENCES activities (id) ON DELETE CASCADE,
    partner_id  INTEGER NOT NULL REFERENCES partners (id),
    PRIMARY KEY (activity_id, partner_id)
);
CREATE INDEX activity_partners_partner_idx ON activity_partners (partner_id);

-- Tags: campaign themes and interests, shared by campaigns and people.
-- Names are stored case-folded.
CREATE TABLE tags (
    id   INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL
);
CREATE UNIQUE INDEX tags_name_key ON tags (name);
CREATE TABLE person_tags (
    person_id INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    tag_id    INTEGER NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
    PRIMARY KEY (person_id, tag_id)
);
CREATE INDEX person_tags_tag_idx ON person_tags (tag_id, person_id);

CREATE TABLE campaigns (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    stage      TEXT NOT NULL DEFAULT 'planning',
    starts_on  TEXT,
    ends_on    TEXT,
    lead_id    INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL
);
CREATE TABLE campaign_translations (
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    locale      TEXT NOT NULL,
    title       TEXT NOT NULL DEFAULT '',
    summary     TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (campaign_id, locale)
);
CREATE TABLE campaign_tags (
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    tag_id      INTEGER NOT NULL REFERENCES tags (id),
    PRIMARY KEY (campaign_id, tag_id)
);
-- A partner takes part in a campaign at a set of stages: one row per stage.
CREATE TABLE campaign_partners (
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    partner_id  INTEGER NOT NULL REFERENCES partners (id),
    stage       TEXT NOT NULL,
    PRIMARY KEY (campaign_id, partner_id, stage)
);
CREATE INDEX campaign_partners_partner_idx ON campaign_partners (partner_id, campaign_id);
-- The shared log of each stage.
CREATE TABLE campaign_notes (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    stage       TEXT NOT NULL,
    author_id   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    partner_id  INTEGER REFERENCES partners (id),
    text        TEXT NOT NULL,
    created_at  DATETIME NOT NULL
);
CREATE INDEX campaign_notes_campaign_idx ON campaign_notes (campaign_id, stage, created_at);
-- The short checklist of each stage.
CREATE TABLE campaign_checklist (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    stage       TEXT NOT NULL,
    position    INTEGER NOT NULL,
    text        TEXT NOT NULL,
    done_at     DATETIME,
    done_by     INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at  DATETIME NOT NULL
);
CREATE INDEX campaign_checklist_campaign_idx ON campaign_checklist (campaign_id, stage, position);

CREATE TABLE petitions (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id),
    slug        TEXT NOT NULL,
    goal        INTEGER NOT NULL CHECK (goal >= 1),
    created_at  DATETIME NOT NULL,
    updated_at  DATETIME NOT NULL
);
CREATE UNIQUE INDEX petitions_slug_key ON petitions (slug);
CREATE TABLE petition_translations (
    petition_id INTEGER NOT NULL REFERENCES petitions (id) ON DELETE CASCADE,
    locale      TEXT NOT NULL,
    title       TEXT NOT NULL DEFAULT '',
    text        TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (petition_id, locale)
);
-- One signature per person and petition. An erased person's signature stays
-- as an anonymous count (person_id NULL).
CREATE TABLE signatures (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    petition_id     INTEGER NOT NULL REFERENCES petitions (id) ON DELETE CASCADE,
    person_id       INTEGER REFERENCES people (id) ON DELETE SET NULL,
    region          TEXT NOT NULL DEFAULT '',
    consent_version TEXT NOT NULL,
    signed_at       DATETIME NOT NULL
);
CREATE UNIQUE INDEX signatures_petition_person_key ON signatures (petition_id, person_id);
CREATE INDEX signatures_signed_at_idx ON signatures (petition_id, signed_at);

-- Letters written and delivered for a campaign, logged by coordinators.
CREATE TABLE letters (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    campaign_id  INTEGER NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    count        INTEGER NOT NULL CHECK (count >= 1),
    delivered_on TEXT,
    note         TEXT NOT NULL DEFAULT '',
    created_by   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at   DATETIME NOT NULL
);
CREATE INDEX letters_campaign_idx ON letters (campaign_id);

-- +goose Down
DROP TABLE letters;
DROP TABLE signatures;
DROP TABLE petition_translations;
DROP TABLE petitions;
DROP TABLE campaign_checklist;
DROP TABLE campaign_notes;
DROP TABLE campaign_partners;
DROP TABLE campaign_tags;
DROP TABLE campaign_translations;
DROP TABLE campaigns;
DROP TABLE person_tags;
DROP TABLE tags;
DROP TABLE activity_partners;
DROP TABLE partnership_changes;
DROP TABLE partnerships;
DROP TABLE partner_descriptions;
DROP TABLE partners;
