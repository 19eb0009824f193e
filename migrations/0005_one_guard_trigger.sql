-- Hand-written: one guard trigger instead of one per reason, and no copy triggers that the
-- inserts make unnecessary.

-- The guard raises whatever reason a batch gives it (src/infrastructure/db/guard.ts maps the
-- reasons to domain errors in one place). Before, a reason without its own trigger passed
-- silently: an INSTEAD OF insert that no trigger matches does nothing.
DROP TRIGGER `write_guard_not_found`;
--> statement-breakpoint
DROP TRIGGER `write_guard_version_mismatch`;
--> statement-breakpoint
DROP TRIGGER `write_guard_archived`;
--> statement-breakpoint
DROP TRIGGER `write_guard_foreign_stage`;
--> statement-breakpoint
DROP TRIGGER `write_guard_too_many_entries`;
--> statement-breakpoint
CREATE TRIGGER `write_guard_raise` INSTEAD OF INSERT ON `write_guard`
  WHEN NEW.`reason` IS NOT NULL BEGIN SELECT RAISE(ABORT, 'guard:' || NEW.`reason`); END;
--> statement-breakpoint
-- Configuration inserts now write the copies of their pipeline's list keys themselves (an
-- INSERT … SELECT from the pipeline row), so the trigger that rewrote every new entry goes.
DROP TRIGGER `pipeline_configuration_copy_insert`;
--> statement-breakpoint
-- A pipeline's created_at never changes: this trigger never fired.
DROP TRIGGER `pipelines_copy_created_at`;
