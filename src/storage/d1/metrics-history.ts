import { pipelineNotFound } from "../../domain/errors";
import type { PipelineRepository } from "../../domain/repository";
import { type SQL, sql } from "../shared/sql";
import { METRICS_HISTORY_INSERT, METRICS_SELECT, type MetricsRow, toMetrics } from "./metrics-rows";
import { prepare } from "./statement";

/**
 * The metrics history on D1 (docs/usage.md, "Metrics"): the statements a metrics write puts in
 * its batch, and the one read of a page.
 */

/**
 * Adds `values` (the metrics columns, in `METRICS_COLUMNS` order) to pipeline `pipelineId`'s
 * history, then deletes what is older than its newest `keep`: the entry `keep` places below the
 * newest and everything before it (none while fewer are kept, the bound being NULL).
 */
export function recordMetricsHistory(pipelineId: string, values: SQL, keep: number): SQL[] {
  return [
    sql`${METRICS_HISTORY_INSERT} VALUES (${pipelineId}, ${values})`,
    sql`DELETE FROM metrics_history WHERE pipeline_id = ${pipelineId} AND seq <= (SELECT seq FROM metrics_history
      WHERE pipeline_id = ${pipelineId} ORDER BY seq DESC LIMIT 1 OFFSET ${keep})`,
  ];
}

export function d1MetricsHistory(db: D1Database, workspace: string): Pick<PipelineRepository, "listMetricsHistory"> {
  return {
    async listMetricsHistory(pipelineId, query) {
      // The pipeline's row comes first, so an unknown pipeline (no row at all) is told from one with no page left.
      const before = query.before === undefined ? sql`` : sql`AND m.seq < ${query.before}`;
      const { results } = await prepare(
        db,
        sql`SELECT p.id AS pipeline, m.seq, ${METRICS_SELECT} FROM pipelines p
          LEFT JOIN metrics_history m ON m.pipeline_id = p.id ${before}
          WHERE p.id = ${pipelineId} AND p.workspace = ${workspace} ORDER BY m.seq DESC LIMIT ${query.limit + 1}`,
      ).all<MetricsRow & { pipeline: string; seq: number | null }>();
      if (results.length === 0) throw pipelineNotFound(pipelineId);
      const found = results.flatMap(({ pipeline: _, seq, ...row }) => (seq === null ? [] : [{ seq, metrics: toMetrics(pipelineId, row) }]));
      const page = found.slice(0, query.limit);
      return { items: page.map((entry) => entry.metrics), next: found.length > query.limit ? (page.at(-1)?.seq ?? null) : null };
    },
  };
}
