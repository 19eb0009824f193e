import { bigint, customType, index, integer, pgTable, primaryKey, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";

/**
 * Webhooks on PostgreSQL (docs/webhooks.md), beside ./schema.ts and as on D1: endpoints, the
 * outbox (one row per event and endpoint, written by the trigger of functions/webhooks.sql in the
 * transaction of the change), and every delivery attempt. `seq` orders the newest-first listings.
 */

const codePointText = customType<{ data: string }>({ dataType: () => 'text COLLATE "C"' });
const at = (name: string) => timestamp(name, { precision: 3, withTimezone: true, mode: "string" });

export const webhookEndpoints = pgTable(
  "webhook_endpoints",
  {
    seq: bigint("seq", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    id: text("id").notNull(),
    workspace: codePointText("workspace").notNull(),
    url: text("url").notNull(),
    /** Event types; empty takes every type. */
    types: text("types").array().notNull().default([]),
    description: text("description"),
    status: text("status", { enum: ["enabled", "disabled"] }).notNull(),
    secret: text("secret").notNull(),
    previousSecret: text("previous_secret"),
    previousSecretUntil: at("previous_secret_until"),
    createdAt: at("created_at").notNull(),
    disabledReason: text("disabled_reason"),
    failingSince: at("failing_since"),
  },
  (t) => [uniqueIndex("webhook_endpoints_id_key").on(t.id), index("webhook_endpoints_workspace_idx").on(t.workspace, t.status)],
);

export const webhookOutbox = pgTable(
  "webhook_outbox",
  {
    workspace: codePointText("workspace").notNull(),
    endpointId: text("endpoint_id").notNull(),
    eventId: text("event_id").notNull(),
    /** The change event's seq, or NULL for a ping, whose data is `payload`. */
    eventSeq: bigint("event_seq", { mode: "number" }),
    type: text("type").notNull(),
    payload: text("payload"),
    createdAt: at("created_at").notNull(),
    sentAt: at("sent_at"),
    status: text("status", { enum: ["pending", "succeeded", "failed"] }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.endpointId, t.eventId] }), index("webhook_outbox_unsent_idx").on(t.workspace, t.sentAt, t.createdAt)],
);

export const webhookDeliveries = pgTable(
  "webhook_deliveries",
  {
    seq: bigint("seq", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    id: text("id").notNull(),
    workspace: codePointText("workspace").notNull(),
    endpointId: text("endpoint_id").notNull(),
    eventId: text("event_id").notNull(),
    attempt: integer("attempt").notNull(),
    status: text("status", { enum: ["succeeded", "failed", "pending"] }).notNull(),
    responseStatus: integer("response_status"),
    durationMs: integer("duration_ms"),
    at: at("at").notNull(),
    error: text("error"),
  },
  (t) => [index("webhook_deliveries_endpoint_idx").on(t.workspace, t.endpointId, t.seq)],
);
