import { type SQL, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import type { AuditAction, AuditEvent, Change, ResourceType, Revision, RevisionSummary, WriteContext } from "../../domain/history";
import { newId } from "../../domain/ids";
import type { Pipeline } from "../../domain/pipeline";
import { PIPELINE_JSON } from "./projection";
import { auditEvents, pipelineRevisions } from "./schema";
import { iso } from "./time";

/**
 * The statements that record history, put into the batch of every change (API.md "History",
 * "Audit log"): a change and its revision and event commit together or not at all.
 */

type Db = DrizzleD1Database<Record<string, unknown>>;
type Statement = BatchItem<"sqlite">;

/**
 * Revisions of the pipelines `p` matching `which`, as they are now (after the batch's
 * change), their audit events, and the pruning of revisions beyond the newest `keep`. A
 * pipeline whose current version already has its revision (a change that changed nothing,
 * such as archiving what is archived) gets none: the primary key makes it a no-op, and its
 * event follows only revisions this write recorded (`write_id`). `count` bounds the events.
 */
export function recordRevisions(
  db: Db,
  which: SQL,
  change: Change,
  context: WriteContext,
  options: { keep: number; count: number; writeId?: string },
): Statement[] {
  const writeId = options.writeId ?? newId();
  const eventIds = JSON.stringify(Array.from({ length: options.count }, () => newId()));
  return [
    db
      .insert(pipelineRevisions)
      .select(
        sql`SELECT p.id, p.version, ${change}, ${context.actor.type}, ${context.actor.id}, ${context.requestId}, p.updated_at,
          ${PIPELINE_JSON}, ${writeId} FROM pipelines p WHERE ${which}`,
      )
      .onConflictDoNothing(),
    db.insert(auditEvents).select(
      sql`SELECT NULL, ids.value, r.changed_at, 'pipeline.' || r.change, r.actor_type, r.actor_id, 'pipeline', r.pipeline_id,
          r.version, r.request_id
        FROM (SELECT r.*, row_number() OVER (ORDER BY r.pipeline_id) AS n
              FROM pipelines p JOIN pipeline_revisions r ON r.pipeline_id = p.id AND r.version = p.version
              WHERE ${which} AND r.write_id = ${writeId}) r
        JOIN (SELECT value, key + 1 AS n FROM json_each(${eventIds})) ids ON ids.n = r.n`,
    ),
    db.delete(pipelineRevisions).where(
      sql`(pipeline_id, version) IN (SELECT r.pipeline_id, r.version FROM pipelines p
          JOIN pipeline_revisions r ON r.pipeline_id = p.id AND r.version <= p.version - ${options.keep} WHERE ${which})`,
    ),
  ];
}

export interface EventInput {
  action: AuditAction;
  resource: { type: ResourceType; id: string };
  /** The pipeline's version after the change (SQL, read in the batch), or null. */
  version: SQL | null;
  at: number;
}

/** One audit event, inserted only where `onlyIf` holds (when the change did happen). */
export function recordEvent(db: Db, event: EventInput, context: WriteContext, onlyIf: SQL = sql`1`): Statement {
  return db.insert(auditEvents).select(
    sql`SELECT NULL, ${newId()}, ${event.at}, ${event.action}, ${context.actor.type}, ${context.actor.id}, ${event.resource.type},
      ${event.resource.id}, ${event.version ?? sql`NULL`}, ${context.requestId} WHERE ${onlyIf}`,
  );
}

export type RevisionRow = typeof pipelineRevisions.$inferSelect;
export type EventRow = typeof auditEvents.$inferSelect;

export const toRevisionSummary = (row: Omit<RevisionRow, "pipeline" | "writeId">): RevisionSummary => ({
  pipelineId: row.pipelineId,
  version: row.version,
  change: row.change,
  actor: { type: row.actorType, id: row.actorId },
  requestId: row.requestId,
  changedAt: iso(row.changedAt),
});

export const toRevision = (row: RevisionRow): Revision => ({
  ...toRevisionSummary(row),
  pipeline: JSON.parse(row.pipeline) as Pipeline,
});

export const toAuditEvent = (row: EventRow): AuditEvent => ({
  id: row.id,
  at: iso(row.at),
  action: row.action as AuditAction,
  actor: { type: row.actorType, id: row.actorId },
  resource: { type: row.resourceType, id: row.resourceId },
  version: row.version,
  requestId: row.requestId,
});
