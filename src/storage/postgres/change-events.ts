import { type ChangeEvent, feedPage } from "../../domain/events";
import type { PipelineRepository } from "../../domain/repository";
import { sql } from "../shared/sql";
import type { PostgresCalls } from "./connection";

/**
 * The change feed on PostgreSQL (docs/events.md), in one workspace: one SELECT of the feed's
 * watermark and the page after the position, as the API's JSON. The writes are in the functions
 * (functions/history.sql), in the transaction of each change.
 */

export const EVENT = sql`json_build_object('id', e.id, 'seq', e.seq, 'type', e.type, 'at', registry_time(e.at),
  'actor', json_build_object('type', e.actor_type, 'id', e.actor_id), 'requestId', e.request_id,
  'resource', json_build_object('type', e.resource_type, 'id', e.resource_id), 'version', e.version, 'pipeline', e.pipeline)`;

export function postgresChangeFeed(connection: PostgresCalls, workspace: string): Pick<PipelineRepository, "listChangeEvents"> {
  return {
    async listChangeEvents(query) {
      const filters = [
        ...(query.type === undefined ? [] : [sql`AND e.type = ${query.type}`]),
        ...(query.resourceId === undefined ? [] : [sql`AND e.resource_id = ${query.resourceId}`]),
      ];
      const rows = await connection.rows<{ prunedThrough: number; event: ChangeEvent | null }>(
        sql`SELECT f.pruned AS "prunedThrough", e.event FROM
            (SELECT coalesce((SELECT pruned_through FROM change_feeds WHERE workspace = ${workspace}), 0) AS pruned) f
            LEFT JOIN LATERAL (SELECT e.seq, ${EVENT} AS event FROM change_events e
              WHERE e.workspace = ${workspace} AND e.seq > greatest(${query.after ?? 0}::bigint, f.pruned) ${sql.join(filters, " ")}
              ORDER BY e.seq LIMIT ${query.limit}) e ON true
            ORDER BY e.seq`,
      );
      const items = rows.flatMap((row) => (row.event ? [row.event] : []));
      return feedPage(items, query.after, rows[0]?.prunedThrough ?? 0);
    },
  };
}
