import { and, desc, eq, inArray, lt } from "drizzle-orm";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import { pipelineNotFound } from "../domain/errors";
import type { PipelineRepository } from "../domain/repository";
import { toAuditEvent, toRevision, toRevisionSummary } from "./db/history-statements";
import { auditEvents, pipelineRevisions, pipelines } from "./db/schema";

/** The history reads of the D1 repository (API.md "History", "Audit log"): each one statement. */
export function historyQueries(
  db: DrizzleD1Database<Record<string, unknown>>,
): Pick<PipelineRepository, "listRevisions" | "getRevisions" | "listAuditEvents"> {
  return {
    async listRevisions(pipelineId, query) {
      // The pipeline's row comes first, so an unknown pipeline (no row at all) is told from one with no page left.
      const rows = await db
        .select({
          pipelineId: pipelines.id,
          version: pipelineRevisions.version,
          change: pipelineRevisions.change,
          actorType: pipelineRevisions.actorType,
          actorId: pipelineRevisions.actorId,
          requestId: pipelineRevisions.requestId,
          changedAt: pipelineRevisions.changedAt,
        })
        .from(pipelines)
        .leftJoin(
          pipelineRevisions,
          and(
            eq(pipelineRevisions.pipelineId, pipelines.id),
            query.before === undefined ? undefined : lt(pipelineRevisions.version, query.before),
          ),
        )
        .where(eq(pipelines.id, pipelineId))
        .orderBy(desc(pipelineRevisions.version))
        .limit(query.limit + 1);
      if (rows.length === 0) throw pipelineNotFound(pipelineId);
      const found = rows.flatMap((row) =>
        row.version === null || row.change === null || row.actorType === null || row.requestId === null || row.changedAt === null
          ? []
          : [
              toRevisionSummary({
                ...row,
                version: row.version,
                change: row.change,
                actorType: row.actorType,
                requestId: row.requestId,
                changedAt: row.changedAt,
              }),
            ],
      );
      const items = found.slice(0, query.limit);
      return { items, next: found.length > query.limit ? (items.at(-1)?.version ?? null) : null };
    },

    async getRevisions(pipelineId, versions) {
      const rows = await db
        .select()
        .from(pipelineRevisions)
        .where(and(eq(pipelineRevisions.pipelineId, pipelineId), inArray(pipelineRevisions.version, [...versions])));
      return rows.map(toRevision);
    },

    async listAuditEvents(query) {
      const rows = await db
        .select()
        .from(auditEvents)
        .where(
          and(
            query.resourceId === undefined ? undefined : eq(auditEvents.resourceId, query.resourceId),
            query.action === undefined ? undefined : eq(auditEvents.action, query.action),
            query.actorId === undefined ? undefined : eq(auditEvents.actorId, query.actorId),
            query.before === undefined ? undefined : lt(auditEvents.seq, query.before),
          ),
        )
        .orderBy(desc(auditEvents.seq))
        .limit(query.limit + 1);
      const page = rows.slice(0, query.limit);
      return {
        items: page.map(toAuditEvent),
        next: rows.length > query.limit ? (page.at(-1)?.seq ?? null) : null,
      };
    },
  };
}
