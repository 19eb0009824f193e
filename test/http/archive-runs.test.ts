import { beforeEach, describe, expect, it } from "vitest";
import { save } from "../../src/domain/repository";
import { newPipelineInput } from "../contract/fixtures";
import { resetDatabase, testRepository } from "../support/backend";
import { call } from "../support/http";

beforeEach(() => resetDatabase());

const daysAgo = (days: number) => () => new Date(Date.now() - days * 86_400_000);

describe("/v1/workspaces/default/archive-runs", () => {
  it("runs the job now with olderThanDays, and lists runs newest first", async () => {
    const old = await save(testRepository(daysAgo(40)), newPipelineInput("old"));
    const recent = await save(testRepository(daysAgo(5)), newPipelineInput("recent"));

    const defaultRun = await call("POST", "/v1/workspaces/default/archive-runs");
    expect(defaultRun.status).toBe(200);
    expect(defaultRun.body).toMatchObject({ trigger: "manual", status: "succeeded", archivedCount: 0 });

    const run = await call("POST", "/v1/workspaces/default/archive-runs", { body: { olderThanDays: 30 } });
    expect(run.status).toBe(200);
    expect(run.body).toMatchObject({ trigger: "manual", status: "succeeded", archivedCount: 1 });
    expect(run.body.error).toBeUndefined();
    expect((await call("GET", `/v1/workspaces/default/pipelines/${old.id}`)).body).toMatchObject({ archived: true, version: 2 });
    expect((await call("GET", `/v1/workspaces/default/pipelines/${recent.id}`)).body).toMatchObject({ archived: false, version: 1 });

    const listed = await call("GET", "/v1/workspaces/default/archive-runs");
    expect(listed.status).toBe(200);
    expect(listed.body.data.map((r: { id: string }) => r.id)).toEqual([run.body.id, defaultRun.body.id]);
    expect((await call("GET", "/v1/workspaces/default/archive-runs?limit=1")).body.data).toHaveLength(1);
  });

  it("takes olderThanDays 0: every active pipeline not changed since the run started", async () => {
    const old = await save(testRepository(daysAgo(1 / 86_400)), newPipelineInput("a-second-ago"));
    const run = await call("POST", "/v1/workspaces/default/archive-runs", { body: { olderThanDays: 0 } });
    expect(run.status).toBe(200);
    expect(run.body).toMatchObject({ status: "succeeded", archivedCount: 1, cutoff: run.body.startedAt });
    expect((await call("GET", `/v1/workspaces/default/pipelines/${old.id}`)).body).toMatchObject({ archived: true });
  });

  it("validates the request", async () => {
    for (const body of [{ olderThanDays: -1 }, { olderThanDays: 36_501 }, { olderThanDays: 1.5 }, { olderThanDays: "30" }, { days: 3 }]) {
      const reply = await call("POST", "/v1/workspaces/default/archive-runs", { body });
      expect(reply.status).toBe(400);
      expect(reply.headers.get("Content-Type")).toBe("application/problem+json");
    }
    expect((await call("GET", "/v1/workspaces/default/archive-runs?limit=0")).status).toBe(400);
    expect((await call("GET", "/v1/workspaces/default/archive-runs")).body.data).toEqual([]);
  });
});
