-- Workspaces (docs/workspaces.md). drizzle-kit generated the column and index changes; the
-- rest is written by hand: drizzle-kit's table rebuilds (which switch foreign keys off, as D1
-- does not) become renames of tables that no foreign key references, and what drizzle-kit does
-- not model (the default workspace, the counters' triggers, the live-workspace triggers) is here.
-- Everything stored before goes into the workspace `default`: every new column defaults to it.
CREATE TABLE `workspaces` (
	`id` text PRIMARY KEY NOT NULL,
	`display_name` text NOT NULL,
	`created_at` integer NOT NULL,
	`deleted_at` integer
);
--> statement-breakpoint
INSERT INTO `workspaces` (`id`, `display_name`, `created_at`, `deleted_at`)
  VALUES ('default', 'Default', CAST(round((julianday('now') - 2440587.5) * 86400000) AS INTEGER), NULL);
--> statement-breakpoint
DROP INDEX `archive_runs_started_idx`;--> statement-breakpoint
ALTER TABLE `archive_runs` ADD `workspace` text DEFAULT 'default' NOT NULL;--> statement-breakpoint
CREATE INDEX `archive_runs_started_idx` ON `archive_runs` (`workspace`,`started_at`,`id`);--> statement-breakpoint
DROP INDEX `audit_events_resource_idx`;--> statement-breakpoint
DROP INDEX `audit_events_action_idx`;--> statement-breakpoint
DROP INDEX `audit_events_actor_idx`;--> statement-breakpoint
ALTER TABLE `audit_events` ADD `workspace` text DEFAULT 'default' NOT NULL;--> statement-breakpoint
CREATE INDEX `audit_events_workspace_idx` ON `audit_events` (`workspace`,`seq`);--> statement-breakpoint
CREATE INDEX `audit_events_resource_idx` ON `audit_events` (`workspace`,`resource_id`,`seq`);--> statement-breakpoint
CREATE INDEX `audit_events_action_idx` ON `audit_events` (`workspace`,`action`,`seq`);--> statement-breakpoint
CREATE INDEX `audit_events_actor_idx` ON `audit_events` (`workspace`,`actor_id`,`seq`);--> statement-breakpoint
-- The idempotency keys' primary key gains the workspace: the table is renamed, made anew and
-- copied (no foreign key references it, so nothing cascades).
ALTER TABLE `idempotency_keys` RENAME TO `idempotency_keys_before_workspaces`;--> statement-breakpoint
DROP INDEX `idempotency_keys_expires_idx`;--> statement-breakpoint
CREATE TABLE `idempotency_keys` (
	`workspace` text NOT NULL,
	`scope` text NOT NULL,
	`key` text NOT NULL,
	`fingerprint` text NOT NULL,
	`nonce` text NOT NULL,
	`response` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	PRIMARY KEY(`workspace`, `scope`, `key`)
);
--> statement-breakpoint
INSERT INTO `idempotency_keys` (`workspace`, `scope`, `key`, `fingerprint`, `nonce`, `response`, `created_at`, `expires_at`)
  SELECT 'default', `scope`, `key`, `fingerprint`, `nonce`, `response`, `created_at`, `expires_at` FROM `idempotency_keys_before_workspaces`;--> statement-breakpoint
DROP TABLE `idempotency_keys_before_workspaces`;--> statement-breakpoint
CREATE INDEX `idempotency_keys_expires_idx` ON `idempotency_keys` (`workspace`,`expires_at`);--> statement-breakpoint
DROP INDEX `pipeline_configuration_archived_name_idx`;--> statement-breakpoint
DROP INDEX `pipeline_configuration_archived_created_idx`;--> statement-breakpoint
DROP INDEX `pipeline_configuration_archived_updated_idx`;--> statement-breakpoint
DROP INDEX `pipeline_configuration_name_idx`;--> statement-breakpoint
DROP INDEX `pipeline_configuration_created_idx`;--> statement-breakpoint
DROP INDEX `pipeline_configuration_updated_idx`;--> statement-breakpoint
-- A copy of the pipeline's workspace, like the other list keys (0004): inserts write it from
-- the pipeline row, and a pipeline never changes workspace.
ALTER TABLE `pipeline_configuration` ADD `pipeline_workspace` text;--> statement-breakpoint
UPDATE `pipeline_configuration` SET `pipeline_workspace` = 'default';--> statement-breakpoint
CREATE INDEX `pipeline_configuration_archived_name_idx` ON `pipeline_configuration` (`pipeline_workspace`,`key`,`value`,`pipeline_archived`,`pipeline_name`,`pipeline_id`);--> statement-breakpoint
CREATE INDEX `pipeline_configuration_archived_created_idx` ON `pipeline_configuration` (`pipeline_workspace`,`key`,`value`,`pipeline_archived`,`pipeline_created_at`,`pipeline_id`);--> statement-breakpoint
CREATE INDEX `pipeline_configuration_archived_updated_idx` ON `pipeline_configuration` (`pipeline_workspace`,`key`,`value`,`pipeline_archived`,`pipeline_updated_at`,`pipeline_id`);--> statement-breakpoint
CREATE INDEX `pipeline_configuration_name_idx` ON `pipeline_configuration` (`pipeline_workspace`,`key`,`value`,`pipeline_name`,`pipeline_id`);--> statement-breakpoint
CREATE INDEX `pipeline_configuration_created_idx` ON `pipeline_configuration` (`pipeline_workspace`,`key`,`value`,`pipeline_created_at`,`pipeline_id`);--> statement-breakpoint
CREATE INDEX `pipeline_configuration_updated_idx` ON `pipeline_configuration` (`pipeline_workspace`,`key`,`value`,`pipeline_updated_at`,`pipeline_id`);--> statement-breakpoint
DROP INDEX `pipelines_active_name_key`;--> statement-breakpoint
DROP INDEX `pipelines_archived_name_idx`;--> statement-breakpoint
DROP INDEX `pipelines_archived_created_idx`;--> statement-breakpoint
DROP INDEX `pipelines_archived_updated_idx`;--> statement-breakpoint
DROP INDEX `pipelines_name_idx`;--> statement-breakpoint
DROP INDEX `pipelines_created_idx`;--> statement-breakpoint
DROP INDEX `pipelines_updated_idx`;--> statement-breakpoint
ALTER TABLE `pipelines` ADD `workspace` text DEFAULT 'default' NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX `pipelines_active_name_key` ON `pipelines` (`workspace`,`name`) WHERE archived = 0;--> statement-breakpoint
CREATE INDEX `pipelines_archived_name_idx` ON `pipelines` (`workspace`,`archived`,`name`,`id`);--> statement-breakpoint
CREATE INDEX `pipelines_archived_created_idx` ON `pipelines` (`workspace`,`archived`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `pipelines_archived_updated_idx` ON `pipelines` (`workspace`,`archived`,`updated_at`,`id`);--> statement-breakpoint
CREATE INDEX `pipelines_name_idx` ON `pipelines` (`workspace`,`name`,`id`);--> statement-breakpoint
CREATE INDEX `pipelines_created_idx` ON `pipelines` (`workspace`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `pipelines_updated_idx` ON `pipelines` (`workspace`,`updated_at`,`id`);--> statement-breakpoint
-- The counters become per workspace: their triggers go first (a rename would point them at the
-- old table), the table is renamed, made anew and copied, and the triggers come back per workspace.
DROP TRIGGER `pipelines_count_insert`;--> statement-breakpoint
DROP TRIGGER `pipelines_count_delete`;--> statement-breakpoint
DROP TRIGGER `pipelines_count_archive`;--> statement-breakpoint
ALTER TABLE `pipeline_counts` RENAME TO `pipeline_counts_before_workspaces`;--> statement-breakpoint
CREATE TABLE `pipeline_counts` (
	`workspace` text NOT NULL,
	`archived` integer NOT NULL,
	`total` integer NOT NULL,
	PRIMARY KEY(`workspace`, `archived`)
);
--> statement-breakpoint
INSERT INTO `pipeline_counts` (`workspace`, `archived`, `total`)
  SELECT 'default', `archived`, `total` FROM `pipeline_counts_before_workspaces`;--> statement-breakpoint
DROP TABLE `pipeline_counts_before_workspaces`;--> statement-breakpoint
-- A workspace's first pipeline of each kind makes its counter row (an upsert), so a workspace
-- needs no rows made in advance, and its deletion removes them last.
CREATE TRIGGER `pipelines_count_insert` AFTER INSERT ON `pipelines` BEGIN
  INSERT INTO `pipeline_counts` (`workspace`, `archived`, `total`) VALUES (NEW.`workspace`, NEW.`archived`, 1)
    ON CONFLICT (`workspace`, `archived`) DO UPDATE SET `total` = `total` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `pipelines_count_delete` AFTER DELETE ON `pipelines` BEGIN
  UPDATE `pipeline_counts` SET `total` = `total` - 1 WHERE `workspace` = OLD.`workspace` AND `archived` = OLD.`archived`;
END;
--> statement-breakpoint
CREATE TRIGGER `pipelines_count_archive` AFTER UPDATE OF `archived` ON `pipelines`
  WHEN OLD.`archived` <> NEW.`archived` BEGIN
  UPDATE `pipeline_counts` SET `total` = `total` - 1 WHERE `workspace` = NEW.`workspace` AND `archived` = OLD.`archived`;
  INSERT INTO `pipeline_counts` (`workspace`, `archived`, `total`) VALUES (NEW.`workspace`, NEW.`archived`, 1)
    ON CONFLICT (`workspace`, `archived`) DO UPDATE SET `total` = `total` + 1;
END;
--> statement-breakpoint
ALTER TABLE `api_keys` ADD `workspace` text DEFAULT 'default' NOT NULL;--> statement-breakpoint
CREATE INDEX `api_keys_workspace_created_idx` ON `api_keys` (`workspace`,`created_at`,`id`);--> statement-breakpoint
-- Nothing is ever written into a workspace that does not exist or whose deletion has begun,
-- whatever the statement: a write racing a deletion aborts rather than leave a row behind
-- that a new workspace of the same id would see.
CREATE TRIGGER `pipelines_workspace_live` BEFORE INSERT ON `pipelines`
  WHEN NOT EXISTS (SELECT 1 FROM `workspaces` WHERE `id` = NEW.`workspace` AND `deleted_at` IS NULL) BEGIN
  SELECT RAISE(ABORT, 'guard:workspace_missing');
END;
--> statement-breakpoint
CREATE TRIGGER `api_keys_workspace_live` BEFORE INSERT ON `api_keys`
  WHEN NOT EXISTS (SELECT 1 FROM `workspaces` WHERE `id` = NEW.`workspace` AND `deleted_at` IS NULL) BEGIN
  SELECT RAISE(ABORT, 'guard:workspace_missing');
END;
--> statement-breakpoint
CREATE TRIGGER `archive_runs_workspace_live` BEFORE INSERT ON `archive_runs`
  WHEN NOT EXISTS (SELECT 1 FROM `workspaces` WHERE `id` = NEW.`workspace` AND `deleted_at` IS NULL) BEGIN
  SELECT RAISE(ABORT, 'guard:workspace_missing');
END;
--> statement-breakpoint
CREATE TRIGGER `audit_events_workspace_live` BEFORE INSERT ON `audit_events`
  WHEN NOT EXISTS (SELECT 1 FROM `workspaces` WHERE `id` = NEW.`workspace` AND `deleted_at` IS NULL) BEGIN
  SELECT RAISE(ABORT, 'guard:workspace_missing');
END;
--> statement-breakpoint
CREATE TRIGGER `idempotency_keys_workspace_live` BEFORE INSERT ON `idempotency_keys`
  WHEN NOT EXISTS (SELECT 1 FROM `workspaces` WHERE `id` = NEW.`workspace` AND `deleted_at` IS NULL) BEGIN
  SELECT RAISE(ABORT, 'guard:workspace_missing');
END;
