import type { WebhookStore } from "../../domain/storage";
import { PING_TYPE } from "../../domain/webhook";
import { sql } from "../shared/sql";
import { prepare } from "./statement";

/**
 * The webhook outbox on D1: a change event's rows are made by the trigger of migrations/0011 in
 * the batch of the change; these are the rest: a ping's row, the rows whose queue message is
 * still to send, and their marking once it is sent.
 */
export function d1WebhookOutbox(db: D1Database, workspace: string): Pick<WebhookStore, "ping" | "unsent" | "markSent"> {
  return {
    async ping(id, eventId, now) {
      const at = now.getTime();
      const data = JSON.stringify({ id: eventId, type: PING_TYPE, at: now.toISOString(), webhook: { id } });
      const [inserted] = await db.batch([
        prepare(
          db,
          sql`INSERT INTO webhook_outbox (workspace, endpoint_id, event_id, event_seq, type, payload, created_at, sent_at, status)
            SELECT workspace, id, ${eventId}, NULL, ${PING_TYPE}, ${data}, ${at}, NULL, 'pending'
            FROM webhook_endpoints WHERE id = ${id} AND workspace = ${workspace}`,
        ),
      ]);
      return (inserted?.meta.changes ?? 0) > 0;
    },

    async unsent(limit, before) {
      const older = before === undefined ? sql`` : sql`AND created_at < ${before.getTime()}`;
      const { results } = await prepare(
        db,
        sql`SELECT endpoint_id AS endpoint, event_id AS event FROM webhook_outbox
          WHERE workspace = ${workspace} AND sent_at IS NULL ${older} ORDER BY created_at LIMIT ${limit}`,
      ).all<{ endpoint: string; event: string }>();
      return results;
    },

    async markSent(keys, now) {
      if (keys.length === 0) return;
      await prepare(
        db,
        sql`UPDATE webhook_outbox SET sent_at = ${now.getTime()} WHERE workspace = ${workspace} AND sent_at IS NULL
          AND (endpoint_id, event_id) IN (SELECT json_extract(value, '$.endpoint'), json_extract(value, '$.event') FROM json_each(${JSON.stringify(keys)}))`,
      ).run();
    },
  };
}
