import { ARCHIVE_RUNS_LIMIT } from "../../domain/archive-run";
import { bodyErrors, json, readErrors } from "../openapi/responses";
import { resource, route } from "../route";
import * as handle from "./handlers";
import { ArchiveRunListSchema, ArchiveRunRequestBody, ArchiveRunSchema } from "./schemas";

/** /v1/workspaces/{workspace}/archive-runs (admin only): each route's operation, scope, body, responses and handler (handlers.ts). */

const tags = ["Archive runs"];

export const archiveRunRoutes = resource(
  route({
    method: "post",
    path: "/",
    operation: {
      tags,
      operationId: "runArchiveJob",
      summary: "Run the archive job now",
      description:
        'Archives active pipelines not updated for `olderThanDays` (default ARCHIVE_AFTER_DAYS), oldest first, at most ARCHIVE_BATCH_SIZE. The run is recorded; a failed run is answered with `status: "failed"` and changed no pipeline. The body may be empty.',
    },
    scope: "admin",
    body: { schema: ArchiveRunRequestBody, optional: true },
    responses: { 200: json("The run.", ArchiveRunSchema), ...bodyErrors },
    handler: handle.run,
  }),
  route({
    method: "get",
    path: "/",
    operation: {
      tags,
      operationId: "listArchiveRuns",
      summary: "Recent runs, newest first",
      parameters: [
        {
          name: "limit",
          in: "query",
          schema: { type: "integer", minimum: 1, maximum: ARCHIVE_RUNS_LIMIT.max, default: ARCHIVE_RUNS_LIMIT.default },
        },
      ],
    },
    scope: "admin",
    responses: { 200: json("The most recent runs.", ArchiveRunListSchema), ...readErrors },
    handler: handle.list,
  }),
);
