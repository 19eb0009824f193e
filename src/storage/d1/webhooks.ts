import type { WriteContext } from "../../domain/history";
import type { WebhookStore } from "../../domain/storage";
import { MAX_WEBHOOKS, type WebhookDelivery, type WebhookEndpoint, type WebhookType } from "../../domain/webhook";
import { domainError } from "../shared/refusals";
import { type SQL, sql } from "../shared/sql";
import { INSERT_GUARD, reason } from "./guard";
import { recordEvent } from "./history-statements";
import { d1WebhookOutbox } from "./outbox";
import { prepare } from "./statement";
import { iso } from "./time";
import { type DeliveryRow, d1WebhookDeliveries, toDelivery } from "./webhook-deliveries";

/** A workspace's webhook endpoints on D1 (docs/webhooks.md): each method one call, a batch for the writes with their audit events. */

interface EndpointRow {
  seq: number;
  id: string;
  url: string;
  types: string;
  description: string | null;
  status: WebhookEndpoint["status"];
  createdAt: number;
  disabledReason: string | null;
  failingSince: number | null;
}

const COLUMNS = sql.raw(
  "w.seq, w.id, w.url, w.types, w.description, w.status, w.created_at AS createdAt, w.disabled_reason AS disabledReason, w.failing_since AS failingSince",
);

const toEndpoint = (row: EndpointRow): WebhookEndpoint => ({
  id: row.id,
  url: row.url,
  types: JSON.parse(row.types) as WebhookType[],
  description: row.description,
  status: row.status,
  createdAt: iso(row.createdAt),
  ...(row.disabledReason === null ? {} : { disabledReason: row.disabledReason }),
  ...(row.failingSince === null ? {} : { failingSince: iso(row.failingSince) }),
});

export function d1Webhooks(db: D1Database, workspace: string): WebhookStore {
  const own = (id: string) => sql`w.id = ${id} AND w.workspace = ${workspace}`;
  const selectOne = (id: string) => sql`SELECT ${COLUMNS} FROM webhook_endpoints w WHERE ${own(id)}`;
  /** The audit event of `action` on endpoint `id`, recorded only when the endpoint exists (judged where it stands in the batch). */
  const audit = (action: "webhook.updated" | "webhook.deleted", id: string, now: Date, context: WriteContext) =>
    recordEvent(
      workspace,
      { action, resource: { type: "webhook", id }, version: null, at: now.getTime() },
      context,
      sql`EXISTS (SELECT 1 FROM webhook_endpoints w WHERE ${own(id)})`,
    );
  /** `changes` on endpoint `id` with its `webhook.updated` event, then the endpoint as it is after them (none for an unknown id). */
  async function changeOne(id: string, changes: SQL[], now: Date, context: WriteContext): Promise<WebhookEndpoint | null> {
    const statements = [audit("webhook.updated", id, now, context), ...changes, selectOne(id)];
    const results = await db.batch(statements.map((statement) => prepare(db, statement)));
    const row = results.at(-1)?.results[0] as EndpointRow | undefined;
    return row ? toEndpoint(row) : null;
  }

  return {
    async create(input, now, context) {
      const at = now.getTime();
      const event = { action: "webhook.created", resource: { type: "webhook", id: input.id }, version: null, at } as const;
      try {
        await db.batch(
          [
            // The cap, judged in the create's own batch: nothing is written past it.
            sql`${INSERT_GUARD} SELECT CASE WHEN (SELECT count(*) FROM webhook_endpoints WHERE workspace = ${workspace}) >= ${MAX_WEBHOOKS}
              THEN ${reason("webhook_limit")} END`,
            sql`INSERT INTO webhook_endpoints (id, workspace, url, types, description, status, secret, created_at)
              VALUES (${input.id}, ${workspace}, ${input.url}, ${JSON.stringify(input.types)}, ${input.description}, 'enabled', ${input.secret}, ${at})`,
            recordEvent(workspace, event, context),
          ].map((statement) => prepare(db, statement)),
        );
      } catch (error) {
        throw domainError(error);
      }
      return { id: input.id, url: input.url, types: input.types, description: input.description, status: "enabled", createdAt: iso(at) };
    },

    async list({ limit, before }) {
      const from = before === undefined ? sql`` : sql`AND w.seq < ${before}`;
      const { results } = await prepare(
        db,
        sql`SELECT ${COLUMNS} FROM webhook_endpoints w WHERE w.workspace = ${workspace} ${from} ORDER BY w.seq DESC LIMIT ${limit + 1}`,
      ).all<EndpointRow>();
      const page = results.slice(0, limit);
      return { items: page.map(toEndpoint), next: results.length > limit ? (page.at(-1)?.seq ?? null) : null };
    },

    async get(id) {
      const row = await prepare(
        db,
        sql`SELECT ${COLUMNS}, d.id AS dId, d.event_id AS eventId, d.attempt, d.status AS dStatus, d.response_status AS responseStatus,
            d.duration_ms AS durationMs, d.at, d.error
          FROM webhook_endpoints w LEFT JOIN webhook_deliveries d ON d.seq =
            (SELECT max(seq) FROM webhook_deliveries x WHERE x.workspace = w.workspace AND x.endpoint_id = w.id)
          WHERE ${own(id)}`,
      ).first<EndpointRow & Omit<DeliveryRow, "id" | "status"> & { dId: string | null; dStatus: WebhookDelivery["status"] }>();
      if (!row) return null;
      const lastDelivery = row.dId === null ? null : toDelivery({ ...row, id: row.dId, status: row.dStatus });
      return { ...toEndpoint(row), lastDelivery };
    },

    update(id, patch, now, context) {
      const sets: SQL[] = [];
      if (patch.url !== undefined) sets.push(sql`url = ${patch.url}`);
      if (patch.types !== undefined) sets.push(sql`types = ${JSON.stringify(patch.types)}`);
      if (patch.description !== undefined) sets.push(sql`description = ${patch.description}`);
      // Enabling by hand starts afresh: the reason it was disabled and its failures are forgotten.
      if (patch.status === "enabled") sets.push(sql`status = 'enabled', disabled_reason = NULL, failing_since = NULL`);
      if (patch.status === "disabled") sets.push(sql`status = 'disabled', disabled_reason = NULL`);
      const update = sets.length === 0 ? [] : [sql`UPDATE webhook_endpoints AS w SET ${sql.join(sets, ", ")} WHERE ${own(id)}`];
      return changeOne(id, update, now, context);
    },

    async delete(id, now, context) {
      const which = sql`workspace = ${workspace} AND endpoint_id = ${id}`;
      const [found] = await db.batch(
        [
          selectOne(id),
          audit("webhook.deleted", id, now, context),
          sql`DELETE FROM webhook_outbox WHERE ${which}`,
          sql`DELETE FROM webhook_deliveries WHERE ${which}`,
          sql`DELETE FROM webhook_endpoints AS w WHERE ${own(id)}`,
        ].map((statement) => prepare(db, statement)),
      );
      return (found?.results.length ?? 0) > 0;
    },

    rotateSecret: (id, { secret, previousUntil }, now, context) =>
      changeOne(
        id,
        [
          sql`UPDATE webhook_endpoints AS w SET previous_secret = secret, previous_secret_until = ${previousUntil.getTime()}, secret = ${secret}
            WHERE ${own(id)}`,
        ],
        now,
        context,
      ),

    ...d1WebhookOutbox(db, workspace),
    ...d1WebhookDeliveries(db, workspace),
  };
}
