-- +goose Up
-- The youth path (DESIGN.md): feedback and well-being surveys of an
-- activity, their invitations through private links, and the responses.

-- One survey of each kind per activity: feedback | wellbeing_pre |
-- wellbeing_post. An anonymous survey's responses keep no link to anyone.
CREATE TABLE surveys (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    activity_id BIGINT NOT NULL REFERENCES activities (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,
    anonymous   BOOLEAN NOT NULL DEFAULT TRUE,
    created_by  BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at  DATETIME NOT NULL
);
CREATE UNIQUE INDEX surveys_activity_kind_key ON surveys (activity_id, kind);

-- An invitation of one registration to one survey, written once (the unique
-- key: two nodes inviting at once invite once), with the hash of its
-- private link's token. answered is a flag and nothing more: a time beside
-- it could be matched with a response's.
CREATE TABLE survey_invitations (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    survey_id       BIGINT NOT NULL REFERENCES surveys (id) ON DELETE CASCADE,
    registration_id BIGINT NOT NULL REFERENCES registrations (id) ON DELETE CASCADE,
    token_hash      BLOB NOT NULL,
    answered        BOOLEAN NOT NULL DEFAULT FALSE,
    sent_at         DATETIME NOT NULL
);
CREATE UNIQUE INDEX survey_invitations_registration_key ON survey_invitations (survey_id, registration_id);
CREATE UNIQUE INDEX survey_invitations_token_key ON survey_invitations (token_hash);
CREATE INDEX survey_invitations_registration_idx ON survey_invitations (registration_id);

-- A response: a random id, not a sequence, and no time, so that nothing
-- tells the order in which people answered; registration_id only when the
-- survey is not anonymous. WITHOUT ROWID: SQLite would otherwise number the
-- rows in the order they came, and keeps them in the order of their random
-- keys instead.
CREATE TABLE survey_responses (
    id              TEXT NOT NULL PRIMARY KEY,
    survey_id       BIGINT NOT NULL REFERENCES surveys (id) ON DELETE CASCADE,
    registration_id BIGINT REFERENCES registrations (id) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX survey_responses_survey_idx ON survey_responses (survey_id);
CREATE UNIQUE INDEX survey_responses_registration_key ON survey_responses (registration_id, survey_id);

-- A response's answer to one question: a value on its scale, or a text.
CREATE TABLE survey_answers (
    response_id TEXT NOT NULL REFERENCES survey_responses (id) ON DELETE CASCADE,
    question    TEXT NOT NULL,
    value       INTEGER,
    text        TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (response_id, question)
) WITHOUT ROWID;

-- +goose Down
DROP TABLE survey_answers;
DROP TABLE survey_responses;
DROP TABLE survey_invitations;
DROP TABLE surveys;
