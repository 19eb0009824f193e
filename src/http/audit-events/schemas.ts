import * as v from "valibot";
import { AUDIT_ACTIONS, RESOURCE_TYPES } from "../../domain/history";
import { named } from "../openapi/named";
import { ActorSchema, EXAMPLE, TimestampSchema } from "../shared/schemas";

/** The bodies of the audit log, named for the document with their examples. */

const auditEvent = {
  id: "01JD44E5F6G7H8J9K0M1N2P3Q4",
  at: EXAMPLE.later,
  action: "pipeline.patched",
  actor: { type: "apiKey", id: EXAMPLE.apiKeyId },
  resource: { type: "pipeline", id: EXAMPLE.pipelineId },
  version: 2,
  requestId: EXAMPLE.requestId,
} as const;

export const AuditEventSchema = named(
  "AuditEvent",
  v.object({
    id: v.string(),
    at: TimestampSchema,
    action: v.picklist(AUDIT_ACTIONS),
    actor: ActorSchema,
    resource: v.object({ type: v.picklist(RESOURCE_TYPES), id: v.string() }),
    version: v.nullable(v.pipe(v.number(), v.description("The pipeline's version after the change; null otherwise"))),
    requestId: v.string(),
  }),
  auditEvent,
);

export const AuditPageSchema = named("AuditPage", v.object({ data: v.array(AuditEventSchema), nextCursor: v.nullable(v.string()) }), {
  data: [auditEvent],
  nextCursor: "eyJiZWZvcmUiOjQyfQ",
});
