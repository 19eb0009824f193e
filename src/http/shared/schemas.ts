import * as v from "valibot";
import { IdSchema } from "../../domain/ids";
import { STAGE_TYPES } from "../../domain/pipeline";
import { named } from "../openapi/named";

/**
 * What several resources answer: a pipeline (the pipelines, their history), who changed
 * something (revisions, audit events), and the building blocks of every response schema.
 * Each named schema carries the example the document shows; the examples share their ids
 * and times, so the document reads as one story.
 */

/** Times in responses: RFC 3339 UTC with milliseconds. */
export const TimestampSchema = v.pipe(v.string(), v.isoTimestamp(), v.description("RFC 3339 UTC with milliseconds"));

export const ResponseIdSchema = v.pipe(IdSchema, v.description("ULID"));

/** The examples' two instants, and the ids that appear in more than one example. */
export const EXAMPLE = {
  at: "2026-11-26T12:00:00.000Z",
  later: "2026-11-27T08:30:00.000Z",
  pipelineId: "01JD3ZK5Q8W7V6T5S4R3P2N1M0",
  stageId: "01JD3ZK5Q8W7V6T5S4R3P2N1M1",
  apiKeyId: "01JD40AXJ2M1G4Z7Q5T6V8W9X0",
  requestId: "01JD43D4E5F6G7H8J9K0M1N2P3",
} as const;

const StringMap = v.record(v.string(), v.string());

const stage = {
  id: EXAMPLE.stageId,
  name: "compress",
  stageType: "compression",
  algorithm: "zstd",
  enabled: true,
  parallelProcessing: false,
  chunkSize: 1048576,
  order: 0,
  parameters: { level: "3" },
  createdAt: EXAMPLE.at,
  updatedAt: EXAMPLE.at,
} as const;

export const StageSchema = named(
  "Stage",
  v.object({
    id: ResponseIdSchema,
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
  }),
  stage,
);

export const PIPELINE_EXAMPLE = {
  id: EXAMPLE.pipelineId,
  name: "nightly-backup",
  archived: false,
  configuration: { env: "prod", owner: "data-team" },
  stages: [
    stage,
    {
      ...stage,
      id: "01JD3ZK5Q8W7V6T5S4R3P2N1M2",
      name: "seal",
      stageType: "encryption",
      algorithm: "aes-256-gcm",
      chunkSize: null,
      order: 1,
      parameters: {},
    },
  ],
  version: 1,
  createdAt: EXAMPLE.at,
  updatedAt: EXAMPLE.at,
} as const;

export const PipelineSchema = named(
  "Pipeline",
  v.object({
    id: ResponseIdSchema,
    name: v.string(),
    archived: v.boolean(),
    configuration: StringMap,
    stages: v.array(StageSchema),
    version: v.pipe(v.number(), v.integer(), v.minValue(1), v.description("Starts at 1, +1 on every change; the ETag is its quoted value")),
    createdAt: TimestampSchema,
    updatedAt: TimestampSchema,
  }),
  PIPELINE_EXAMPLE,
);

export const ActorSchema = named(
  "Actor",
  v.object({
    type: v.picklist(["admin", "apiKey", "system"]),
    id: v.nullable(v.pipe(v.string(), v.description("The API key's id; null for the admin token and the system"))),
  }),
  { type: "apiKey", id: EXAMPLE.apiKeyId },
);
