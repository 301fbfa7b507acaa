-- +goose Up
-- Time (DESIGN.md): every activity has the IANA zone where it happens, in
-- which pages, emails and rosters show its times. The column holds the
-- zone resolved: the one given, else the region's (regions.Zone), else the
-- portal's default (GOTONG_TIMEZONE). Existing activities take their
-- region's; those without one (online) take UTC, which is what they showed
-- until now, and their organisers may choose another.
ALTER TABLE activities ADD COLUMN timezone TEXT NOT NULL DEFAULT 'UTC';
UPDATE activities SET timezone = CASE
    WHEN region IN ('FR-973') THEN 'America/Cayenne'
    WHEN region IN ('FR-971') THEN 'America/Guadeloupe'
    WHEN region IN ('FR-972') THEN 'America/Martinique'
    WHEN region IN ('MN-043', 'MN-046', 'MN-071') THEN 'Asia/Hovd'
    WHEN region IN ('ID-AC', 'ID-BB', 'ID-BE', 'ID-BT', 'ID-JA', 'ID-JB', 'ID-JI', 'ID-JK', 'ID-JT', 'ID-KB', 'ID-KR', 'ID-KT', 'ID-LA', 'ID-RI', 'ID-SB', 'ID-SS', 'ID-SU', 'ID-YO') THEN 'Asia/Jakarta'
    WHEN region IN ('ID-MA', 'ID-MU', 'ID-PA', 'ID-PB', 'ID-PD', 'ID-PE', 'ID-PS', 'ID-PT') THEN 'Asia/Jayapura'
    WHEN region IN ('ID-BA', 'ID-GO', 'ID-KI', 'ID-KS', 'ID-KU', 'ID-NB', 'ID-NT', 'ID-SA', 'ID-SG', 'ID-SN', 'ID-SR', 'ID-ST') THEN 'Asia/Makassar'
    WHEN region IN ('MN-035', 'MN-037', 'MN-039', 'MN-041', 'MN-047', 'MN-049', 'MN-051', 'MN-053', 'MN-055', 'MN-057', 'MN-059', 'MN-061', 'MN-063', 'MN-064', 'MN-065', 'MN-067', 'MN-069', 'MN-073', 'MN-1') THEN 'Asia/Ulaanbaatar'
    WHEN region IN ('FR-ARA', 'FR-BFC', 'FR-BRE', 'FR-COR', 'FR-CVL', 'FR-GES', 'FR-HDF', 'FR-IDF', 'FR-NAQ', 'FR-NOR', 'FR-OCC', 'FR-PAC', 'FR-PDL') THEN 'Europe/Paris'
    WHEN region IN ('FR-976') THEN 'Indian/Mayotte'
    WHEN region IN ('FR-974') THEN 'Indian/Reunion'
    ELSE 'UTC'
END;

-- +goose Down
ALTER TABLE activities DROP COLUMN timezone;
