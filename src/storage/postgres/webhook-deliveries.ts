import { INTERNAL_WRITE } from "../../domain/history";
import { newId } from "../../domain/ids";
import type { WebhookStore } from "../../domain/storage";
import { PING_TYPE, type WebhookDelivery } from "../../domain/webhook";
import { sql } from "../shared/sql";
import { contextJson } from "./arguments";
import { EVENT } from "./change-events";
import type { PostgresCalls } from "./connection";

/** Webhook deliveries on PostgreSQL: what an attempt needs (one SELECT), what it leaves (one function), and an endpoint's attempts. */

/** An attempt as the API answers it (`error` only when there is one). */
export const DELIVERY = sql`(jsonb_build_object('id', d.id, 'eventId', d.event_id, 'attempt', d.attempt, 'status', d.status,
  'responseStatus', d.response_status, 'durationMs', d.duration_ms, 'at', registry_time(d.at))
  || CASE WHEN d.error IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('error', d.error) END)::json`;

interface PendingRow {
  url: string;
  status: "enabled" | "disabled";
  secret: string;
  previous: string | null;
  failingSince: number | null;
  outboxStatus: WebhookDelivery["status"];
  type: string;
  payload: string | null;
  createdAt: string;
  event: Record<string, unknown> | null;
}

export function postgresWebhookDeliveries(
  connection: PostgresCalls,
  workspace: string,
): Pick<WebhookStore, "deliveries" | "pending" | "recordAttempt"> {
  return {
    async deliveries(id, { limit, before }) {
      const from = before === undefined ? sql`` : sql`AND d.seq < ${before}`;
      // The endpoint's row always comes, so an unknown endpoint is told from one without deliveries.
      const rows = await connection.rows<{ seq: number | null; delivery: WebhookDelivery | null }>(
        sql`SELECT d.seq, d.delivery FROM (SELECT id FROM webhook_endpoints WHERE id = ${id} AND workspace = ${workspace}) w
          LEFT JOIN LATERAL (SELECT d.seq, ${DELIVERY} AS delivery FROM webhook_deliveries d
            WHERE d.workspace = ${workspace} AND d.endpoint_id = w.id ${from} ORDER BY d.seq DESC LIMIT ${limit + 1}) d ON true
          ORDER BY d.seq DESC`,
      );
      if (rows.length === 0) return null;
      const found = rows.flatMap((row) => (row.delivery && row.seq !== null ? [{ seq: row.seq, delivery: row.delivery }] : []));
      const page = found.slice(0, limit);
      return { items: page.map((row) => row.delivery), next: found.length > limit ? (page.at(-1)?.seq ?? null) : null };
    },

    async pending(key, now) {
      const [row] = await connection.rows<PendingRow>(
        sql`SELECT w.url, w.status, w.secret,
            CASE WHEN w.previous_secret_until > ${now.toISOString()}::timestamptz THEN w.previous_secret END AS previous,
            (extract(epoch FROM w.failing_since) * 1000)::bigint AS "failingSince", o.status AS "outboxStatus", o.type, o.payload,
            registry_time(o.created_at) AS "createdAt", CASE WHEN e.seq IS NULL THEN NULL ELSE ${EVENT} END AS event
          FROM webhook_outbox o JOIN webhook_endpoints w ON w.id = o.endpoint_id AND w.workspace = o.workspace
          LEFT JOIN change_events e ON e.workspace = o.workspace AND e.seq = o.event_seq
          WHERE o.workspace = ${workspace} AND o.endpoint_id = ${key.endpoint} AND o.event_id = ${key.event}`,
      );
      if (!row) return null;
      const data = row.type === PING_TYPE || row.event === null ? JSON.parse(row.payload ?? "null") : row.event;
      const timestamp = typeof row.event?.at === "string" ? row.event.at : row.createdAt;
      return {
        url: row.url,
        status: row.status,
        secrets: row.previous === null ? [row.secret] : [row.secret, row.previous],
        failingSince: row.failingSince === null ? null : Number(row.failingSince),
        outboxStatus: row.outboxStatus,
        body: JSON.stringify({ type: row.type, timestamp, data }),
      };
    },

    async recordAttempt(key, attempt, now) {
      await connection.value(
        sql`registry_record_webhook_attempt(${workspace}, ${key.endpoint}, ${key.event}, ${JSON.stringify(attempt)}::json,
          ${now.toISOString()}::timestamptz, ${contextJson(INTERNAL_WRITE)}, ${newId()})`,
      );
    },
  };
}
