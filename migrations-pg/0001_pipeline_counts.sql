-- The counter rows behind O(1) unfiltered counts (kept by the trigger of
-- src/storage/postgres/functions/counters.sql). The registry's functions are not migrations:
-- scripts/postgres.ts applies src/storage/postgres/functions/ whole after the migrations.
INSERT INTO pipeline_counts (archived, total) VALUES (false, 0), (true, 0);
