import * as v from "valibot";
import { AUDIT_ACTIONS, CHANGES } from "../../domain/history";
import { jsonObject } from "../../domain/json-schemas";
import { TimestampSchema } from "../openapi/primitives";
import { PipelineSchema } from "../pipelines/schemas";

/** Response shapes of the history and the audit log, for the OpenAPI document and the typed client. */

export const ActorSchema = v.object({
  type: v.picklist(["admin", "apiKey", "system"]),
  id: v.nullable(v.pipe(v.string(), v.description("The API key's id; null for the admin token and the system"))),
});

export const RevisionSummarySchema = v.object({
  pipelineId: v.string(),
  version: v.number(),
  change: v.picklist(CHANGES),
  actor: ActorSchema,
  requestId: v.string(),
  changedAt: TimestampSchema,
});

export const RevisionSchema = v.object({
  ...RevisionSummarySchema.entries,
  pipeline: v.pipe(PipelineSchema, v.description("The pipeline exactly as GET answered at this version")),
});

export const RevisionPageSchema = v.object({
  data: v.array(RevisionSummarySchema),
  nextCursor: v.nullable(v.string()),
});

export const RollbackRequestSchema = jsonObject({
  version: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(999_999_999), v.description("The version to roll back to")),
});

const OperationSchema = v.object({
  op: v.picklist(["add", "remove", "replace"]),
  path: v.pipe(v.string(), v.description("JSON pointer; stages by index")),
  value: v.optional(v.pipe(v.unknown(), v.description("For add and replace: the new value"))),
});

export const DiffSchema = v.object({
  from: v.number(),
  to: v.number(),
  operations: v.pipe(v.array(OperationSchema), v.description("RFC 6902 JSON Patch from `from`'s content to `to`'s")),
});

export const AuditEventSchema = v.object({
  id: v.string(),
  at: TimestampSchema,
  action: v.picklist(AUDIT_ACTIONS),
  actor: ActorSchema,
  resource: v.object({ type: v.picklist(["pipeline", "apiKey", "archiveRun"]), id: v.string() }),
  version: v.nullable(v.pipe(v.number(), v.description("The pipeline's version after the change; null otherwise"))),
  requestId: v.string(),
});

export const AuditPageSchema = v.object({ data: v.array(AuditEventSchema), nextCursor: v.nullable(v.string()) });
