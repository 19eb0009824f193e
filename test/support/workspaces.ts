import { expect } from "vitest";
import { call, metricsBody, pipelineBody, type Reply } from "./http";

/** Two workspaces' worth of data for the isolation suites, made through the API as a client would. */

export const path = (workspace: string, rest = "") => `/v1/workspaces/${workspace}${rest}`;

export async function createWorkspace(id: string): Promise<void> {
  const created = await call("POST", "/v1/workspaces", { body: { id } });
  expect(created.status, created.text).toBe(201);
}

export async function createKey(workspace: string, scopes: string[]): Promise<{ id: string; key: string }> {
  const created = await call("POST", path(workspace, "/api-keys"), { body: { name: `${workspace} key`, scopes } });
  expect(created.status, created.text).toBe(201);
  return created.body;
}

/** A pipeline in `workspace` (named as the document's examples are, so another workspace can take the name too) with history, metrics, events and a run. */
export async function populate(workspace: string) {
  const created = await call("POST", path(workspace, "/pipelines"), {
    body: pipelineBody("nightly-backup"),
    headers: { "Idempotency-Key": "create-nightly-backup-2026-11-26" },
  });
  expect(created.status, created.text).toBe(201);
  const pipeline = created.body as { id: string };
  expect((await call("PATCH", path(workspace, `/pipelines/${pipeline.id}`), { body: { configuration: { team: workspace } } })).status).toBe(
    200,
  );
  // Two, so its metrics history has a second page.
  for (const errorCount of [0, 1]) {
    const put = await call("PUT", path(workspace, `/pipelines/${pipeline.id}/metrics`), { body: metricsBody({ errorCount }) });
    expect(put.status).toBe(200);
  }
  const second = await call("POST", path(workspace, "/pipelines"), { body: pipelineBody("second") });
  expect(second.status).toBe(201);
  expect((await call("POST", path(workspace, "/archive-runs"), { body: { olderThanDays: 30 } })).status).toBe(200);
  const key = await createKey(workspace, ["admin"]);
  const page = await call("GET", path(workspace, "/pipelines?limit=1"));
  const events = await call("GET", path(workspace, "/audit-events?limit=1"));
  const revisions = await call("GET", path(workspace, `/pipelines/${pipeline.id}/revisions?limit=1`));
  const metricsHistory = await call("GET", path(workspace, `/pipelines/${pipeline.id}/metrics/history?limit=1`));
  const changes = await call("GET", path(workspace, "/events?limit=1"));
  return {
    pipelineId: pipeline.id,
    key,
    cursors: {
      pipelines: page.body.nextCursor,
      events: events.body.nextCursor,
      revisions: revisions.body.nextCursor,
      metricsHistory: metricsHistory.body.nextCursor,
      changes: changes.body.nextCursor,
    } as Record<string, string>,
  };
}

/**
 * Everything a workspace holds, as its operator reads it through the API: every pipeline
 * (archived too) with its revisions, each revision, its metrics and their history, its keys, runs, audit log and change feed.
 */
export async function dumpWorkspace(workspace: string): Promise<unknown> {
  const read = async (rest: string) => {
    const reply: Reply = await call("GET", path(workspace, rest));
    // A problem's request id is the reading request's own.
    return { status: reply.status, body: reply.status >= 400 ? reply.body.type : reply.body };
  };
  const pipelines = (await call("GET", path(workspace, "/pipelines?archived=all&limit=100"))).body.data as { id: string }[];
  const each = await Promise.all(
    pipelines.map(async ({ id }) => ({
      pipeline: await read(`/pipelines/${id}`),
      metrics: await read(`/pipelines/${id}/metrics`),
      metricsHistory: await read(`/pipelines/${id}/metrics/history?limit=100`),
      revisions: await read(`/pipelines/${id}/revisions?limit=100`),
    })),
  );
  return {
    workspace: await read(""),
    each,
    count: await read("/pipelines/count?archived=all"),
    keys: await read("/api-keys"),
    runs: await read("/archive-runs"),
    events: await read("/audit-events?limit=100"),
    changes: await read("/events?limit=100"),
  };
}
