-- The metrics history (docs/usage.md, "Metrics"), as drizzle-kit generated it: one new table,
-- no rebuild. Each pipeline's latest metrics becomes the first entry of its history, so nothing
-- recorded before the history existed is lost.
CREATE TABLE `metrics_history` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`pipeline_id` text NOT NULL,
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
CREATE INDEX `metrics_history_pipeline_idx` ON `metrics_history` (`pipeline_id`,`seq`);
--> statement-breakpoint
INSERT INTO metrics_history (pipeline_id, bytes_processed, bytes_total, chunks_processed, chunks_total, start_time, end_time, processing_duration_ms, throughput_bytes_per_second, compression_ratio, error_count, warning_count, input_file_size_bytes, output_file_size_bytes, input_file_checksum, output_file_checksum, updated_at)
	SELECT pipeline_id, bytes_processed, bytes_total, chunks_processed, chunks_total, start_time, end_time, processing_duration_ms, throughput_bytes_per_second, compression_ratio, error_count, warning_count, input_file_size_bytes, output_file_size_bytes, input_file_checksum, output_file_checksum, updated_at
	FROM processing_metrics ORDER BY updated_at, pipeline_id;
