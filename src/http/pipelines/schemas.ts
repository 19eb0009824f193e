import * as v from "valibot";
import { metricsEntries } from "../../domain/metrics";
import { ResponseIdSchema as Id, TimestampSchema } from "../openapi/primitives";
import { PipelineSchema } from "../shared/schemas";

/** Response shapes, for the OpenAPI document and the typed client (requests use the domain's schemas). */

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
