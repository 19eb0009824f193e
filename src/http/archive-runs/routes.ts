import { Hono } from "hono";
import { describeRoute } from "hono-openapi";
import * as v from "valibot";
import { ValidationError } from "../../domain/errors";
import { jsonObject } from "../../domain/json-schemas";
import { ARCHIVE_RUNS_LIMIT, listArchiveRuns } from "../../infrastructure/d1-archive-runs";
import { ArchiveDaysSchema } from "../../jobs/archive-config";
import { runArchiveJob } from "../../jobs/archive-job";
import { type AppEnv, writeContext } from "../context";
import { requireScope } from "../middleware/auth";
import { jsonBody } from "../middleware/json-body";
import { TimestampSchema, jsonResponse, problemResponses } from "../openapi";
import { parseLimit } from "../pipelines/query";

const tags = ["Archive runs"];

export const ArchiveRunSchema = v.object({
  id: v.string(),
  trigger: v.picklist(["cron", "manual"]),
  cutoff: TimestampSchema,
  archivedCount: v.number(),
  status: v.picklist(["succeeded", "failed"]),
  startedAt: TimestampSchema,
  finishedAt: TimestampSchema,
  error: v.optional(v.pipe(v.string(), v.description("Only on a failed run"))),
});

const RunRequestSchema = jsonObject({ olderThanDays: v.optional(ArchiveDaysSchema) });

export const archiveRunRoutes = new Hono<AppEnv>()
  .post(
    "/",
    describeRoute({
      tags,
      summary: "Run the archive job now",
      description:
        "Archives active pipelines not updated for `olderThanDays` (default ARCHIVE_AFTER_DAYS), oldest first, at most ARCHIVE_BATCH_SIZE. The run is recorded; a failed run is answered with `status: \"failed\"` and changed no pipeline.",
      responses: { 200: jsonResponse("The run.", ArchiveRunSchema), ...problemResponses(400, 401, 403, 413, 415, 429) },
    }),
    requireScope("admin"),
    jsonBody(RunRequestSchema, { optional: true }),
    async (c) => {
      const { olderThanDays } = c.req.valid("json");
      const run = await runArchiveJob({ db: c.var.db, env: c.env }, { trigger: "manual", olderThanDays, context: writeContext(c) });
      return c.json(run, 200);
    },
  )
  .get(
    "/",
    describeRoute({
      tags,
      summary: "Recent runs, newest first",
      parameters: [
        {
          name: "limit",
          in: "query",
          schema: { type: "integer", minimum: 1, maximum: ARCHIVE_RUNS_LIMIT.max, default: ARCHIVE_RUNS_LIMIT.default },
        },
      ],
      responses: {
        200: jsonResponse("The most recent runs.", v.object({ data: v.array(ArchiveRunSchema) })),
        ...problemResponses(400, 401, 403, 429),
      },
    }),
    requireScope("admin"),
    async (c) => {
      const limit = parseLimit(c.req.query("limit"), ARCHIVE_RUNS_LIMIT.default, ARCHIVE_RUNS_LIMIT.max);
      if (limit === undefined) {
        const message = `limit is an integer from 1 to ${ARCHIVE_RUNS_LIMIT.max}`;
        throw new ValidationError([{ path: "/limit", message }], "The query is invalid; see errors.");
      }
      return c.json({ data: await listArchiveRuns(c.var.db, limit) }, 200);
    },
  );
