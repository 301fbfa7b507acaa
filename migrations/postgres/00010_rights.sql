-- +goose Up
-- A person's erasure keeps their registrations as anonymous counts: the
-- person's id becomes NULL when they are deleted, instead of the row going
-- with them.
ALTER TABLE registrations ALTER COLUMN person_id DROP NOT NULL;
ALTER TABLE registrations DROP CONSTRAINT registrations_person_id_fkey;
ALTER TABLE registrations ADD CONSTRAINT registrations_person_id_fkey
    FOREIGN KEY (person_id) REFERENCES people (id) ON DELETE SET NULL;

-- Sessions know their user, so that deleting an account ends every
-- session it has (the web layer notes the user at sign-in).
ALTER TABLE sessions ADD COLUMN user_id BIGINT REFERENCES users (id) ON DELETE CASCADE;
CREATE INDEX sessions_user_id_idx ON sessions (user_id);

-- The audit log page filters by object and by action, newest first.
CREATE INDEX audit_log_object_idx ON audit_log (object_type, object_id, id);
CREATE INDEX audit_log_action_idx ON audit_log (action, id);

-- +goose Down
DROP INDEX audit_log_action_idx;
DROP INDEX audit_log_object_idx;
DROP INDEX sessions_user_id_idx;
ALTER TABLE sessions DROP COLUMN user_id;

-- The registrations of erased people cannot be kept without their person:
-- they go, as they went with their person before this version, and the
-- seat counters follow.
DELETE FROM registrations WHERE person_id IS NULL;
UPDATE activity_seats SET
    general = (SELECT COUNT(*) FROM registrations r WHERE r.activity_id = activity_seats.activity_id AND r.status = 'confirmed'
        AND (r.pool IS NULL OR r.pool NOT IN ('rural', 'disability', 'minority'))),
    rural = (SELECT COUNT(*) FROM registrations r WHERE r.activity_id = activity_seats.activity_id AND r.status = 'confirmed' AND r.pool = 'rural'),
    disability = (SELECT COUNT(*) FROM registrations r WHERE r.activity_id = activity_seats.activity_id AND r.status = 'confirmed' AND r.pool = 'disability'),
    minority = (SELECT COUNT(*) FROM registrations r WHERE r.activity_id = activity_seats.activity_id AND r.status = 'confirmed' AND r.pool = 'minority'),
    waitlisted = (SELECT COUNT(*) FROM registrations r WHERE r.activity_id = activity_seats.activity_id AND r.status = 'waitlisted');
ALTER TABLE registrations DROP CONSTRAINT registrations_person_id_fkey;
ALTER TABLE registrations ADD CONSTRAINT registrations_person_id_fkey
    FOREIGN KEY (person_id) REFERENCES people (id) ON DELETE CASCADE;
ALTER TABLE registrations ALTER COLUMN person_id SET NOT NULL;
