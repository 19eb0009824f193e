import * as v from "valibot";
import { jsonObject } from "../../domain/json-schemas";
import { ArchiveDaysSchema } from "../../jobs/archive-config";
import { ResponseIdSchema as Id, TimestampSchema } from "../openapi/primitives";

export const ArchiveRunSchema = v.object({
  id: Id,
  trigger: v.picklist(["cron", "manual"]),
  cutoff: TimestampSchema,
  archivedCount: v.pipe(v.number(), v.integer(), v.minValue(0)),
  status: v.picklist(["succeeded", "failed"]),
  startedAt: TimestampSchema,
  finishedAt: TimestampSchema,
  error: v.optional(v.pipe(v.string(), v.description("Only on a failed run"))),
});

export const ArchiveRunListSchema = v.object({ data: v.array(ArchiveRunSchema) });

export const ArchiveRunRequestSchema = jsonObject({ olderThanDays: v.optional(ArchiveDaysSchema) });
