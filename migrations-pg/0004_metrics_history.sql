-- The metrics history (docs/usage.md, "Metrics"), as drizzle-kit generated it: one new table,
-- no rebuild. Each pipeline's latest metrics becomes the first entry of its history, so nothing
-- recorded before the history existed is lost.
CREATE TABLE "metrics_history" (
	"seq" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "metrics_history_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"pipeline_id" text NOT NULL,
	"bytes_processed" bigint NOT NULL,
	"bytes_total" bigint NOT NULL,
	"chunks_processed" bigint NOT NULL,
	"chunks_total" bigint NOT NULL,
	"start_time" timestamp(3) with time zone,
	"end_time" timestamp(3) with time zone,
	"processing_duration_ms" bigint NOT NULL,
	"throughput_bytes_per_second" double precision NOT NULL,
	"compression_ratio" double precision,
	"error_count" bigint NOT NULL,
	"warning_count" bigint NOT NULL,
	"input_file_size_bytes" bigint NOT NULL,
	"output_file_size_bytes" bigint NOT NULL,
	"input_file_checksum" text,
	"output_file_checksum" text,
	"updated_at" timestamp(3) with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "metrics_history" ADD CONSTRAINT "metrics_history_pipeline_id_pipelines_id_fk" FOREIGN KEY ("pipeline_id") REFERENCES "public"."pipelines"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "metrics_history_pipeline_idx" ON "metrics_history" USING btree ("pipeline_id","seq");
--> statement-breakpoint
INSERT INTO metrics_history (pipeline_id, bytes_processed, bytes_total, chunks_processed, chunks_total, start_time, end_time, processing_duration_ms, throughput_bytes_per_second, compression_ratio, error_count, warning_count, input_file_size_bytes, output_file_size_bytes, input_file_checksum, output_file_checksum, updated_at)
	SELECT pipeline_id, bytes_processed, bytes_total, chunks_processed, chunks_total, start_time, end_time, processing_duration_ms, throughput_bytes_per_second, compression_ratio, error_count, warning_count, input_file_size_bytes, output_file_size_bytes, input_file_checksum, output_file_checksum, updated_at
	FROM processing_metrics ORDER BY updated_at, pipeline_id;
