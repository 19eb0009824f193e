-- Change events (docs/events.md), as drizzle-kit generated them: two new tables. Their
-- live-workspace triggers and the writes that fill them are functions, applied after the
-- migrations (src/storage/postgres/functions/). No events are made up for earlier changes.
CREATE TABLE "change_events" (
	"seq" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "change_events_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"id" text NOT NULL,
	"workspace" text COLLATE "C" NOT NULL,
	"type" text NOT NULL,
	"at" timestamp(3) with time zone NOT NULL,
	"actor_type" text NOT NULL,
	"actor_id" text,
	"request_id" text NOT NULL,
	"resource_type" text NOT NULL,
	"resource_id" text NOT NULL,
	"version" integer,
	"pipeline" json
);
--> statement-breakpoint
CREATE TABLE "change_feeds" (
	"workspace" text COLLATE "C" PRIMARY KEY NOT NULL,
	"pruned_through" bigint DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "change_events_id_key" ON "change_events" USING btree ("workspace","id");--> statement-breakpoint
CREATE INDEX "change_events_workspace_idx" ON "change_events" USING btree ("workspace","seq");--> statement-breakpoint
CREATE INDEX "change_events_type_idx" ON "change_events" USING btree ("workspace","type","seq");--> statement-breakpoint
CREATE INDEX "change_events_resource_idx" ON "change_events" USING btree ("workspace","resource_id","seq");--> statement-breakpoint
CREATE INDEX "change_events_at_idx" ON "change_events" USING btree ("workspace","at");