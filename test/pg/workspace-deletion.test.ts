import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { postgresConnection } from "../../src/storage/postgres/connection";
import { postgresWorkspaces } from "../../src/storage/postgres/workspaces";
import { resetDatabase, sqlRows } from "../support/backend";
import { call, metricsBody, pipelineBody } from "../support/http";
import { createWorkspace, path } from "../support/workspaces";

/** A workspace's deletion on PostgreSQL, in steps of at most ten pipelines and two rows a table. */

const historyLeft = async () =>
  (
    await sqlRows<{ n: number }>(
      "SELECT count(*) AS n FROM metrics_history h JOIN pipelines p ON p.id = h.pipeline_id WHERE p.workspace = 'big'",
    )
  )[0]?.n ?? 0;

beforeEach(async () => {
  await resetDatabase();
  await createWorkspace("big");
  for (const name of ["many", "one"]) {
    const created = await call("POST", path("big", "/pipelines"), { body: pipelineBody(name) });
    expect(created.status).toBe(201);
    const times = name === "many" ? 5 : 1;
    for (let i = 0; i < times; i++) {
      expect((await call("PUT", path("big", `/pipelines/${created.body.id}/metrics`), { body: metricsBody() })).status).toBe(200);
    }
  }
});

describe("a workspace deleted in bounded steps, on PostgreSQL", () => {
  it("deletes at most a step's rows of metrics history, and a pipeline only once its history is gone", async () => {
    if (!env.HYPERDRIVE) throw new Error("No HYPERDRIVE binding: run this file in the workers-pg project (vitest.config.ts).");
    const connection = postgresConnection(env.HYPERDRIVE.connectionString);
    try {
      const steps = postgresWorkspaces(connection, 10, 2);
      let history = await historyLeft();
      expect(history).toBe(6);
      let progress: string;
      do {
        progress = await steps.deleteStep("big", new Date());
        const left = await historyLeft();
        expect(history - left).toBeLessThanOrEqual(2);
        history = left;
      } while (progress === "more");
      expect(await historyLeft()).toBe(0);
      expect(await sqlRows("SELECT 1 FROM workspaces WHERE id = 'big'")).toEqual([]);
    } finally {
      await connection.close();
    }
  });
});
