import * as v from "valibot";
import { AUDIT_ACTIONS } from "../../domain/history";
import { TimestampSchema } from "../openapi/primitives";
import { ActorSchema } from "../shared/schemas";

/** Response shapes of the audit log, for the OpenAPI document and the typed client. */

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
