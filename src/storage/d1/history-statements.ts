import type { AuditAction, AuditEvent, Change, ResourceType, Revision, RevisionSummary, WriteContext } from "../../domain/history";
import { newId } from "../../domain/ids";
import type { Pipeline } from "../../domain/pipeline";
import { type SQL, sql } from "../shared/sql";
import { PIPELINE_JSON } from "./projection";
import { iso } from "./time";

/**
 * The statements that record history, put into the batch of every change (docs/history.md,
 * "Audit log"): a change and its revision and event commit together or not at all.
 */

const INSERT_REVISION = sql.raw(
  "INSERT INTO pipeline_revisions (pipeline_id, version, change, actor_type, actor_id, request_id, changed_at, pipeline, write_id)",
);
const INSERT_EVENT = sql.raw(
  "INSERT INTO audit_events (seq, id, workspace, at, action, actor_type, actor_id, resource_type, resource_id, version, request_id)",
);
/** Change events (./change-events.ts): a pipeline's audit event and its change event are one, under one id. */
export const INSERT_CHANGE = sql.raw(
  "INSERT INTO change_events (seq, id, workspace, type, at, actor_type, actor_id, request_id, resource_type, resource_id, version, pipeline)",
);

/**
 * Revisions of the pipelines `p` matching `which`, as they are now (after the batch's
 * change), their audit events and change events, and the pruning of revisions beyond the newest `keep`. A
 * pipeline whose current version already has its revision (a change that changed nothing,
 * such as archiving what is archived) gets none: the primary key makes it a no-op, and its
 * event follows only revisions this write recorded (`write_id`). `count` bounds the events.
 */
export function recordRevisions(
  which: SQL,
  change: Change,
  context: WriteContext,
  options: { keep: number; count: number; writeId?: string },
): SQL[] {
  const writeId = options.writeId ?? newId();
  const eventIds = JSON.stringify(Array.from({ length: options.count }, () => newId()));
  // The revisions this write recorded, numbered in the order of their pipelines' ids, each with its event id.
  const recorded = sql`(SELECT r.*, p.workspace, row_number() OVER (ORDER BY r.pipeline_id) AS n
              FROM pipelines p JOIN pipeline_revisions r ON r.pipeline_id = p.id AND r.version = p.version
              WHERE ${which} AND r.write_id = ${writeId}) r
        JOIN (SELECT value, key + 1 AS n FROM json_each(${eventIds})) ids ON ids.n = r.n`;
  return [
    sql`${INSERT_REVISION} SELECT p.id, p.version, ${change}, ${context.actor.type}, ${context.actor.id}, ${context.requestId},
          p.updated_at, ${PIPELINE_JSON}, ${writeId} FROM pipelines p WHERE ${which} ON CONFLICT DO NOTHING`,
    sql`${INSERT_EVENT} SELECT NULL, ids.value, r.workspace, r.changed_at, 'pipeline.' || r.change, r.actor_type, r.actor_id, 'pipeline',
          r.pipeline_id, r.version, r.request_id
        FROM ${recorded}`,
    // The change events, with the pipeline as its revision holds it (the projection after the change), in the same order.
    sql`${INSERT_CHANGE} SELECT NULL, ids.value, r.workspace, 'pipeline.' || r.change, r.changed_at, r.actor_type, r.actor_id,
          r.request_id, 'pipeline', r.pipeline_id, r.version, r.pipeline
        FROM ${recorded} ORDER BY r.n`,
    sql`DELETE FROM pipeline_revisions WHERE (pipeline_id, version) IN (SELECT r.pipeline_id, r.version FROM pipelines p
          JOIN pipeline_revisions r ON r.pipeline_id = p.id AND r.version <= p.version - ${options.keep} WHERE ${which})`,
  ];
}

export interface EventInput {
  action: AuditAction;
  resource: { type: ResourceType; id: string };
  /** The pipeline's version after the change (SQL, read in the batch), or null. */
  version: SQL | null;
  at: number;
}

/** One audit event of `workspace`, inserted only where `onlyIf` holds (when the change did happen). */
export function recordEvent(workspace: string, event: EventInput, context: WriteContext, onlyIf: SQL = sql`1`, id = newId()): SQL {
  return sql`${INSERT_EVENT} SELECT NULL, ${id}, ${workspace}, ${event.at}, ${event.action}, ${context.actor.type}, ${context.actor.id},
    ${event.resource.type}, ${event.resource.id}, ${event.version ?? sql`NULL`}, ${context.requestId} WHERE ${onlyIf}`;
}

/** The columns of a revision, under the names of `RevisionRow`. */
export const REVISION_SUMMARY_COLUMNS = sql.raw(
  "r.pipeline_id AS pipelineId, r.version, r.change, r.actor_type AS actorType, r.actor_id AS actorId, r.request_id AS requestId, r.changed_at AS changedAt",
);
export const REVISION_COLUMNS = sql`${REVISION_SUMMARY_COLUMNS}, r.pipeline`;
/** The columns of an audit event, under the names of `EventRow`. */
export const EVENT_COLUMNS = sql.raw(
  "seq, id, at, action, actor_type AS actorType, actor_id AS actorId, resource_type AS resourceType, resource_id AS resourceId, version, request_id AS requestId",
);

export interface RevisionSummaryRow {
  pipelineId: string;
  version: number;
  change: Change;
  actorType: WriteContext["actor"]["type"];
  actorId: string | null;
  requestId: string;
  changedAt: number;
}
export interface RevisionRow extends RevisionSummaryRow {
  pipeline: string;
}
export interface EventRow {
  seq: number;
  id: string;
  at: number;
  action: string;
  actorType: WriteContext["actor"]["type"];
  actorId: string | null;
  resourceType: ResourceType;
  resourceId: string;
  version: number | null;
  requestId: string;
}

export const toRevisionSummary = (row: RevisionSummaryRow): RevisionSummary => ({
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
