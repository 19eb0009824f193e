import * as v from "valibot";
import { jsonObject } from "../../domain/json-schemas";
import { ArchiveDaysSchema } from "../../settings";
import { named } from "../openapi/named";
import { EXAMPLE, ResponseIdSchema, TimestampSchema } from "../shared/schemas";

/** The bodies of /v1/workspaces/{workspace}/archive-runs, named for the document with their examples. */

const archiveRun = {
  id: "01JD41B7C8D9E0F1G2H3J4K5M6",
  trigger: "manual",
  cutoff: "2026-08-28T08:30:00.000Z",
  archivedCount: 3,
  status: "succeeded",
  startedAt: EXAMPLE.later,
  finishedAt: EXAMPLE.later,
} as const;

export const ArchiveRunSchema = named(
  "ArchiveRun",
  v.object({
    id: ResponseIdSchema,
    trigger: v.picklist(["cron", "manual"]),
    cutoff: TimestampSchema,
    archivedCount: v.pipe(v.number(), v.integer(), v.minValue(0)),
    status: v.picklist(["succeeded", "failed"]),
    startedAt: TimestampSchema,
    finishedAt: TimestampSchema,
    error: v.optional(v.pipe(v.string(), v.description("Only on a failed run"))),
  }),
  archiveRun,
);

export const ArchiveRunListSchema = named("ArchiveRunList", v.object({ data: v.array(ArchiveRunSchema) }), { data: [archiveRun] });

export const ArchiveRunRequestBody = named("ArchiveRunRequest", jsonObject({ olderThanDays: v.optional(ArchiveDaysSchema) }), {
  olderThanDays: 90,
});
