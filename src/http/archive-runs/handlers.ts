import type { Context } from "hono";
import { ARCHIVE_RUNS_LIMIT } from "../../domain/archive-run";
import { runArchiveJob } from "../../jobs/archive-job";
import { type AppEnv, type WithBody, writeContext } from "../context";
import { invalidQuery, parseLimit } from "../shared/query";
import type { ArchiveRunRequestBody } from "./schemas";

/** What the archive-run routes do; what they take and answer is in routes.ts. */

export async function run(c: WithBody<typeof ArchiveRunRequestBody>) {
  const { olderThanDays } = c.req.valid("json");
  const run = await runArchiveJob(
    { runs: c.get("workspace").archiveRuns, env: c.env },
    { trigger: "manual", olderThanDays, context: writeContext(c) },
  );
  return c.json(run, 200);
}

export async function list(c: Context<AppEnv>) {
  const limit = parseLimit(c.req.query("limit"), ARCHIVE_RUNS_LIMIT.default, ARCHIVE_RUNS_LIMIT.max);
  if (limit === undefined) throw invalidQuery([{ path: "/limit", message: `limit is an integer from 1 to ${ARCHIVE_RUNS_LIMIT.max}` }]);
  return c.json({ data: await c.get("workspace").archiveRuns.list(limit) }, 200);
}
