import * as v from "valibot";
import { CHANGE_EVENT_TYPES } from "../../domain/events";
import { named } from "../openapi/named";
import { ActorSchema, EXAMPLE, PIPELINE_EXAMPLE, PipelineSchema, TimestampSchema } from "../shared/schemas";

/** The bodies of the change feed, named for the document with their examples. */

const changeEvent = {
  id: "01JD44E5F6G7H8J9K0M1N2P3Q4",
  seq: 42,
  type: "pipeline.patched",
  at: EXAMPLE.later,
  actor: { type: "apiKey", id: EXAMPLE.apiKeyId },
  requestId: EXAMPLE.requestId,
  resource: { type: "pipeline", id: EXAMPLE.pipelineId },
  version: 2,
  pipeline: { ...PIPELINE_EXAMPLE, configuration: { env: "staging" }, version: 2, updatedAt: EXAMPLE.later },
} as const;

export const ChangeEventSchema = named(
  "ChangeEvent",
  v.object({
    id: v.pipe(v.string(), v.description("The event's id, the same as its audit event's")),
    seq: v.pipe(
      v.number(),
      v.integer(),
      v.minValue(1),
      v.description("Orders the workspace's events in the order their changes committed; it only grows (with gaps)"),
    ),
    type: v.picklist(CHANGE_EVENT_TYPES),
    at: TimestampSchema,
    actor: ActorSchema,
    requestId: v.string(),
    resource: v.object({ type: v.picklist(["pipeline"]), id: v.string() }),
    version: v.nullable(v.pipe(v.number(), v.description("The pipeline's version after the change; null after a delete"))),
    pipeline: v.nullable(v.pipe(PipelineSchema, v.description("The pipeline as GET answers it after the change; null after a delete"))),
  }),
  changeEvent,
);

export const ChangeEventPageSchema = named(
  "ChangeEventPage",
  v.object({
    data: v.array(ChangeEventSchema),
    nextCursor: v.pipe(
      v.string(),
      v.description(
        "Never null: where the next call starts (after the last event listed, or the same position when there was none); send it as `after`",
      ),
    ),
  }),
  { data: [changeEvent], nextCursor: "eyJhZnRlciI6NDIsIndvcmtzcGFjZSI6ImRlZmF1bHQifQ" },
);
