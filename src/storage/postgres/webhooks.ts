import { newId } from "../../domain/ids";
import type { WebhookStore } from "../../domain/storage";
import { MAX_WEBHOOKS, type WebhookDelivery, type WebhookEndpoint } from "../../domain/webhook";
import { sql } from "../shared/sql";
import { contextJson } from "./arguments";
import type { PostgresCalls } from "./connection";
import { postgresOutbox } from "./outbox";
import { DELIVERY, postgresWebhookDeliveries } from "./webhook-deliveries";

/** A workspace's webhook endpoints on PostgreSQL: writes are functions of functions/webhooks.sql, reads one SELECT each. */
export function postgresWebhooks(connection: PostgresCalls, workspace: string): WebhookStore {
  return {
    create: (input, now, context) =>
      connection.value<WebhookEndpoint>(
        sql`registry_create_webhook(${workspace}, ${JSON.stringify({ ...input, createdAt: now.toISOString() })}::json, ${MAX_WEBHOOKS},
          ${contextJson(context)}, ${newId()})`,
      ),

    async list({ limit, before }) {
      const from = before === undefined ? sql`` : sql`AND w.seq < ${before}`;
      const rows = await connection.rows<{ seq: number; endpoint: WebhookEndpoint }>(
        sql`SELECT w.seq, registry_webhook_json(w) AS endpoint FROM webhook_endpoints w WHERE w.workspace = ${workspace} ${from}
          ORDER BY w.seq DESC LIMIT ${limit + 1}`,
      );
      const page = rows.slice(0, limit);
      return { items: page.map((row) => row.endpoint), next: rows.length > limit ? (page.at(-1)?.seq ?? null) : null };
    },

    async get(id) {
      const [row] = await connection.rows<{ endpoint: WebhookEndpoint; last: WebhookDelivery | null }>(
        sql`SELECT registry_webhook_json(w) AS endpoint,
            (SELECT ${DELIVERY} FROM webhook_deliveries d WHERE d.workspace = w.workspace AND d.endpoint_id = w.id ORDER BY d.seq DESC LIMIT 1) AS last
          FROM webhook_endpoints w WHERE w.id = ${id} AND w.workspace = ${workspace}`,
      );
      return row ? { ...row.endpoint, lastDelivery: row.last } : null;
    },

    update: (id, patch, now, context) =>
      connection.value<WebhookEndpoint | null>(
        sql`registry_update_webhook(${workspace}, ${id}, ${JSON.stringify(patch)}::json, ${now.toISOString()}::timestamptz,
          ${contextJson(context)}, ${newId()})`,
      ),

    delete: (id, now, context) =>
      connection.value<boolean>(
        sql`registry_delete_webhook(${workspace}, ${id}, ${now.toISOString()}::timestamptz, ${contextJson(context)}, ${newId()})`,
      ),

    rotateSecret: (id, { secret, previousUntil }, now, context) =>
      connection.value<WebhookEndpoint | null>(
        sql`registry_rotate_webhook_secret(${workspace}, ${id}, ${secret}, ${previousUntil.toISOString()}::timestamptz,
          ${now.toISOString()}::timestamptz, ${contextJson(context)}, ${newId()})`,
      ),

    ...postgresOutbox(connection, workspace),
    ...postgresWebhookDeliveries(connection, workspace),
  };
}
