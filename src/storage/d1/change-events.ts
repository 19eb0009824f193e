import { type ChangeEvent, type ChangeEventType, feedPage } from "../../domain/events";
import type { WriteContext } from "../../domain/history";
import { newId } from "../../domain/ids";
import type { Pipeline } from "../../domain/pipeline";
import type { PipelineRepository } from "../../domain/repository";
import { type SQL, sql } from "../shared/sql";
import { type EventInput, INSERT_CHANGE, recordEvent } from "./history-statements";
import { PIPELINE_JSON } from "./projection";
import { prepare } from "./statement";
import { iso } from "./time";

/**
 * Change events on D1 (docs/events.md): the statements that put a change's event into the batch
 * of the change, next to its audit event (the same id), the feed's one read, and the pruning
 * that goes with the audit log's. The feed's `seq` is the table's autoincrement: D1 runs one
 * batch at a time, so it is the order of commit.
 */

/**
 * The audit event and the change event of a change to pipeline `event.resource.id` that records
 * no revision (a delete, metrics), with one id. `after`: the pipeline is gone (`deleted`: no
 * version and no pipeline), or as it now is (`current`: its version and projection, read in the batch).
 */
export function recordPipelineEvent(
  workspace: string,
  event: EventInput & { action: ChangeEventType },
  context: WriteContext,
  after: "deleted" | "current",
): SQL[] {
  const id = newId();
  const head = sql`${id}, ${workspace}, ${event.action}, ${event.at}, ${context.actor.type}, ${context.actor.id}, ${context.requestId}, 'pipeline'`;
  const change =
    after === "deleted"
      ? sql`${INSERT_CHANGE} VALUES (NULL, ${head}, ${event.resource.id}, NULL, NULL)`
      : sql`${INSERT_CHANGE} SELECT NULL, ${head}, p.id, p.version, ${PIPELINE_JSON} FROM pipelines p
          WHERE p.id = ${event.resource.id} AND p.workspace = ${workspace}`;
  return [recordEvent(workspace, event, context, sql`1`, id), change];
}

/** The highest seq of the events before `cutoff` (epoch ms) of the workspaces that `which` (SQL over `e`) picks, kept as their feeds' watermark. */
const markPruned = (which: SQL, cutoff: number) =>
  sql`INSERT INTO change_feeds (workspace, pruned_through)
    SELECT e.workspace, max(e.seq) FROM change_events e WHERE ${which} AND e.at < ${cutoff} GROUP BY e.workspace
    ON CONFLICT (workspace) DO UPDATE SET pruned_through = max(pruned_through, excluded.pruned_through)`;

/** Retention in one workspace (the archive job's batch): the watermark, then the events before `cutoff`. */
export const pruneChangeEvents = (workspace: string, cutoff: number): SQL[] => [
  markPruned(sql`e.workspace = ${workspace}`, cutoff),
  sql`DELETE FROM change_events WHERE workspace = ${workspace} AND at < ${cutoff}`,
];

/** Retention in every live workspace at once (a deletion takes the others'), each through its own part of the index on (workspace, at). */
export const pruneAllChangeEvents = (cutoff: number): SQL[] => [
  markPruned(sql`e.workspace IN (SELECT id FROM workspaces WHERE deleted_at IS NULL)`, cutoff),
  sql`DELETE FROM change_events WHERE workspace IN (SELECT id FROM workspaces WHERE deleted_at IS NULL) AND at < ${cutoff}`,
];

export interface FeedRow {
  prunedThrough: number;
  seq: number | null;
  id: string;
  type: ChangeEventType;
  at: number;
  actorType: ChangeEvent["actor"]["type"];
  actorId: string | null;
  requestId: string;
  resourceId: string;
  version: number | null;
  pipeline: string | null;
}

export const toChangeEvent = (row: FeedRow & { seq: number }): ChangeEvent => ({
  id: row.id,
  seq: row.seq,
  type: row.type,
  at: iso(row.at),
  actor: { type: row.actorType, id: row.actorId },
  requestId: row.requestId,
  resource: { type: "pipeline", id: row.resourceId },
  version: row.version,
  pipeline: row.pipeline === null ? null : (JSON.parse(row.pipeline) as Pipeline),
});

/** The feed of one workspace on D1: one statement, its watermark and the page after the position (never at or before the watermark). */
export function d1ChangeFeed(db: D1Database, workspace: string): Pick<PipelineRepository, "listChangeEvents"> {
  const pruned = sql`(SELECT coalesce(max(pruned_through), 0) FROM change_feeds WHERE workspace = ${workspace})`;
  return {
    async listChangeEvents(query) {
      const filters = [
        ...(query.type === undefined ? [] : [sql`AND type = ${query.type}`]),
        ...(query.resourceId === undefined ? [] : [sql`AND resource_id = ${query.resourceId}`]),
      ];
      // The page in index order, then one row that always carries the watermark (an empty page
      // needs it too). No join and no outer ORDER BY: either would copy the page through a
      // temporary B-tree, and D1 counts every row it visits there as read. A compound has no
      // defined order, so the page is put in seq order here.
      const { results } = await prepare(
        db,
        sql`SELECT * FROM (SELECT ${pruned} AS prunedThrough, seq, id, type, at, actor_type AS actorType, actor_id AS actorId,
              request_id AS requestId, resource_id AS resourceId, version, pipeline
            FROM change_events WHERE workspace = ${workspace} AND seq > max(${query.after ?? 0}, ${pruned})
            ${sql.join(filters, " ")} ORDER BY seq LIMIT ${query.limit})
          UNION ALL SELECT ${pruned}, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL`,
      ).all<FeedRow>();
      const items = results
        .flatMap((row) => (row.seq === null ? [] : [toChangeEvent({ ...row, seq: row.seq })]))
        .sort((a, b) => a.seq - b.seq);
      return feedPage(items, query.after, results.at(-1)?.prunedThrough ?? 0);
    },
  };
}
