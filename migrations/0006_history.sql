CREATE TABLE `audit_events` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`id` text NOT NULL,
	`at` integer NOT NULL,
	`action` text NOT NULL,
	`actor_type` text NOT NULL,
	`actor_id` text,
	`resource_type` text NOT NULL,
	`resource_id` text NOT NULL,
	`version` integer,
	`request_id` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `audit_events_id_key` ON `audit_events` (`id`);--> statement-breakpoint
CREATE INDEX `audit_events_resource_idx` ON `audit_events` (`resource_id`,`seq`);--> statement-breakpoint
CREATE INDEX `audit_events_action_idx` ON `audit_events` (`action`,`seq`);--> statement-breakpoint
CREATE INDEX `audit_events_actor_idx` ON `audit_events` (`actor_id`,`seq`);--> statement-breakpoint
CREATE INDEX `audit_events_at_idx` ON `audit_events` (`at`);--> statement-breakpoint
CREATE TABLE `pipeline_revisions` (
	`pipeline_id` text NOT NULL,
	`version` integer NOT NULL,
	`change` text NOT NULL,
	`actor_type` text NOT NULL,
	`actor_id` text,
	`request_id` text NOT NULL,
	`changed_at` integer NOT NULL,
	`pipeline` text NOT NULL,
	`write_id` text NOT NULL,
	PRIMARY KEY(`pipeline_id`, `version`),
	FOREIGN KEY (`pipeline_id`) REFERENCES `pipelines`(`id`) ON UPDATE no action ON DELETE cascade
);
