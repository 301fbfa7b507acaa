-- +goose Up
-- An activity's seat counters, kept in step with its registrations by every
-- write of app/registration under the activity's lock, so that placing a
-- newcomer reads one row instead of counting the registrations (a camp
-- with thousands waiting, or thousands of seats, would be counted on every
-- registration). Filled from the registrations already there.
CREATE TABLE activity_seats (
    activity_id INTEGER PRIMARY KEY REFERENCES activities (id) ON DELETE CASCADE,
    general     INTEGER NOT NULL DEFAULT 0,
    rural       INTEGER NOT NULL DEFAULT 0,
    disability  INTEGER NOT NULL DEFAULT 0,
    minority    INTEGER NOT NULL DEFAULT 0,
    waitlisted  INTEGER NOT NULL DEFAULT 0,
    last_order  INTEGER NOT NULL DEFAULT 0
);
INSERT INTO activity_seats (activity_id, general, rural, disability, minority, waitlisted, last_order)
SELECT a.id,
    (SELECT COUNT(*) FROM registrations r WHERE r.activity_id = a.id AND r.status = 'confirmed'
        AND (r.pool IS NULL OR r.pool NOT IN ('rural', 'disability', 'minority'))),
    (SELECT COUNT(*) FROM registrations r WHERE r.activity_id = a.id AND r.status = 'confirmed' AND r.pool = 'rural'),
    (SELECT COUNT(*) FROM registrations r WHERE r.activity_id = a.id AND r.status = 'confirmed' AND r.pool = 'disability'),
    (SELECT COUNT(*) FROM registrations r WHERE r.activity_id = a.id AND r.status = 'confirmed' AND r.pool = 'minority'),
    (SELECT COUNT(*) FROM registrations r WHERE r.activity_id = a.id AND r.status = 'waitlisted'),
    COALESCE((SELECT MAX(r.waitlist_order) FROM registrations r WHERE r.activity_id = a.id), 0)
FROM activities a;
-- Submissions of public forms per email, counted in the transaction that
-- handles them (app/formlimit). (PostgreSQL keeps this table and
-- rate_limits unlogged; SQLite has no such thing.)
CREATE TABLE form_limits (
    key       TEXT PRIMARY KEY,
    hits      INTEGER NOT NULL,
    resets_at INTEGER NOT NULL
);
CREATE INDEX form_limits_resets_at_idx ON form_limits (resets_at);

-- +goose Down
DROP TABLE form_limits;
DROP TABLE activity_seats;
