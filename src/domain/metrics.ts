import * as v from "valibot";
import { jsonObject } from "./json-schemas";
import { TimeInputSchema } from "./time";

/** The latest processing metrics of a pipeline (docs/api.md, putMetrics). */

const count = v.pipe(
  v.number(),
  v.integer("must be a non-negative integer"),
  v.minValue(0, "must be a non-negative integer"),
  v.maxValue(Number.MAX_SAFE_INTEGER, "is too large"),
);
const nonNegative = v.pipe(v.number(), v.minValue(0, "must not be negative"), v.maxValue(Number.MAX_VALUE));
const checksum = v.pipe(v.string(), v.maxLength(128, "at most 128 characters"));

/** The members of the metrics a client sends; the response adds pipelineId and updatedAt. */
export const metricsEntries = {
  bytesProcessed: count,
  bytesTotal: count,
  chunksProcessed: count,
  chunksTotal: count,
  startTime: v.optional(v.nullable(TimeInputSchema), null),
  endTime: v.optional(v.nullable(TimeInputSchema), null),
  processingDurationMs: count,
  throughputBytesPerSecond: nonNegative,
  compressionRatio: v.optional(v.nullable(nonNegative), null),
  errorCount: count,
  warningCount: count,
  inputFileSizeBytes: count,
  outputFileSizeBytes: count,
  inputFileChecksum: v.optional(v.nullable(checksum), null),
  outputFileChecksum: v.optional(v.nullable(checksum), null),
};

export const MetricsInputSchema = v.pipe(
  jsonObject(metricsEntries),
  v.forward(
    v.partialCheck(
      [["bytesProcessed"], ["bytesTotal"]],
      (m) => m.bytesProcessed <= m.bytesTotal,
      "bytesProcessed may not exceed bytesTotal",
    ),
    ["bytesProcessed"],
  ),
  v.forward(
    v.partialCheck(
      [["chunksProcessed"], ["chunksTotal"]],
      (m) => m.chunksProcessed <= m.chunksTotal,
      "chunksProcessed may not exceed chunksTotal",
    ),
    ["chunksProcessed"],
  ),
  v.forward(
    v.partialCheck(
      [["startTime"], ["endTime"]],
      (m) => m.startTime === null || m.endTime === null || m.endTime >= m.startTime,
      "endTime may not be before startTime",
    ),
    ["endTime"],
  ),
);

export type MetricsInput = v.InferOutput<typeof MetricsInputSchema>;

export interface Metrics extends MetricsInput {
  pipelineId: string;
  updatedAt: string;
}

/** How many recorded metrics each pipeline's history keeps when `METRICS_KEEP` is not set. */
export const METRICS_DEFAULTS = { keep: 1000 } as const;

/** A page of a pipeline's metrics history, newest first: `before` is the position the page starts before. */
export interface MetricsHistoryQuery {
  limit: number;
  before?: number;
}

export interface MetricsHistoryPage {
  /** Each as the PUT that recorded it answered. */
  items: Metrics[];
  /** The position the next page starts before, or null on the last page. */
  next: number | null;
}
