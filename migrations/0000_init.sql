CREATE TABLE `pipeline_configuration` (
	`pipeline_id` text NOT NULL,
	`key` text NOT NULL,
	`value` text NOT NULL,
	PRIMARY KEY(`pipeline_id`, `key`),
	FOREIGN KEY (`pipeline_id`) REFERENCES `pipelines`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `pipeline_configuration_key_value_idx` ON `pipeline_configuration` (`key`,`value`,`pipeline_id`);--> statement-breakpoint
CREATE TABLE `pipeline_counts` (
	`archived` integer PRIMARY KEY NOT NULL,
	`total` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `pipeline_stages` (
	`id` text PRIMARY KEY NOT NULL,
	`pipeline_id` text NOT NULL,
	`position` integer NOT NULL,
	`name` text NOT NULL,
	`stage_type` text NOT NULL,
	`algorithm` text NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`parallel_processing` integer DEFAULT false NOT NULL,
	`chunk_size` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`pipeline_id`) REFERENCES `pipelines`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "pipeline_stages_type_known" CHECK(stage_type IN ('compression', 'encryption', 'checksum', 'transform', 'passthrough')),
	CONSTRAINT "pipeline_stages_position_range" CHECK(position BETWEEN 0 AND 31)
);
--> statement-breakpoint
CREATE INDEX `pipeline_stages_pipeline_position_idx` ON `pipeline_stages` (`pipeline_id`,`position`);--> statement-breakpoint
CREATE TABLE `pipelines` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`archived` integer DEFAULT false NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	CONSTRAINT "pipelines_version_positive" CHECK(version >= 1)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `pipelines_active_name_key` ON `pipelines` (`name`) WHERE archived = 0;--> statement-breakpoint
CREATE INDEX `pipelines_archived_name_idx` ON `pipelines` (`archived`,`name`,`id`);--> statement-breakpoint
CREATE INDEX `pipelines_archived_created_idx` ON `pipelines` (`archived`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `pipelines_archived_updated_idx` ON `pipelines` (`archived`,`updated_at`,`id`);--> statement-breakpoint
CREATE INDEX `pipelines_name_idx` ON `pipelines` (`name`,`id`);--> statement-breakpoint
CREATE INDEX `pipelines_created_idx` ON `pipelines` (`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `pipelines_updated_idx` ON `pipelines` (`updated_at`,`id`);--> statement-breakpoint
CREATE TABLE `processing_metrics` (
	`pipeline_id` text PRIMARY KEY NOT NULL,
	`bytes_processed` integer NOT NULL,
	`bytes_total` integer NOT NULL,
	`chunks_processed` integer NOT NULL,
	`chunks_total` integer NOT NULL,
	`start_time` integer,
	`end_time` integer,
	`processing_duration_ms` integer NOT NULL,
	`throughput_bytes_per_second` real NOT NULL,
	`compression_ratio` real,
	`error_count` integer NOT NULL,
	`warning_count` integer NOT NULL,
	`input_file_size_bytes` integer NOT NULL,
	`output_file_size_bytes` integer NOT NULL,
	`input_file_checksum` text,
	`output_file_checksum` text,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`pipeline_id`) REFERENCES `pipelines`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `stage_parameters` (
	`stage_id` text NOT NULL,
	`key` text NOT NULL,
	`value` text NOT NULL,
	PRIMARY KEY(`stage_id`, `key`),
	FOREIGN KEY (`stage_id`) REFERENCES `pipeline_stages`(`id`) ON UPDATE no action ON DELETE cascade
);
