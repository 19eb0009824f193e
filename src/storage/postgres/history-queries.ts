import { pipelineNotFound } from "../../domain/errors";
import type { AuditEvent, Revision, RevisionSummary } from "../../domain/history";
import type { PipelineRepository } from "../../domain/repository";
import { sql, where } from "../shared/sql";
import type { PostgresCalls } from "./connection";

/** The history reads on PostgreSQL (docs/history.md), in one workspace: each one SELECT of the API's JSON. */

const SUMMARY = sql`json_build_object('pipelineId', r.pipeline_id, 'version', r.version, 'change', r.change,
  'actor', json_build_object('type', r.actor_type, 'id', r.actor_id), 'requestId', r.request_id,
  'changedAt', registry_time(r.changed_at))`;

const EVENT = sql`json_build_object('id', e.id, 'at', registry_time(e.at), 'action', e.action,
  'actor', json_build_object('type', e.actor_type, 'id', e.actor_id), 'resource', json_build_object('type', e.resource_type, 'id', e.resource_id),
  'version', e.version, 'requestId', e.request_id)`;

export function postgresHistoryQueries(
  connection: PostgresCalls,
  workspace: string,
): Pick<PipelineRepository, "listRevisions" | "getRevisions" | "listAuditEvents"> {
  return {
    async listRevisions(pipelineId, query) {
      // The pipeline's row comes first, so an unknown pipeline (no row at all) is told from one with no page left.
      const before = query.before === undefined ? sql`` : sql`AND r.version < ${query.before}`;
      const rows = await connection.rows<{ revision: RevisionSummary | null }>(
        sql`SELECT CASE WHEN r.version IS NULL THEN NULL ELSE ${SUMMARY} END AS revision
            FROM pipelines p LEFT JOIN pipeline_revisions r ON r.pipeline_id = p.id ${before}
            WHERE p.id = ${pipelineId} AND p.workspace = ${workspace} ORDER BY r.version DESC LIMIT ${query.limit + 1}`,
        pipelineId,
      );
      if (rows.length === 0) throw pipelineNotFound(pipelineId);
      const found = rows.flatMap((row) => (row.revision ? [row.revision] : []));
      const items = found.slice(0, query.limit);
      return { items, next: found.length > query.limit ? (items.at(-1)?.version ?? null) : null };
    },

    async getRevisions(pipelineId, versions) {
      const rows = await connection.rows<{ summary: RevisionSummary; pipeline: Revision["pipeline"] }>(
        sql`SELECT ${SUMMARY} AS summary, r.pipeline FROM pipelines p JOIN pipeline_revisions r ON r.pipeline_id = p.id
            WHERE p.id = ${pipelineId} AND p.workspace = ${workspace} AND r.version IN (SELECT value::integer FROM json_array_elements_text(${JSON.stringify(versions)}::json))`,
        pipelineId,
      );
      return rows.map((row) => ({ ...row.summary, pipeline: row.pipeline }));
    },

    async listAuditEvents(query) {
      const conditions = [
        sql`e.workspace = ${workspace}`,
        ...(query.resourceId === undefined ? [] : [sql`e.resource_id = ${query.resourceId}`]),
        ...(query.action === undefined ? [] : [sql`e.action = ${query.action}`]),
        ...(query.actorId === undefined ? [] : [sql`e.actor_id = ${query.actorId}`]),
        ...(query.before === undefined ? [] : [sql`e.seq < ${query.before}`]),
      ];
      const rows = await connection.rows<{ seq: number; event: AuditEvent }>(
        sql`SELECT e.seq, ${EVENT} AS event FROM audit_events e ${where(conditions)} ORDER BY e.seq DESC LIMIT ${query.limit + 1}`,
      );
      const page = rows.slice(0, query.limit);
      return { items: page.map((row) => row.event), next: rows.length > query.limit ? (page.at(-1)?.seq ?? null) : null };
    },
  };
}
