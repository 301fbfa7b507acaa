-- +goose Up
-- Reaching supporters (DESIGN.md): mailings to segments, one-click
-- unsubscribe, aggregate link clicks.

-- news_at: when the consent to news that stands was given; NULL when none
-- stands. It mirrors the newest 'news' row of person_consents, so that
-- picking the recipients of a mailing among a million people reads an index,
-- not each person's history.
ALTER TABLE people ADD COLUMN news_at DATETIME;
UPDATE people SET news_at = (
    SELECT CASE WHEN c.given THEN c.at END FROM person_consents c
    WHERE c.person_id = people.id AND c.purpose = 'news' ORDER BY c.at DESC, c.id DESC LIMIT 1);
CREATE INDEX people_news_idx ON people (id) WHERE news_at IS NOT NULL AND email IS NOT NULL;

-- A mailing goes to a saved segment (segment_id) or to a filter query. A
-- draft or scheduled mailing's segment cannot be deleted (a mailing to a
-- segment must never become a mailing to everyone); once started or
-- cancelled, the mailing keeps the segment's query and lets it go.
-- status draft | scheduled | sending | sent | cancelled. lease_until and
-- lease_node: the node that sends it now, so that two nodes never send at
-- once and GOTONG_MAIL_RATE holds for the whole installation.
CREATE TABLE mailings (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    name         TEXT NOT NULL,
    segment_id   BIGINT REFERENCES saved_segments (id) ON DELETE RESTRICT,
    query        TEXT NOT NULL DEFAULT '',
    status       TEXT NOT NULL DEFAULT 'draft',
    scheduled_at DATETIME,
    started_at   DATETIME,
    finished_at  DATETIME,
    lease_until  DATETIME,
    lease_node   TEXT NOT NULL DEFAULT '',
    created_by   BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at   DATETIME NOT NULL,
    updated_at   DATETIME NOT NULL
);
CREATE INDEX mailings_status_idx ON mailings (status, scheduled_at);

-- A mailing's subject and body in each language it is written in.
CREATE TABLE mailing_texts (
    mailing_id BIGINT NOT NULL REFERENCES mailings (id) ON DELETE CASCADE,
    locale     TEXT NOT NULL,
    subject    TEXT NOT NULL,
    body       TEXT NOT NULL,
    PRIMARY KEY (mailing_id, locale)
);

-- The recipients, written once when sending starts: each row is one message,
-- claimed (locked_until) before it is sent and marked after, so a restart or
-- a second node sends nobody twice. No address or name is copied here: they
-- are read from people when the message goes, and an erased person's row
-- stays only as a count (person_id NULL). status: queued | sent | failed |
-- skipped (no email or no consent by the time its turn came).
CREATE TABLE mailing_recipients (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    mailing_id      BIGINT NOT NULL REFERENCES mailings (id) ON DELETE CASCADE,
    person_id       BIGINT REFERENCES people (id) ON DELETE SET NULL,
    status          TEXT NOT NULL DEFAULT 'queued',
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at DATETIME NOT NULL,
    locked_until    DATETIME,
    sent_at         DATETIME,
    unsubscribed_at DATETIME
);
CREATE UNIQUE INDEX mailing_recipients_person_key ON mailing_recipients (mailing_id, person_id);
CREATE INDEX mailing_recipients_queue_idx ON mailing_recipients (mailing_id, id) WHERE status = 'queued';
CREATE INDEX mailing_recipients_status_idx ON mailing_recipients (mailing_id, status);
CREATE INDEX mailing_recipients_person_idx ON mailing_recipients (person_id);

-- The links of a mailing's texts, numbered, and how often each was followed
-- from a message in each language: no row names who followed it.
CREATE TABLE mailing_links (
    mailing_id BIGINT NOT NULL REFERENCES mailings (id) ON DELETE CASCADE,
    idx        INTEGER NOT NULL,
    url        TEXT NOT NULL,
    PRIMARY KEY (mailing_id, idx)
);
CREATE TABLE mailing_clicks (
    mailing_id BIGINT NOT NULL,
    idx        INTEGER NOT NULL,
    locale     TEXT NOT NULL,
    clicks     BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (mailing_id, idx, locale),
    FOREIGN KEY (mailing_id, idx) REFERENCES mailing_links (mailing_id, idx) ON DELETE CASCADE
);

-- +goose Down
DROP TABLE mailing_clicks;
DROP TABLE mailing_links;
DROP TABLE mailing_recipients;
DROP TABLE mailing_texts;
DROP TABLE mailings;
DROP INDEX people_news_idx;
ALTER TABLE people DROP COLUMN news_at;
