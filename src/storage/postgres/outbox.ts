import type { OutboxKey, WebhookStore } from "../../domain/storage";
import { PING_TYPE } from "../../domain/webhook";
import { sql } from "../shared/sql";
import type { PostgresCalls } from "./connection";

/**
 * The webhook outbox on PostgreSQL: a change event's rows are made by the trigger of
 * functions/webhooks.sql in the transaction of the change; these are the rest: a ping's row, the
 * rows whose queue message is still to send, and their marking once it is sent.
 */
export function postgresOutbox(connection: PostgresCalls, workspace: string): Pick<WebhookStore, "ping" | "unsent" | "markSent"> {
  return {
    ping(id, eventId, now) {
      const data = JSON.stringify({ id: eventId, type: PING_TYPE, at: now.toISOString(), webhook: { id } });
      return connection.value<boolean>(
        sql`registry_ping_webhook(${workspace}, ${id}, ${eventId}, ${data}, ${now.toISOString()}::timestamptz)`,
      );
    },

    unsent(limit, before) {
      const older = before === undefined ? sql`` : sql`AND created_at < ${before.toISOString()}::timestamptz`;
      return connection.rows<OutboxKey>(
        sql`SELECT endpoint_id AS endpoint, event_id AS event FROM webhook_outbox
          WHERE workspace = ${workspace} AND sent_at IS NULL ${older} ORDER BY created_at LIMIT ${limit}`,
      );
    },

    async markSent(keys, now) {
      if (keys.length === 0) return;
      await connection.value(
        sql`registry_mark_webhooks_sent(${workspace}, ${JSON.stringify(keys)}::json, ${now.toISOString()}::timestamptz)`,
      );
    },
  };
}
