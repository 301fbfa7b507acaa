-- +goose Up
-- An activity's own questions (DESIGN.md, "A young person's place", point 7),
-- in order. label and options are JSON (a text by language; a list of
-- {value, label}); show_if is JSON ({question, equals}) or NULL. Answers to a
-- sealed question are encrypted; every answer is deleted retain_days after
-- the activity ends, and purged_at records when that was done.
CREATE TABLE activity_questions (
    activity_id BIGINT NOT NULL REFERENCES activities (id) ON DELETE CASCADE,
    question_id TEXT NOT NULL,
    position    INTEGER NOT NULL,
    kind        TEXT NOT NULL,
    label       TEXT NOT NULL,
    options     TEXT NOT NULL DEFAULT '[]',
    required    BOOLEAN NOT NULL DEFAULT FALSE,
    show_if     TEXT,
    sealed      BOOLEAN NOT NULL DEFAULT FALSE,
    retain_days INTEGER NOT NULL,
    purged_at   TIMESTAMPTZ,
    PRIMARY KEY (activity_id, question_id)
);

-- A registrant's answers, written when the registration is placed: value is
-- the canonical JSON of an ordinary answer; a sealed one is in sealed alone,
-- bound to its registration and question. They go with the registration,
-- with an erasure, and with the purge.
CREATE TABLE registration_answers (
    registration_id BIGINT NOT NULL REFERENCES registrations (id) ON DELETE CASCADE,
    question_id     TEXT NOT NULL,
    activity_id     BIGINT NOT NULL,
    value           TEXT,
    sealed          BYTEA,
    PRIMARY KEY (registration_id, question_id)
);
CREATE INDEX registration_answers_question_idx ON registration_answers (activity_id, question_id);

-- +goose Down
DROP TABLE registration_answers;
DROP TABLE activity_questions;
