DROP INDEX `pipeline_configuration_key_value_idx`;--> statement-breakpoint
ALTER TABLE `pipeline_configuration` ADD `pipeline_archived` integer;--> statement-breakpoint
ALTER TABLE `pipeline_configuration` ADD `pipeline_name` text;--> statement-breakpoint
ALTER TABLE `pipeline_configuration` ADD `pipeline_created_at` integer;--> statement-breakpoint
ALTER TABLE `pipeline_configuration` ADD `pipeline_updated_at` integer;--> statement-breakpoint
CREATE INDEX `pipeline_configuration_archived_name_idx` ON `pipeline_configuration` (`key`,`value`,`pipeline_archived`,`pipeline_name`,`pipeline_id`);--> statement-breakpoint
CREATE INDEX `pipeline_configuration_archived_created_idx` ON `pipeline_configuration` (`key`,`value`,`pipeline_archived`,`pipeline_created_at`,`pipeline_id`);--> statement-breakpoint
CREATE INDEX `pipeline_configuration_archived_updated_idx` ON `pipeline_configuration` (`key`,`value`,`pipeline_archived`,`pipeline_updated_at`,`pipeline_id`);--> statement-breakpoint
CREATE INDEX `pipeline_configuration_name_idx` ON `pipeline_configuration` (`key`,`value`,`pipeline_name`,`pipeline_id`);--> statement-breakpoint
CREATE INDEX `pipeline_configuration_created_idx` ON `pipeline_configuration` (`key`,`value`,`pipeline_created_at`,`pipeline_id`);--> statement-breakpoint
CREATE INDEX `pipeline_configuration_updated_idx` ON `pipeline_configuration` (`key`,`value`,`pipeline_updated_at`,`pipeline_id`);