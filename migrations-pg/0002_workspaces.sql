-- Workspaces (docs/workspaces.md). drizzle-kit generated the column, key and index changes; the
-- order (columns before the keys that use them), the name of pipeline_counts' old primary key
-- and the data are written by hand. Everything stored before goes into the workspace `default`:
-- each new column is added with that default, which fills the existing rows without a rewrite,
-- and the default is dropped at once, so no later insert can forget its workspace. The
-- live-workspace triggers and the per-workspace counters' trigger are functions, applied after
-- the migrations (src/storage/postgres/functions/workspaces.sql and counters.sql).
CREATE TABLE "workspaces" (
	"id" text COLLATE "C" PRIMARY KEY NOT NULL,
	"display_name" text NOT NULL,
	"created_at" timestamp(3) with time zone NOT NULL,
	"deleted_at" timestamp(3) with time zone
);
--> statement-breakpoint
INSERT INTO "workspaces" ("id", "display_name", "created_at", "deleted_at") VALUES ('default', 'Default', now(), NULL);--> statement-breakpoint
ALTER TABLE "pipelines" ADD COLUMN "workspace" text COLLATE "C" DEFAULT 'default' NOT NULL;--> statement-breakpoint
ALTER TABLE "pipelines" ALTER COLUMN "workspace" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "pipeline_counts" ADD COLUMN "workspace" text COLLATE "C" DEFAULT 'default' NOT NULL;--> statement-breakpoint
ALTER TABLE "pipeline_counts" ALTER COLUMN "workspace" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "api_keys" ADD COLUMN "workspace" text COLLATE "C" DEFAULT 'default' NOT NULL;--> statement-breakpoint
ALTER TABLE "api_keys" ALTER COLUMN "workspace" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "idempotency_keys" ADD COLUMN "workspace" text COLLATE "C" DEFAULT 'default' NOT NULL;--> statement-breakpoint
ALTER TABLE "idempotency_keys" ALTER COLUMN "workspace" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "archive_runs" ADD COLUMN "workspace" text COLLATE "C" DEFAULT 'default' NOT NULL;--> statement-breakpoint
ALTER TABLE "archive_runs" ALTER COLUMN "workspace" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "audit_events" ADD COLUMN "workspace" text COLLATE "C" DEFAULT 'default' NOT NULL;--> statement-breakpoint
ALTER TABLE "audit_events" ALTER COLUMN "workspace" DROP DEFAULT;--> statement-breakpoint
-- The primary key that `archived` alone was (named by PostgreSQL, not drizzle-kit).
ALTER TABLE "pipeline_counts" DROP CONSTRAINT "pipeline_counts_pkey";--> statement-breakpoint
ALTER TABLE "pipeline_counts" ADD CONSTRAINT "pipeline_counts_workspace_archived_pk" PRIMARY KEY("workspace","archived");--> statement-breakpoint
ALTER TABLE "idempotency_keys" DROP CONSTRAINT "idempotency_keys_scope_key_pk";--> statement-breakpoint
ALTER TABLE "idempotency_keys" ADD CONSTRAINT "idempotency_keys_workspace_scope_key_pk" PRIMARY KEY("workspace","scope","key");--> statement-breakpoint
DROP INDEX "idempotency_keys_expires_idx";--> statement-breakpoint
CREATE INDEX "idempotency_keys_expires_idx" ON "idempotency_keys" USING btree ("workspace","expires_at");--> statement-breakpoint
DROP INDEX "pipelines_active_name_key";--> statement-breakpoint
CREATE UNIQUE INDEX "pipelines_active_name_key" ON "pipelines" USING btree ("workspace","name") WHERE NOT archived;--> statement-breakpoint
DROP INDEX "pipelines_archived_name_idx";--> statement-breakpoint
DROP INDEX "pipelines_archived_created_idx";--> statement-breakpoint
DROP INDEX "pipelines_archived_updated_idx";--> statement-breakpoint
DROP INDEX "pipelines_name_idx";--> statement-breakpoint
DROP INDEX "pipelines_created_idx";--> statement-breakpoint
DROP INDEX "pipelines_updated_idx";--> statement-breakpoint
CREATE INDEX "pipelines_archived_name_idx" ON "pipelines" USING btree ("workspace","archived","name","id");--> statement-breakpoint
CREATE INDEX "pipelines_archived_created_idx" ON "pipelines" USING btree ("workspace","archived","created_at","id");--> statement-breakpoint
CREATE INDEX "pipelines_archived_updated_idx" ON "pipelines" USING btree ("workspace","archived","updated_at","id");--> statement-breakpoint
CREATE INDEX "pipelines_name_idx" ON "pipelines" USING btree ("workspace","name","id");--> statement-breakpoint
CREATE INDEX "pipelines_created_idx" ON "pipelines" USING btree ("workspace","created_at","id");--> statement-breakpoint
CREATE INDEX "pipelines_updated_idx" ON "pipelines" USING btree ("workspace","updated_at","id");--> statement-breakpoint
CREATE INDEX "api_keys_workspace_created_idx" ON "api_keys" USING btree ("workspace","created_at","id");--> statement-breakpoint
DROP INDEX "archive_runs_started_idx";--> statement-breakpoint
CREATE INDEX "archive_runs_started_idx" ON "archive_runs" USING btree ("workspace","started_at","id");--> statement-breakpoint
DROP INDEX "audit_events_resource_idx";--> statement-breakpoint
DROP INDEX "audit_events_action_idx";--> statement-breakpoint
DROP INDEX "audit_events_actor_idx";--> statement-breakpoint
CREATE INDEX "audit_events_workspace_idx" ON "audit_events" USING btree ("workspace","seq");--> statement-breakpoint
CREATE INDEX "audit_events_resource_idx" ON "audit_events" USING btree ("workspace","resource_id","seq");--> statement-breakpoint
CREATE INDEX "audit_events_action_idx" ON "audit_events" USING btree ("workspace","action","seq");--> statement-breakpoint
CREATE INDEX "audit_events_actor_idx" ON "audit_events" USING btree ("workspace","actor_id","seq");
