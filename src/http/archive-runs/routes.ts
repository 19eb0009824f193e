import { Hono } from "hono";
import { ARCHIVE_RUNS_LIMIT } from "../../domain/archive-run";
import type { AppEnv } from "../context";
import { requireScope } from "../middleware/auth";
import { jsonBody } from "../middleware/json-body";
import { describe } from "../openapi/describe";
import { bodyErrors, json, readErrors } from "../openapi/responses";
import * as handle from "./handlers";
import { ArchiveRunListSchema, ArchiveRunRequestSchema, ArchiveRunSchema } from "./schemas";

/** The contract of /v1/archive-runs (admin only); handlers in handlers.ts. */

const tags = ["Archive runs"];

export const archiveRunRoutes = new Hono<AppEnv>()
  .post(
    "/",
    describe({
      tags,
      operationId: "runArchiveJob",
      summary: "Run the archive job now",
      description:
        'Archives active pipelines not updated for `olderThanDays` (default ARCHIVE_AFTER_DAYS), oldest first, at most ARCHIVE_BATCH_SIZE. The run is recorded; a failed run is answered with `status: "failed"` and changed no pipeline. The body may be empty.',
      responses: { 200: json("The run.", ArchiveRunSchema), ...bodyErrors },
    }),
    requireScope("admin"),
    jsonBody(ArchiveRunRequestSchema, { optional: true }),
    handle.run,
  )
  .get(
    "/",
    describe({
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
      responses: { 200: json("The most recent runs.", ArchiveRunListSchema), ...readErrors },
    }),
    requireScope("admin"),
    handle.list,
  );
