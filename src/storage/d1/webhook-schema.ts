import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/**
 * Webhooks on D1 (docs/webhooks.md), beside ./schema.ts: endpoints, the outbox (one row per
 * event and endpoint, written by a trigger on change_events in the batch of the change, see
 * migrations/0011), and every delivery attempt. All three carry their workspace and go with it.
 * `seq` orders the newest-first listings. Times are epoch milliseconds.
 */

export const webhookEndpoints = sqliteTable(
  "webhook_endpoints",
  {
    seq: integer("seq").primaryKey({ autoIncrement: true }),
    id: text("id").notNull(),
    workspace: text("workspace").notNull(),
    url: text("url").notNull(),
    /** A JSON array of event types; `[]` takes every type. */
    types: text("types").notNull().default("[]"),
    description: text("description"),
    status: text("status", { enum: ["enabled", "disabled"] }).notNull(),
    secret: text("secret").notNull(),
    previousSecret: text("previous_secret"),
    previousSecretUntil: integer("previous_secret_until"),
    createdAt: integer("created_at").notNull(),
    disabledReason: text("disabled_reason"),
    failingSince: integer("failing_since"),
  },
  (t) => [uniqueIndex("webhook_endpoints_id_key").on(t.id), index("webhook_endpoints_workspace_idx").on(t.workspace, t.status)],
);

export const webhookOutbox = sqliteTable(
  "webhook_outbox",
  {
    workspace: text("workspace").notNull(),
    endpointId: text("endpoint_id").notNull(),
    eventId: text("event_id").notNull(),
    /** The change event's seq (change_events), or NULL for a ping, whose data is `payload`. */
    eventSeq: integer("event_seq"),
    type: text("type").notNull(),
    payload: text("payload"),
    createdAt: integer("created_at").notNull(),
    /** When its queue message was sent; NULL until then (the cron sends what stays NULL). */
    sentAt: integer("sent_at"),
    status: text("status", { enum: ["pending", "succeeded", "failed"] }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.endpointId, t.eventId] }), index("webhook_outbox_unsent_idx").on(t.workspace, t.sentAt, t.createdAt)],
);

export const webhookDeliveries = sqliteTable(
  "webhook_deliveries",
  {
    seq: integer("seq").primaryKey({ autoIncrement: true }),
    id: text("id").notNull(),
    workspace: text("workspace").notNull(),
    endpointId: text("endpoint_id").notNull(),
    eventId: text("event_id").notNull(),
    attempt: integer("attempt").notNull(),
    status: text("status", { enum: ["succeeded", "failed", "pending"] }).notNull(),
    responseStatus: integer("response_status"),
    durationMs: integer("duration_ms"),
    at: integer("at").notNull(),
    error: text("error"),
  },
  (t) => [index("webhook_deliveries_endpoint_idx").on(t.workspace, t.endpointId, t.seq)],
);
