-- Hand-written: what drizzle-kit does not model.

-- Pipeline counts per archived value, kept in the same statement as every write,
-- so an unfiltered count reads one row instead of the whole table.
INSERT INTO `pipeline_counts` (`archived`, `total`)
  SELECT 0, (SELECT count(*) FROM `pipelines` WHERE `archived` = 0)
  UNION ALL SELECT 1, (SELECT count(*) FROM `pipelines` WHERE `archived` = 1);
--> statement-breakpoint
CREATE TRIGGER `pipelines_count_insert` AFTER INSERT ON `pipelines` BEGIN
  UPDATE `pipeline_counts` SET `total` = `total` + 1 WHERE `archived` = NEW.`archived`;
END;
--> statement-breakpoint
CREATE TRIGGER `pipelines_count_delete` AFTER DELETE ON `pipelines` BEGIN
  UPDATE `pipeline_counts` SET `total` = `total` - 1 WHERE `archived` = OLD.`archived`;
END;
--> statement-breakpoint
CREATE TRIGGER `pipelines_count_archive` AFTER UPDATE OF `archived` ON `pipelines`
  WHEN OLD.`archived` <> NEW.`archived` BEGIN
  UPDATE `pipeline_counts` SET `total` = `total` - 1 WHERE `archived` = OLD.`archived`;
  UPDATE `pipeline_counts` SET `total` = `total` + 1 WHERE `archived` = NEW.`archived`;
END;
--> statement-breakpoint
-- The write guard. D1 has no interactive transactions, so a batch cannot branch on its
-- own reads; instead a batch inserts the reason its precondition failed (or NULL) into
-- this view, and the matching trigger aborts the whole batch with that reason.
CREATE VIEW `write_guard` AS SELECT NULL AS `reason`;
--> statement-breakpoint
CREATE TRIGGER `write_guard_not_found` INSTEAD OF INSERT ON `write_guard`
  WHEN NEW.`reason` = 'not_found' BEGIN SELECT RAISE(ABORT, 'guard:not_found'); END;
--> statement-breakpoint
CREATE TRIGGER `write_guard_version_mismatch` INSTEAD OF INSERT ON `write_guard`
  WHEN NEW.`reason` = 'version_mismatch' BEGIN SELECT RAISE(ABORT, 'guard:version_mismatch'); END;
--> statement-breakpoint
CREATE TRIGGER `write_guard_archived` INSTEAD OF INSERT ON `write_guard`
  WHEN NEW.`reason` = 'archived' BEGIN SELECT RAISE(ABORT, 'guard:archived'); END;
--> statement-breakpoint
CREATE TRIGGER `write_guard_foreign_stage` INSTEAD OF INSERT ON `write_guard`
  WHEN NEW.`reason` = 'foreign_stage' BEGIN SELECT RAISE(ABORT, 'guard:foreign_stage'); END;
--> statement-breakpoint
CREATE TRIGGER `write_guard_too_many_entries` INSTEAD OF INSERT ON `write_guard`
  WHEN NEW.`reason` = 'too_many_entries' BEGIN SELECT RAISE(ABORT, 'guard:too_many_entries'); END;
