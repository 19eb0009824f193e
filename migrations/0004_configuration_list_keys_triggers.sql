-- Hand-written: the copies of each pipeline's list keys on its configuration entries
-- (0003 added the columns and their indexes). The triggers keep them equal to the pipeline in
-- the same statement as every write, so a `config.<key>=<value>` listing can walk one index in
-- the page's order instead of every matching entry. Each trigger sets only the copy that
-- changed: rewriting an unchanged column would still rewrite its index entries.

-- Entries written before these copies existed.
UPDATE `pipeline_configuration` SET
  (`pipeline_archived`, `pipeline_name`, `pipeline_created_at`, `pipeline_updated_at`) =
  (SELECT `archived`, `name`, `created_at`, `updated_at` FROM `pipelines` WHERE `id` = `pipeline_configuration`.`pipeline_id`);
--> statement-breakpoint
-- Inserts leave the copies out (NULL); the pipeline row already exists (foreign key).
CREATE TRIGGER `pipeline_configuration_copy_insert` AFTER INSERT ON `pipeline_configuration` BEGIN
  UPDATE `pipeline_configuration` SET
    (`pipeline_archived`, `pipeline_name`, `pipeline_created_at`, `pipeline_updated_at`) =
    (SELECT `archived`, `name`, `created_at`, `updated_at` FROM `pipelines` WHERE `id` = NEW.`pipeline_id`)
  WHERE `pipeline_id` = NEW.`pipeline_id` AND `key` = NEW.`key`;
END;
--> statement-breakpoint
CREATE TRIGGER `pipelines_copy_archived` AFTER UPDATE OF `archived` ON `pipelines`
  WHEN OLD.`archived` IS NOT NEW.`archived` BEGIN
  UPDATE `pipeline_configuration` SET `pipeline_archived` = NEW.`archived` WHERE `pipeline_id` = NEW.`id`;
END;
--> statement-breakpoint
CREATE TRIGGER `pipelines_copy_name` AFTER UPDATE OF `name` ON `pipelines`
  WHEN OLD.`name` IS NOT NEW.`name` BEGIN
  UPDATE `pipeline_configuration` SET `pipeline_name` = NEW.`name` WHERE `pipeline_id` = NEW.`id`;
END;
--> statement-breakpoint
CREATE TRIGGER `pipelines_copy_created_at` AFTER UPDATE OF `created_at` ON `pipelines`
  WHEN OLD.`created_at` IS NOT NEW.`created_at` BEGIN
  UPDATE `pipeline_configuration` SET `pipeline_created_at` = NEW.`created_at` WHERE `pipeline_id` = NEW.`id`;
END;
--> statement-breakpoint
CREATE TRIGGER `pipelines_copy_updated_at` AFTER UPDATE OF `updated_at` ON `pipelines`
  WHEN OLD.`updated_at` IS NOT NEW.`updated_at` BEGIN
  UPDATE `pipeline_configuration` SET `pipeline_updated_at` = NEW.`updated_at` WHERE `pipeline_id` = NEW.`id`;
END;
