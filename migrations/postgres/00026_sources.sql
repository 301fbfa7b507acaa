-- +goose Up
-- Where a link came from (?src= on a shared link: whatsapp, poster,
-- partner-3...): kept with a registration or a signature as its source,
-- normalised by sharing.Source; '' is a direct visit. Reports count it per
-- source, never per person.
ALTER TABLE registrations ADD COLUMN source TEXT NOT NULL DEFAULT '';
ALTER TABLE signatures ADD COLUMN source TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE signatures DROP COLUMN source;
ALTER TABLE registrations DROP COLUMN source;
