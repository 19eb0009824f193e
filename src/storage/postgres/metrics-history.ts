import { pipelineNotFound } from "../../domain/errors";
import type { Metrics } from "../../domain/metrics";
import type { PipelineRepository } from "../../domain/repository";
import { sql } from "../shared/sql";
import type { PostgresCalls } from "./connection";

/**
 * The metrics history on PostgreSQL (docs/usage.md, "Metrics"): registry_put_metrics
 * (functions/pipelines.sql) adds to it and prunes it; its page is one SELECT of the API's JSON.
 */

/** A metrics row `m` (the latest or one of the history) as the API answers it. */
export const METRICS_JSON = sql`json_build_object(
  'bytesProcessed', m.bytes_processed, 'bytesTotal', m.bytes_total, 'chunksProcessed', m.chunks_processed,
  'chunksTotal', m.chunks_total, 'startTime', registry_time(m.start_time), 'endTime', registry_time(m.end_time),
  'processingDurationMs', m.processing_duration_ms, 'throughputBytesPerSecond', m.throughput_bytes_per_second,
  'compressionRatio', m.compression_ratio, 'errorCount', m.error_count, 'warningCount', m.warning_count,
  'inputFileSizeBytes', m.input_file_size_bytes, 'outputFileSizeBytes', m.output_file_size_bytes,
  'inputFileChecksum', m.input_file_checksum, 'outputFileChecksum', m.output_file_checksum,
  'pipelineId', m.pipeline_id, 'updatedAt', registry_time(m.updated_at))`;

export function postgresMetricsHistory(connection: PostgresCalls, workspace: string): Pick<PipelineRepository, "listMetricsHistory"> {
  return {
    async listMetricsHistory(pipelineId, query) {
      // The pipeline's row comes first, so an unknown pipeline (no row at all) is told from one with no page left.
      const before = query.before === undefined ? sql`` : sql`AND m.seq < ${query.before}`;
      const rows = await connection.rows<{ seq: number | null; metrics: Metrics | null }>(
        sql`SELECT m.seq, CASE WHEN m.seq IS NULL THEN NULL ELSE ${METRICS_JSON} END AS metrics
            FROM pipelines p LEFT JOIN metrics_history m ON m.pipeline_id = p.id ${before}
            WHERE p.id = ${pipelineId} AND p.workspace = ${workspace} ORDER BY m.seq DESC LIMIT ${query.limit + 1}`,
        pipelineId,
      );
      if (rows.length === 0) throw pipelineNotFound(pipelineId);
      const found = rows.flatMap(({ seq, metrics }) => (seq === null || metrics === null ? [] : [{ seq, metrics }]));
      const page = found.slice(0, query.limit);
      return { items: page.map((entry) => entry.metrics), next: found.length > query.limit ? (page.at(-1)?.seq ?? null) : null };
    },
  };
}
