import type { Metrics } from "../../domain/metrics";
import { sql } from "../shared/sql";
import { iso } from "./time";

/** The processing metrics' row on D1 (the latest, and each of the history): its columns, as SQL and as `Metrics`. */

/** A metrics row under the names of `Metrics`, times as epoch milliseconds. */
export type MetricsRow = Omit<Metrics, "startTime" | "endTime" | "updatedAt"> & {
  startTime: number | null;
  endTime: number | null;
  updatedAt: number;
};

/** The metrics columns: each one's name in `Metrics` and in SQL. */
export const METRICS_COLUMNS = {
  bytesProcessed: "bytes_processed",
  bytesTotal: "bytes_total",
  chunksProcessed: "chunks_processed",
  chunksTotal: "chunks_total",
  startTime: "start_time",
  endTime: "end_time",
  processingDurationMs: "processing_duration_ms",
  throughputBytesPerSecond: "throughput_bytes_per_second",
  compressionRatio: "compression_ratio",
  errorCount: "error_count",
  warningCount: "warning_count",
  inputFileSizeBytes: "input_file_size_bytes",
  outputFileSizeBytes: "output_file_size_bytes",
  inputFileChecksum: "input_file_checksum",
  outputFileChecksum: "output_file_checksum",
  updatedAt: "updated_at",
} as const;
export const METRICS_SELECT = sql.raw(
  Object.entries(METRICS_COLUMNS)
    .map(([member, column]) => `m.${column} AS ${member}`)
    .join(", "),
);
const insertInto = (table: string) => sql.raw(`INSERT INTO ${table} (pipeline_id, ${Object.values(METRICS_COLUMNS).join(", ")})`);
export const METRICS_INSERT = insertInto("processing_metrics");
export const METRICS_HISTORY_INSERT = insertInto("metrics_history");
export const METRICS_ON_CONFLICT = sql.raw(
  `ON CONFLICT (pipeline_id) DO UPDATE SET ${Object.values(METRICS_COLUMNS)
    .map((column) => `${column} = excluded.${column}`)
    .join(", ")}`,
);

export function toMetrics(pipelineId: string, row: MetricsRow): Metrics {
  const { pipelineId: _, updatedAt, startTime, endTime, ...values } = row;
  return {
    ...values,
    startTime: startTime === null ? null : iso(startTime),
    endTime: endTime === null ? null : iso(endTime),
    pipelineId,
    updatedAt: iso(updatedAt),
  };
}
