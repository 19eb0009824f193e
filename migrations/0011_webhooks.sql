-- Webhooks (docs/webhooks.md). drizzle-kit generated the tables and indexes: three new tables,
-- so nothing is rebuilt and no foreign key is involved. By hand, at the end: the live-workspace
-- trigger, as every table that carries a workspace has (0008), and the outbox trigger.
CREATE TABLE `webhook_deliveries` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`id` text NOT NULL,
	`workspace` text NOT NULL,
	`endpoint_id` text NOT NULL,
	`event_id` text NOT NULL,
	`attempt` integer NOT NULL,
	`status` text NOT NULL,
	`response_status` integer,
	`duration_ms` integer,
	`at` integer NOT NULL,
	`error` text
);
--> statement-breakpoint
CREATE INDEX `webhook_deliveries_endpoint_idx` ON `webhook_deliveries` (`workspace`,`endpoint_id`,`seq`);--> statement-breakpoint
CREATE TABLE `webhook_endpoints` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`id` text NOT NULL,
	`workspace` text NOT NULL,
	`url` text NOT NULL,
	`types` text DEFAULT '[]' NOT NULL,
	`description` text,
	`status` text NOT NULL,
	`secret` text NOT NULL,
	`previous_secret` text,
	`previous_secret_until` integer,
	`created_at` integer NOT NULL,
	`disabled_reason` text,
	`failing_since` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `webhook_endpoints_id_key` ON `webhook_endpoints` (`id`);--> statement-breakpoint
CREATE INDEX `webhook_endpoints_workspace_idx` ON `webhook_endpoints` (`workspace`,`status`);--> statement-breakpoint
CREATE TABLE `webhook_outbox` (
	`workspace` text NOT NULL,
	`endpoint_id` text NOT NULL,
	`event_id` text NOT NULL,
	`event_seq` integer,
	`type` text NOT NULL,
	`payload` text,
	`created_at` integer NOT NULL,
	`sent_at` integer,
	`status` text NOT NULL,
	PRIMARY KEY(`endpoint_id`, `event_id`)
);
--> statement-breakpoint
CREATE INDEX `webhook_outbox_unsent_idx` ON `webhook_outbox` (`workspace`,`sent_at`,`created_at`);--> statement-breakpoint
CREATE TRIGGER `webhook_endpoints_workspace_live` BEFORE INSERT ON `webhook_endpoints`
  WHEN NOT EXISTS (SELECT 1 FROM `workspaces` WHERE `id` = NEW.`workspace` AND `deleted_at` IS NULL) BEGIN
  SELECT RAISE(ABORT, 'guard:workspace_missing');
END;
--> statement-breakpoint
-- The outbox in the write of the change: every change event, by whichever statement inserts it,
-- gets one row per enabled endpoint of its workspace that takes its type, in the same batch (so
-- the same atomic write, and no round trip of its own). The workspace's endpoints are few, read
-- through the index on (workspace, status).
CREATE TRIGGER `change_events_webhook_outbox` AFTER INSERT ON `change_events` BEGIN
  INSERT INTO `webhook_outbox` (`workspace`, `endpoint_id`, `event_id`, `event_seq`, `type`, `payload`, `created_at`, `sent_at`, `status`)
  SELECT NEW.`workspace`, w.`id`, NEW.`id`, NEW.`seq`, NEW.`type`, NULL, NEW.`at`, NULL, 'pending'
  FROM `webhook_endpoints` w
  WHERE w.`workspace` = NEW.`workspace` AND w.`status` = 'enabled'
    AND (w.`types` = '[]' OR EXISTS (SELECT 1 FROM json_each(w.`types`) t WHERE t.value IN (NEW.`type`, 'pipeline.*')));
END;
