-- Change events (docs/events.md). drizzle-kit generated the tables and indexes: two new tables,
-- so nothing is rebuilt and no foreign key is involved. By hand: the live-workspace trigger, as
-- every table that carries a workspace has (0008). No events are made up for the changes made
-- before this migration: the feed starts with the first change after it.
CREATE TABLE `change_events` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`id` text NOT NULL,
	`workspace` text DEFAULT 'default' NOT NULL,
	`type` text NOT NULL,
	`at` integer NOT NULL,
	`actor_type` text NOT NULL,
	`actor_id` text,
	`request_id` text NOT NULL,
	`resource_type` text NOT NULL,
	`resource_id` text NOT NULL,
	`version` integer,
	`pipeline` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `change_events_id_key` ON `change_events` (`workspace`,`id`);--> statement-breakpoint
CREATE INDEX `change_events_workspace_idx` ON `change_events` (`workspace`,`seq`);--> statement-breakpoint
CREATE INDEX `change_events_type_idx` ON `change_events` (`workspace`,`type`,`seq`);--> statement-breakpoint
CREATE INDEX `change_events_resource_idx` ON `change_events` (`workspace`,`resource_id`,`seq`);--> statement-breakpoint
CREATE INDEX `change_events_at_idx` ON `change_events` (`workspace`,`at`);--> statement-breakpoint
CREATE TABLE `change_feeds` (
	`workspace` text PRIMARY KEY NOT NULL,
	`pruned_through` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TRIGGER `change_events_workspace_live` BEFORE INSERT ON `change_events`
  WHEN NOT EXISTS (SELECT 1 FROM `workspaces` WHERE `id` = NEW.`workspace` AND `deleted_at` IS NULL) BEGIN
  SELECT RAISE(ABORT, 'guard:workspace_missing');
END;
