import { INTERNAL_WRITE } from "../../domain/history";
import type { WebhookStore } from "../../domain/storage";
import { PING_TYPE, type WebhookDelivery } from "../../domain/webhook";
import { sql } from "../shared/sql";
import { type FeedRow, toChangeEvent } from "./change-events";
import { recordEvent } from "./history-statements";
import { prepare } from "./statement";
import { iso } from "./time";

/** Webhook deliveries on D1: what an attempt needs (one read), what it leaves (one batch), and an endpoint's attempts. */

export interface DeliveryRow {
  seq?: number;
  id: string;
  eventId: string;
  attempt: number;
  status: WebhookDelivery["status"];
  responseStatus: number | null;
  durationMs: number | null;
  at: number;
  error: string | null;
}

export const toDelivery = (row: DeliveryRow): WebhookDelivery => ({
  id: row.id,
  eventId: row.eventId,
  attempt: row.attempt,
  status: row.status,
  responseStatus: row.responseStatus,
  durationMs: row.durationMs,
  at: iso(row.at),
  ...(row.error === null ? {} : { error: row.error }),
});

const DELIVERY_COLUMNS = sql.raw(
  "d.seq, d.id, d.event_id AS eventId, d.attempt, d.status, d.response_status AS responseStatus, d.duration_ms AS durationMs, d.at, d.error",
);

interface PendingRow extends Omit<FeedRow, "prunedThrough" | "type"> {
  url: string;
  endpointStatus: "enabled" | "disabled";
  secret: string;
  previousSecret: string | null;
  previousUntil: number | null;
  failingSince: number | null;
  outboxStatus: WebhookDelivery["status"];
  outboxType: string;
  payload: string | null;
  createdAt: number;
}

type Part = Pick<WebhookStore, "deliveries" | "pending" | "recordAttempt">;

export function d1WebhookDeliveries(db: D1Database, workspace: string): Part {
  return {
    async deliveries(id, { limit, before }) {
      const from = before === undefined ? sql`` : sql`AND d.seq < ${before}`;
      // The endpoint's row always comes, so an unknown endpoint is told from one without deliveries.
      const { results } = await prepare(
        db,
        sql`SELECT e.id AS endpoint, d.* FROM (SELECT id FROM webhook_endpoints WHERE id = ${id} AND workspace = ${workspace}) e
          LEFT JOIN (SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries d WHERE d.workspace = ${workspace} AND d.endpoint_id = ${id} ${from}
            ORDER BY d.seq DESC LIMIT ${limit + 1}) d ON 1`,
      ).all<Omit<DeliveryRow, "id"> & { id: string | null; seq: number | null }>();
      if (results.length === 0) return null;
      const rows = results.flatMap((row) => (row.id === null ? [] : [{ ...row, id: row.id, seq: row.seq ?? 0 }]));
      rows.sort((a, b) => b.seq - a.seq);
      const page = rows.slice(0, limit);
      return { items: page.map(toDelivery), next: rows.length > limit ? (page.at(-1)?.seq ?? null) : null };
    },

    async pending(key, now) {
      const row = await prepare(
        db,
        sql`SELECT w.url, w.status AS endpointStatus, w.secret, w.previous_secret AS previousSecret, w.previous_secret_until AS previousUntil,
            w.failing_since AS failingSince, o.status AS outboxStatus, o.type AS outboxType, o.payload, o.created_at AS createdAt,
            e.seq, e.id, e.at, e.actor_type AS actorType, e.actor_id AS actorId, e.request_id AS requestId,
            e.resource_id AS resourceId, e.version, e.pipeline
          FROM webhook_outbox o JOIN webhook_endpoints w ON w.id = o.endpoint_id AND w.workspace = o.workspace
          LEFT JOIN change_events e ON e.workspace = o.workspace AND e.seq = o.event_seq
          WHERE o.workspace = ${workspace} AND o.endpoint_id = ${key.endpoint} AND o.event_id = ${key.event}`,
      ).first<PendingRow>();
      if (!row) return null;
      const previous = row.previousSecret !== null && (row.previousUntil ?? 0) > now.getTime() ? [row.previousSecret] : [];
      const data =
        row.outboxType === PING_TYPE || row.seq === null
          ? JSON.parse(row.payload ?? "null")
          : toChangeEvent({ ...row, seq: row.seq, type: row.outboxType as FeedRow["type"], prunedThrough: 0 });
      return {
        url: row.url,
        status: row.endpointStatus,
        secrets: [row.secret, ...previous],
        failingSince: row.failingSince,
        outboxStatus: row.outboxStatus,
        body: JSON.stringify({ type: row.outboxType, timestamp: iso(row.at ?? row.createdAt), data }),
      };
    },

    async recordAttempt(key, attempt, now) {
      const at = now.getTime();
      const endpoint = sql`workspace = ${workspace} AND id = ${key.endpoint}`;
      const success = attempt.status === "succeeded";
      await db.batch(
        [
          sql`INSERT INTO webhook_deliveries (id, workspace, endpoint_id, event_id, attempt, status, response_status, duration_ms, at, error)
            SELECT ${attempt.id}, ${workspace}, ${key.endpoint}, ${key.event}, ${attempt.attempt}, ${attempt.status}, ${attempt.responseStatus},
              ${attempt.durationMs}, ${at}, ${attempt.error ?? null}
            WHERE EXISTS (SELECT 1 FROM webhook_endpoints WHERE ${endpoint})`,
          // A success stays one: a late duplicate of the message does not turn it back.
          sql`UPDATE webhook_outbox SET status = ${attempt.status}
            WHERE workspace = ${workspace} AND endpoint_id = ${key.endpoint} AND event_id = ${key.event} AND status <> 'succeeded'`,
          success
            ? sql`UPDATE webhook_endpoints SET failing_since = NULL WHERE ${endpoint}`
            : sql`UPDATE webhook_endpoints SET failing_since = coalesce(failing_since, ${at}) WHERE ${endpoint}`,
          ...(attempt.disable === undefined
            ? []
            : [
                // Judged before the disabling, in the same batch: only the attempt that turns it off records the event.
                recordEvent(
                  workspace,
                  { action: "webhook.disabled", resource: { type: "webhook", id: key.endpoint }, version: null, at },
                  INTERNAL_WRITE,
                  sql`EXISTS (SELECT 1 FROM webhook_endpoints WHERE ${endpoint} AND status = 'enabled')`,
                ),
                sql`UPDATE webhook_endpoints SET status = 'disabled', disabled_reason = ${attempt.disable} WHERE ${endpoint}`,
              ]),
        ].map((statement) => prepare(db, statement)),
      );
    },
  };
}
