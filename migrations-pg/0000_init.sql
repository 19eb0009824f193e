CREATE TABLE "api_keys" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"scopes" text NOT NULL,
	"prefix" text NOT NULL,
	"key_hash" text NOT NULL,
	"created_at" timestamp(3) with time zone NOT NULL,
	"revoked_at" timestamp(3) with time zone,
	CONSTRAINT "api_keys_key_hash_key" UNIQUE("key_hash")
);
--> statement-breakpoint
CREATE TABLE "archive_runs" (
	"id" text PRIMARY KEY NOT NULL,
	"trigger" text NOT NULL,
	"cutoff" timestamp(3) with time zone NOT NULL,
	"archived_count" integer NOT NULL,
	"status" text NOT NULL,
	"started_at" timestamp(3) with time zone NOT NULL,
	"finished_at" timestamp(3) with time zone NOT NULL,
	"error" text,
	CONSTRAINT "archive_runs_trigger_known" CHECK ("trigger" IN ('cron', 'manual')),
	CONSTRAINT "archive_runs_status_known" CHECK (status IN ('succeeded', 'failed'))
);
--> statement-breakpoint
CREATE TABLE "audit_events" (
	"seq" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "audit_events_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"id" text NOT NULL,
	"at" timestamp(3) with time zone NOT NULL,
	"action" text NOT NULL,
	"actor_type" text NOT NULL,
	"actor_id" text,
	"resource_type" text NOT NULL,
	"resource_id" text NOT NULL,
	"version" integer,
	"request_id" text NOT NULL,
	CONSTRAINT "audit_events_id_key" UNIQUE("id")
);
--> statement-breakpoint
CREATE TABLE "idempotency_keys" (
	"scope" text NOT NULL,
	"key" text NOT NULL,
	"fingerprint" text NOT NULL,
	"nonce" text NOT NULL,
	"response" text NOT NULL,
	"created_at" timestamp(3) with time zone NOT NULL,
	"expires_at" timestamp(3) with time zone NOT NULL,
	CONSTRAINT "idempotency_keys_scope_key_pk" PRIMARY KEY("scope","key")
);
--> statement-breakpoint
CREATE TABLE "pipeline_configuration" (
	"pipeline_id" text NOT NULL,
	"key" text COLLATE "C" NOT NULL,
	"value" text NOT NULL,
	CONSTRAINT "pipeline_configuration_pipeline_id_key_pk" PRIMARY KEY("pipeline_id","key")
);
--> statement-breakpoint
CREATE TABLE "pipeline_counts" (
	"archived" boolean PRIMARY KEY NOT NULL,
	"total" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "pipeline_revisions" (
	"pipeline_id" text NOT NULL,
	"version" integer NOT NULL,
	"change" text NOT NULL,
	"actor_type" text NOT NULL,
	"actor_id" text,
	"request_id" text NOT NULL,
	"changed_at" timestamp(3) with time zone NOT NULL,
	"pipeline" json NOT NULL,
	CONSTRAINT "pipeline_revisions_pipeline_id_version_pk" PRIMARY KEY("pipeline_id","version")
);
--> statement-breakpoint
CREATE TABLE "pipeline_stages" (
	"id" text PRIMARY KEY NOT NULL,
	"pipeline_id" text NOT NULL,
	"position" integer NOT NULL,
	"name" text NOT NULL,
	"stage_type" text NOT NULL,
	"algorithm" text NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"parallel_processing" boolean DEFAULT false NOT NULL,
	"chunk_size" integer,
	"created_at" timestamp(3) with time zone NOT NULL,
	"updated_at" timestamp(3) with time zone NOT NULL,
	CONSTRAINT "pipeline_stages_type_known" CHECK (stage_type IN ('compression', 'encryption', 'checksum', 'transform', 'passthrough')),
	CONSTRAINT "pipeline_stages_position_range" CHECK (position BETWEEN 0 AND 31)
);
--> statement-breakpoint
CREATE TABLE "pipelines" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text COLLATE "C" NOT NULL,
	"archived" boolean DEFAULT false NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp(3) with time zone NOT NULL,
	"updated_at" timestamp(3) with time zone NOT NULL,
	CONSTRAINT "pipelines_version_positive" CHECK (version >= 1)
);
--> statement-breakpoint
CREATE TABLE "processing_metrics" (
	"pipeline_id" text PRIMARY KEY NOT NULL,
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
CREATE TABLE "stage_parameters" (
	"stage_id" text NOT NULL,
	"key" text COLLATE "C" NOT NULL,
	"value" text NOT NULL,
	CONSTRAINT "stage_parameters_stage_id_key_pk" PRIMARY KEY("stage_id","key")
);
--> statement-breakpoint
ALTER TABLE "pipeline_configuration" ADD CONSTRAINT "pipeline_configuration_pipeline_id_pipelines_id_fk" FOREIGN KEY ("pipeline_id") REFERENCES "public"."pipelines"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pipeline_revisions" ADD CONSTRAINT "pipeline_revisions_pipeline_id_pipelines_id_fk" FOREIGN KEY ("pipeline_id") REFERENCES "public"."pipelines"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pipeline_stages" ADD CONSTRAINT "pipeline_stages_pipeline_id_pipelines_id_fk" FOREIGN KEY ("pipeline_id") REFERENCES "public"."pipelines"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "processing_metrics" ADD CONSTRAINT "processing_metrics_pipeline_id_pipelines_id_fk" FOREIGN KEY ("pipeline_id") REFERENCES "public"."pipelines"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stage_parameters" ADD CONSTRAINT "stage_parameters_stage_id_pipeline_stages_id_fk" FOREIGN KEY ("stage_id") REFERENCES "public"."pipeline_stages"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "archive_runs_started_idx" ON "archive_runs" USING btree ("started_at","id");--> statement-breakpoint
CREATE INDEX "audit_events_resource_idx" ON "audit_events" USING btree ("resource_id","seq");--> statement-breakpoint
CREATE INDEX "audit_events_action_idx" ON "audit_events" USING btree ("action","seq");--> statement-breakpoint
CREATE INDEX "audit_events_actor_idx" ON "audit_events" USING btree ("actor_id","seq");--> statement-breakpoint
CREATE INDEX "audit_events_at_idx" ON "audit_events" USING btree ("at");--> statement-breakpoint
CREATE INDEX "idempotency_keys_expires_idx" ON "idempotency_keys" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "pipeline_configuration_entry_idx" ON "pipeline_configuration" USING btree ("key","value","pipeline_id");--> statement-breakpoint
CREATE INDEX "pipeline_stages_pipeline_position_idx" ON "pipeline_stages" USING btree ("pipeline_id","position");--> statement-breakpoint
CREATE UNIQUE INDEX "pipelines_active_name_key" ON "pipelines" USING btree ("name") WHERE NOT archived;--> statement-breakpoint
CREATE INDEX "pipelines_archived_name_idx" ON "pipelines" USING btree ("archived","name","id");--> statement-breakpoint
CREATE INDEX "pipelines_archived_created_idx" ON "pipelines" USING btree ("archived","created_at","id");--> statement-breakpoint
CREATE INDEX "pipelines_archived_updated_idx" ON "pipelines" USING btree ("archived","updated_at","id");--> statement-breakpoint
CREATE INDEX "pipelines_name_idx" ON "pipelines" USING btree ("name","id");--> statement-breakpoint
CREATE INDEX "pipelines_created_idx" ON "pipelines" USING btree ("created_at","id");--> statement-breakpoint
CREATE INDEX "pipelines_updated_idx" ON "pipelines" USING btree ("updated_at","id");