-- pgbench script of `make bench`: one single-row INSERT per transaction, the
-- database's baseline for the registration runs. The table is created by
-- bench/run.sh in a scratch database:
--   CREATE TABLE bench_insert (id BIGSERIAL PRIMARY KEY, note TEXT NOT NULL,
--                              created_at TIMESTAMPTZ NOT NULL);
INSERT INTO bench_insert (note, created_at) VALUES ('bench registration', now());
