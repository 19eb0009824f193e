import * as v from "valibot";
import { STAGE_TYPES } from "../../domain/pipeline";
import { ResponseIdSchema as Id, TimestampSchema } from "../openapi/primitives";

/** Response shapes that several resources answer with: a pipeline (current or as a revision kept it), and who changed something. */

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

export const ActorSchema = v.object({
  type: v.picklist(["admin", "apiKey", "system"]),
  id: v.nullable(v.pipe(v.string(), v.description("The API key's id; null for the admin token and the system"))),
});
