import * as v from "valibot";
import { closedObject } from "./pipeline";

/** The latest processing metrics of a pipeline (API.md "Metrics"). */

const count = v.pipe(
  v.number(),
  v.integer("must be a non-negative integer"),
  v.minValue(0, "must be a non-negative integer"),
  v.maxValue(Number.MAX_SAFE_INTEGER, "is too large"),
);
const nonNegative = v.pipe(v.number(), v.minValue(0, "must not be negative"), v.maxValue(Number.MAX_VALUE));
const timestamp = v.pipe(
  v.string(),
  v.isoTimestamp("must be an RFC 3339 timestamp"),
  v.transform((s) => new Date(s).toISOString()),
);
const checksum = v.pipe(v.string(), v.maxLength(128, "at most 128 characters"));

export const MetricsInputSchema = v.pipe(
  closedObject({
    bytesProcessed: count,
    bytesTotal: count,
    chunksProcessed: count,
    chunksTotal: count,
    startTime: v.optional(v.nullable(timestamp), null),
    endTime: v.optional(v.nullable(timestamp), null),
    processingDurationMs: count,
    throughputBytesPerSecond: nonNegative,
    compressionRatio: v.optional(v.nullable(nonNegative), null),
    errorCount: count,
    warningCount: count,
    inputFileSizeBytes: count,
    outputFileSizeBytes: count,
    inputFileChecksum: v.optional(v.nullable(checksum), null),
    outputFileChecksum: v.optional(v.nullable(checksum), null),
  }),
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
