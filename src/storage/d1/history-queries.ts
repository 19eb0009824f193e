import { pipelineNotFound } from "../../domain/errors";
import type { PipelineRepository } from "../../domain/repository";
import { sql, where } from "../shared/sql";
import {
  EVENT_COLUMNS,
  type EventRow,
  REVISION_COLUMNS,
  REVISION_SUMMARY_COLUMNS,
  type RevisionRow,
  type RevisionSummaryRow,
  toAuditEvent,
  toRevision,
  toRevisionSummary,
} from "./history-statements";
import { prepare } from "./statement";

/** The history reads of the D1 repository (docs/history.md): each one statement. */
export function d1HistoryQueries(
  db: D1Database,
  workspace: string,
): Pick<PipelineRepository, "listRevisions" | "getRevisions" | "listAuditEvents"> {
  return {
    async listRevisions(pipelineId, query) {
      // The pipeline's row comes first, so an unknown pipeline (no row at all) is told from one with no page left.
      const before = query.before === undefined ? sql`` : sql`AND r.version < ${query.before}`;
      const { results } = await prepare(
        db,
        sql`SELECT p.id AS pipeline, ${REVISION_SUMMARY_COLUMNS} FROM pipelines p
          LEFT JOIN pipeline_revisions r ON r.pipeline_id = p.id ${before}
          WHERE p.id = ${pipelineId} AND p.workspace = ${workspace} ORDER BY r.version DESC LIMIT ${query.limit + 1}`,
      ).all<RevisionSummaryRow & { pipeline: string }>();
      if (results.length === 0) throw pipelineNotFound(pipelineId);
      const found = results.flatMap((row) => (row.version === null ? [] : [toRevisionSummary({ ...row, pipelineId: row.pipeline })]));
      const items = found.slice(0, query.limit);
      return { items, next: found.length > query.limit ? (items.at(-1)?.version ?? null) : null };
    },

    async getRevisions(pipelineId, versions) {
      const { results } = await prepare(
        db,
        sql`SELECT ${REVISION_COLUMNS} FROM pipelines p JOIN pipeline_revisions r ON r.pipeline_id = p.id
          WHERE p.id = ${pipelineId} AND p.workspace = ${workspace} AND r.version IN (${sql.join(
            [...versions].map((version) => sql`${version}`),
            ", ",
          )})`,
      ).all<RevisionRow>();
      return results.map(toRevision);
    },

    async listAuditEvents(query) {
      const conditions = [
        sql`workspace = ${workspace}`,
        ...(query.resourceId === undefined ? [] : [sql`resource_id = ${query.resourceId}`]),
        ...(query.action === undefined ? [] : [sql`action = ${query.action}`]),
        ...(query.actorId === undefined ? [] : [sql`actor_id = ${query.actorId}`]),
        ...(query.before === undefined ? [] : [sql`seq < ${query.before}`]),
      ];
      const { results } = await prepare(
        db,
        sql`SELECT ${EVENT_COLUMNS} FROM audit_events ${where(conditions)} ORDER BY seq DESC LIMIT ${query.limit + 1}`,
      ).all<EventRow>();
      const page = results.slice(0, query.limit);
      return {
        items: page.map(toAuditEvent),
        next: results.length > query.limit ? (page.at(-1)?.seq ?? null) : null,
      };
    },
  };
}
