import * as v from "valibot";
import { CHANGES } from "../../domain/history";
import { jsonObject } from "../../domain/json-schemas";
import { named } from "../openapi/named";
import { ActorSchema, EXAMPLE, PIPELINE_EXAMPLE, PipelineSchema, TimestampSchema } from "../shared/schemas";

/** The bodies of a pipeline's history, named for the document with their examples. */

const revisionSummary = {
  pipelineId: EXAMPLE.pipelineId,
  version: 2,
  change: "patched",
  actor: { type: "apiKey", id: EXAMPLE.apiKeyId },
  requestId: EXAMPLE.requestId,
  changedAt: EXAMPLE.later,
} as const;

export const RevisionSummarySchema = named(
  "RevisionSummary",
  v.object({
    pipelineId: v.string(),
    version: v.number(),
    change: v.picklist(CHANGES),
    actor: ActorSchema,
    requestId: v.string(),
    changedAt: TimestampSchema,
  }),
  revisionSummary,
);

export const RevisionSchema = named(
  "Revision",
  v.object({
    ...RevisionSummarySchema.entries,
    pipeline: v.pipe(PipelineSchema, v.description("The pipeline exactly as GET answered at this version")),
  }),
  { ...revisionSummary, pipeline: { ...PIPELINE_EXAMPLE, configuration: { env: "staging" }, version: 2, updatedAt: EXAMPLE.later } },
);

export const RevisionPageSchema = named(
  "RevisionPage",
  v.object({ data: v.array(RevisionSummarySchema), nextCursor: v.nullable(v.string()) }),
  { data: [revisionSummary, { ...revisionSummary, version: 1, change: "created", changedAt: EXAMPLE.at }], nextCursor: null },
);

export const RollbackRequestBody = named(
  "RollbackRequest",
  jsonObject({
    version: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(999_999_999), v.description("The version to roll back to")),
  }),
  { version: 1 },
);

const OperationSchema = v.object({
  op: v.picklist(["add", "remove", "replace"]),
  path: v.pipe(v.string(), v.description("JSON pointer; stages by index")),
  value: v.optional(v.pipe(v.unknown(), v.description("For add and replace: the new value"))),
});

export const DiffSchema = named(
  "Diff",
  v.object({
    from: v.number(),
    to: v.number(),
    operations: v.pipe(v.array(OperationSchema), v.description("RFC 6902 JSON Patch from `from`'s content to `to`'s")),
  }),
  {
    from: 1,
    to: 2,
    operations: [
      { op: "remove", path: "/configuration/owner" },
      { op: "replace", path: "/configuration/env", value: "staging" },
    ],
  },
);
