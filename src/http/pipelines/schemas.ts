import * as v from "valibot";
import { MetricsInputSchema, metricsEntries } from "../../domain/metrics";
import {
  NewPipelineSchema,
  NewStageSchema,
  PipelineImportSchema,
  PipelinePatchSchema,
  PipelineReplacementSchema,
  ReplacementStageSchema,
} from "../../domain/pipeline";
import { named } from "../openapi/named";
import { EXAMPLE, PIPELINE_EXAMPLE, PipelineSchema, ResponseIdSchema, TimestampSchema } from "../shared/schemas";

/**
 * The bodies of /v1/workspaces/{workspace}/pipelines, named for the document with their examples: the domain's
 * schemas for requests (they validate), response shapes for the typed client and the document.
 */

const newStages = [
  { name: "compress", stageType: "compression", algorithm: "zstd", chunkSize: 1048576, parameters: { level: "3" } },
  { name: "seal", stageType: "encryption", algorithm: "aes-256-gcm" },
] as const;
const newPipeline = { name: "nightly-backup", configuration: { env: "prod", owner: "data-team" }, stages: newStages } as const;

// Named for the stages inside the bodies below, which the document shows as references to them.
named("NewStage", NewStageSchema, newStages[0]);
named("ReplacementStage", ReplacementStageSchema, { id: EXAMPLE.stageId, ...newStages[0] });
export const NewPipelineBody = named("NewPipeline", NewPipelineSchema, newPipeline);
export const PipelineReplacementBody = named("PipelineReplacement", PipelineReplacementSchema, {
  ...newPipeline,
  stages: [{ id: EXAMPLE.stageId, ...newStages[0] }, newStages[1]],
});
export const PipelinePatchBody = named("PipelinePatch", PipelinePatchSchema, { configuration: { owner: "platform-team", legacy: null } });
export const PipelineImportBody = named("PipelineImport", PipelineImportSchema, {
  pipelines: [newPipeline, { ...newPipeline, name: "hourly-sync" }],
});

const metricsInput = {
  bytesProcessed: 524288,
  bytesTotal: 1048576,
  chunksProcessed: 1,
  chunksTotal: 2,
  startTime: EXAMPLE.at,
  endTime: "2026-11-26T12:00:01.500Z",
  processingDurationMs: 1500,
  throughputBytesPerSecond: 349525.33,
  compressionRatio: 0.42,
  errorCount: 0,
  warningCount: 1,
  inputFileSizeBytes: 1048576,
  outputFileSizeBytes: 440402,
  inputFileChecksum: "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
  outputFileChecksum: null,
} as const;

export const MetricsInputBody = named("MetricsInput", MetricsInputSchema, metricsInput);

export const PipelinePageSchema = named(
  "PipelinePage",
  v.object({
    data: v.array(PipelineSchema),
    nextCursor: v.nullable(v.pipe(v.string(), v.description("Opaque; pass as `cursor` for the next page"))),
  }),
  { data: [PIPELINE_EXAMPLE], nextCursor: "eyJzb3J0IjoibmFtZSJ9" },
);

export const PipelineListSchema = named("PipelineList", v.object({ data: v.array(PipelineSchema) }), { data: [PIPELINE_EXAMPLE] });

export const CountSchema = named("Count", v.object({ count: v.pipe(v.number(), v.integer(), v.minValue(0)) }), { count: 42 });

export const MetricsSchema = named(
  "Metrics",
  v.object({
    ...metricsEntries,
    pipelineId: ResponseIdSchema,
    updatedAt: TimestampSchema,
  }),
  { ...metricsInput, pipelineId: EXAMPLE.pipelineId, updatedAt: EXAMPLE.later },
);

export const MetricsHistoryPageSchema = named(
  "MetricsHistoryPage",
  v.object({ data: v.array(MetricsSchema), nextCursor: v.nullable(v.string()) }),
  { data: [{ ...metricsInput, pipelineId: EXAMPLE.pipelineId, updatedAt: EXAMPLE.later }], nextCursor: null },
);
