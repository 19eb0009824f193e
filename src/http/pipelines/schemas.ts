import * as v from "valibot";
import { metricsEntries } from "../../domain/metrics";
import { STAGE_TYPES } from "../../domain/pipeline";
import { ResponseIdSchema as Id, TimestampSchema } from "../openapi/primitives";

/** Response shapes, for the OpenAPI document and the typed client (requests use the domain's schemas). */

const StringMap = v.record(v.string(), v.string());

export const StageSchema = v.object({
  id: Id,
  name: v.string(),
  stageType: v.picklist(STAGE_TYPES),
  algorithm: v.string(),
  enabled: v.boolean(),
  parallelProcessing: v.boolean(),
  chunkSize: v.nullable(v.pipe(v.number(), v.integer())),
  order: v.pipe(v.number(), v.integer(), v.minValue(0)),
  parameters: StringMap,
  createdAt: TimestampSchema,
  updatedAt: TimestampSchema,
});

export const PipelineSchema = v.object({
  id: Id,
  name: v.string(),
  archived: v.boolean(),
  configuration: StringMap,
  stages: v.array(StageSchema),
  version: v.pipe(v.number(), v.integer(), v.minValue(1), v.description("Starts at 1, +1 on every change; the ETag is its quoted value")),
  createdAt: TimestampSchema,
  updatedAt: TimestampSchema,
});

export const PipelinePageSchema = v.object({
  data: v.array(PipelineSchema),
  nextCursor: v.nullable(v.pipe(v.string(), v.description("Opaque; pass as `cursor` for the next page"))),
});

export const PipelineListSchema = v.object({ data: v.array(PipelineSchema) });

export const CountSchema = v.object({ count: v.pipe(v.number(), v.integer(), v.minValue(0)) });

export const MetricsSchema = v.object({
  ...metricsEntries,
  pipelineId: Id,
  updatedAt: TimestampSchema,
});
