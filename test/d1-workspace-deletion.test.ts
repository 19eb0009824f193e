import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { NotFoundError } from "../src/domain/errors";
import { runArchiveInEveryWorkspace } from "../src/jobs/archive-everywhere";
import { d1Storage } from "../src/storage/d1/storage";
import { d1Workspaces } from "../src/storage/d1/workspaces";
import { resetDatabase, sqlRows } from "./support/backend";
import { dumpDatabase } from "./support/dump";
import { faultyD1, NoSuchStatement } from "./support/faulty-d1";
import { call, metricsBody, pipelineBody } from "./support/http";
import { createKey, createWorkspace, path } from "./support/workspaces";

/**
 * Deleting a workspace too big for one batch, in bounded steps (two pipelines a step here):
 * every statement of every step is made to fail in turn; a failed step changes nothing, the
 * workspace is unreachable from the first step that commits, and the next step resumes.
 */

const OWNED = [
  "pipelines",
  "api_keys",
  "audit_events",
  "change_events",
  "change_feeds",
  "idempotency_keys",
  "archive_runs",
  "pipeline_counts",
];
/** Tables whose rows carry their workspace through their pipeline: counted by the pipelines the workspace had. */
const OWNED_THROUGH_PIPELINES = ["metrics_history"];
const settings = { revisionsKeep: 100 };
/** The ids of the workspace's pipelines, taken before its deletion. */
let pipelineIds: string[] = [];

async function rowsLeft(workspace: string) {
  const counts: Record<string, number> = {};
  for (const table of OWNED) counts[table] = (await sqlRows(`SELECT 1 FROM ${table} WHERE workspace = ?`, workspace)).length;
  for (const table of OWNED_THROUGH_PIPELINES) {
    const rows = await sqlRows(`SELECT 1 FROM ${table} WHERE pipeline_id IN (SELECT value FROM json_each(?))`, JSON.stringify(pipelineIds));
    counts[table] = rows.length;
  }
  return counts;
}

const nothingLeft = () => Object.fromEntries([...OWNED, ...OWNED_THROUGH_PIPELINES].map((table) => [table, 0]));

beforeEach(async () => {
  await resetDatabase();
  await createWorkspace("big");
  pipelineIds = [];
  for (let i = 0; i < 5; i++) {
    const created = await call("POST", path("big", "/pipelines"), { body: pipelineBody(`p${i}`), headers: { "Idempotency-Key": `k${i}` } });
    expect(created.status).toBe(201);
    pipelineIds.push(created.body.id);
    expect((await call("PUT", path("big", `/pipelines/${created.body.id}/metrics`), { body: metricsBody() })).status).toBe(200);
  }
  expect((await rowsLeft("big")).metrics_history).toBe(5);
  // One change event past its retention, so the run's pruning gives the workspace its feed row too.
  await env.DB.prepare(
    "UPDATE change_events SET at = at - 400 * 86400000 WHERE seq = (SELECT min(seq) FROM change_events WHERE workspace = 'big')",
  ).run();
  await call("POST", path("big", "/archive-runs"), { body: { olderThanDays: 0 } });
  expect(await sqlRows("SELECT 1 FROM change_feeds WHERE workspace = 'big'")).toHaveLength(1);
});

describe("a workspace deleted in bounded steps", () => {
  it("leaves every failed step without a trace, unreachable after the first that commits, and resumable to the end", async () => {
    const { key } = await createKey("big", ["admin"]);
    const faulty = faultyD1(env.DB);
    const steps = d1Workspaces(faulty.db, 2);
    let step = 0;
    let progress: string | undefined;
    while (progress !== "deleted") {
      for (let at = 0; ; at++) {
        const before = await dumpDatabase();
        faulty.plan({ kind: "replace", at });
        const failure = await steps.deleteStep("big", new Date()).catch((error: unknown) => error);
        if (failure instanceof NoSuchStatement) break;
        expect(failure, `step ${step}, statement ${at}`).toBeInstanceOf(Error);
        expect(await dumpDatabase(), `step ${step}, statement ${at}`).toEqual(before);
      }
      faulty.plan(undefined);
      progress = await steps.deleteStep("big", new Date());
      step++;
      // Never half-visible: from the first step on, its paths are a 404 and its keys refused.
      await expect(
        d1Storage(env.DB, settings, "read").workspace("big").pipelines.count({ archived: "all", config: [] }),
      ).rejects.toBeInstanceOf(NotFoundError);
      expect((await call("GET", path("big", "/pipelines"))).status).toBe(404);
      expect((await call("GET", path("big", "/pipelines"), { token: key })).status).toBeGreaterThanOrEqual(401);
      if (progress === "more") expect((await call("POST", "/v1/workspaces", { body: { id: "big" } })).status).toBe(409);
    }
    expect(step).toBeGreaterThan(2);
    expect(await rowsLeft("big")).toEqual(nothingLeft());
    await createWorkspace("big");
    expect((await call("GET", "/v1/workspaces/big")).body.pipelineCount).toBe(0);
  });

  it("deletes at most a step's rows of metrics history, and a pipeline only once its history is gone", async () => {
    const [first] = pipelineIds;
    // The set-up's archive run archived it: restored, it takes metrics again.
    expect((await call("POST", path("big", `/pipelines/${first}/restore`))).status).toBe(200);
    for (let i = 0; i < 4; i++) {
      expect((await call("PUT", path("big", `/pipelines/${first}/metrics`), { body: metricsBody() })).status).toBe(200);
    }
    const steps = d1Workspaces(env.DB, 10, 2);
    let history = (await rowsLeft("big")).metrics_history ?? 0;
    expect(history).toBe(9);
    while ((await steps.deleteStep("big", new Date())) === "more") {
      const left = await rowsLeft("big");
      expect(history - (left.metrics_history ?? 0)).toBeLessThanOrEqual(2);
      history = left.metrics_history ?? 0;
      const kept = await sqlRows("SELECT DISTINCT pipeline_id FROM metrics_history");
      const live = await sqlRows("SELECT id FROM pipelines WHERE workspace = 'big'");
      expect(live.length).toBeGreaterThanOrEqual(kept.length);
    }
    expect(await rowsLeft("big")).toEqual(nothingLeft());
  });

  it("is finished by the archive job's next run when a DELETE was cut short", async () => {
    const steps = d1Workspaces(env.DB, 2);
    expect(await steps.deleteStep("big", new Date())).toBe("more");
    expect(await steps.unfinishedDeletions(10)).toEqual(["big"]);
    await runArchiveInEveryWorkspace(d1Storage(env.DB, settings), env, () => new Date());
    expect(await steps.unfinishedDeletions(10)).toEqual([]);
    expect(await rowsLeft("big")).toEqual(nothingLeft());
  });
});
