-- Webhooks (docs/webhooks.md), as drizzle-kit generated them: three new tables. Their
-- live-workspace triggers and the outbox trigger are functions, applied after the migrations
-- (src/storage/postgres/functions/webhooks.sql).
CREATE TABLE "webhook_deliveries" (
	"seq" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "webhook_deliveries_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"id" text NOT NULL,
	"workspace" text COLLATE "C" NOT NULL,
	"endpoint_id" text NOT NULL,
	"event_id" text NOT NULL,
	"attempt" integer NOT NULL,
	"status" text NOT NULL,
	"response_status" integer,
	"duration_ms" integer,
	"at" timestamp(3) with time zone NOT NULL,
	"error" text
);
--> statement-breakpoint
CREATE TABLE "webhook_endpoints" (
	"seq" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "webhook_endpoints_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"id" text NOT NULL,
	"workspace" text COLLATE "C" NOT NULL,
	"url" text NOT NULL,
	"types" text[] DEFAULT '{}' NOT NULL,
	"description" text,
	"status" text NOT NULL,
	"secret" text NOT NULL,
	"previous_secret" text,
	"previous_secret_until" timestamp(3) with time zone,
	"created_at" timestamp(3) with time zone NOT NULL,
	"disabled_reason" text,
	"failing_since" timestamp(3) with time zone
);
--> statement-breakpoint
CREATE TABLE "webhook_outbox" (
	"workspace" text COLLATE "C" NOT NULL,
	"endpoint_id" text NOT NULL,
	"event_id" text NOT NULL,
	"event_seq" bigint,
	"type" text NOT NULL,
	"payload" text,
	"created_at" timestamp(3) with time zone NOT NULL,
	"sent_at" timestamp(3) with time zone,
	"status" text NOT NULL,
	CONSTRAINT "webhook_outbox_endpoint_id_event_id_pk" PRIMARY KEY("endpoint_id","event_id")
);
--> statement-breakpoint
CREATE INDEX "webhook_deliveries_endpoint_idx" ON "webhook_deliveries" USING btree ("workspace","endpoint_id","seq");--> statement-breakpoint
CREATE UNIQUE INDEX "webhook_endpoints_id_key" ON "webhook_endpoints" USING btree ("id");--> statement-breakpoint
CREATE INDEX "webhook_endpoints_workspace_idx" ON "webhook_endpoints" USING btree ("workspace","status");--> statement-breakpoint
CREATE INDEX "webhook_outbox_unsent_idx" ON "webhook_outbox" USING btree ("workspace","sent_at","created_at");