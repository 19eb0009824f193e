import jsonpatch, { type Operation } from "fast-json-patch";
import { beforeEach, describe, expect, it } from "vitest";
import type { Pipeline } from "../../src/domain/pipeline";
import { resetDatabase, sqlRows } from "../support/backend";
import { call, createPipeline, metricsBody, pipelineBody, stage } from "../support/http";

/** docs/history.md over HTTP. */

const content = (pipeline: Pipeline) => {
  const { version: _v, createdAt: _c, updatedAt: _u, stages, ...rest } = pipeline;
  return { ...rest, stages: stages.map(({ createdAt: _sc, updatedAt: _su, ...s }) => s) };
};

const apply = (from: Pipeline, operations: Operation[]) =>
  jsonpatch.applyPatch(structuredClone(content(from)), operations, true, false).newDocument;

beforeEach(() => resetDatabase());

async function history() {
  const created = await createPipeline("walk", { configuration: { env: "prod", owner: "a" } });
  const put = await call("PUT", `/v1/workspaces/default/pipelines/${created.id}`, {
    body: pipelineBody("walk-2", {
      configuration: { env: "dev" },
      stages: [
        stage("first", "checksum", "sha256"),
        { ...created.stages[0], createdAt: undefined, updatedAt: undefined, order: undefined },
      ],
    }),
  });
  expect(put.status, put.text).toBe(200);
  const patched = await call("PATCH", `/v1/workspaces/default/pipelines/${created.id}`, {
    body: { configuration: { owner: "b", "a.b": "x" } },
  });
  expect(patched.status, patched.text).toBe(200);
  return { created, replaced: put.body as Pipeline, patched: patched.body as Pipeline };
}

describe("revisions", () => {
  it("lists a pipeline's revisions newest first without their pipeline, paged with a cursor and a Link", async () => {
    const { created } = await history();
    const first = await call("GET", `/v1/workspaces/default/pipelines/${created.id}/revisions?limit=2`);
    expect(first.status).toBe(200);
    expect(first.body.data.map((r: { version: number; change: string }) => [r.version, r.change])).toEqual([
      [3, "patched"],
      [2, "replaced"],
    ]);
    expect(first.body.data[0]).toEqual({
      pipelineId: created.id,
      version: 3,
      change: "patched",
      actor: { type: "admin", id: null },
      requestId: expect.any(String),
      changedAt: expect.any(String),
    });
    expect(first.headers.get("Link")).toContain(`cursor=${first.body.nextCursor}`);
    const rest = await call("GET", `/v1/workspaces/default/pipelines/${created.id}/revisions?limit=2&cursor=${first.body.nextCursor}`);
    expect(rest.body).toEqual({ data: [expect.objectContaining({ version: 1, change: "created" })], nextCursor: null });
    const other = await createPipeline("other");
    expect((await call("GET", `/v1/workspaces/default/pipelines/${other.id}/revisions?cursor=${first.body.nextCursor}`)).status).toBe(400);
    expect((await call("GET", `/v1/workspaces/default/pipelines/${created.id}/revisions?limit=0`)).status).toBe(400);
    expect((await call("GET", `/v1/workspaces/default/pipelines/${created.id}/revisions?page=2`)).status).toBe(400);
    expect((await call("GET", "/v1/workspaces/default/pipelines/01JD3ZK5Q8W7V6T5S4R3P2N1M0/revisions")).status).toBe(404);
  });

  it("gives one revision as the pipeline was answered at that version, and 404 for one that never existed", async () => {
    const { created, replaced } = await history();
    const one = await call("GET", `/v1/workspaces/default/pipelines/${created.id}/revisions/1`);
    expect(one.status).toBe(200);
    expect(one.body.pipeline).toEqual(created);
    expect((await call("GET", `/v1/workspaces/default/pipelines/${created.id}/revisions/2`)).body.pipeline).toEqual(replaced);
    const requestId = "history-request-1";
    await call("POST", `/v1/workspaces/default/pipelines/${created.id}/archive`, { headers: { "X-Request-Id": requestId } });
    expect((await call("GET", `/v1/workspaces/default/pipelines/${created.id}/revisions/4`)).body).toMatchObject({
      change: "archived",
      requestId,
    });
    for (const version of ["5", "0", "x", "99999999999"]) {
      expect((await call("GET", `/v1/workspaces/default/pipelines/${created.id}/revisions/${version}`)).status, version).toBe(404);
    }
  });

  it("diffs two versions either way as JSON Patch that turns one's content into the other's", async () => {
    const { created, replaced, patched } = await history();
    const pairs: [Pipeline, Pipeline, number, number][] = [
      [created, replaced, 1, 2],
      [replaced, created, 2, 1],
      [created, patched, 1, 3],
      [patched, created, 3, 1],
      [patched, patched, 3, 3],
    ];
    for (const [from, to, a, b] of pairs) {
      const reply = await call("GET", `/v1/workspaces/default/pipelines/${created.id}/diff?from=${a}&to=${b}`);
      expect(reply.status).toBe(200);
      expect(reply.body.from).toBe(a);
      expect(reply.body.to).toBe(b);
      expect(apply(from, reply.body.operations), `${a}→${b}`).toEqual(content(to));
    }
    expect((await call("GET", `/v1/workspaces/default/pipelines/${created.id}/diff?from=3&to=3`)).body.operations).toEqual([]);
    expect((await call("GET", `/v1/workspaces/default/pipelines/${created.id}/diff?from=1&to=9`)).status).toBe(404);
    expect((await call("GET", `/v1/workspaces/default/pipelines/${created.id}/diff?from=1`)).status).toBe(400);
    expect((await call("GET", `/v1/workspaces/default/pipelines/${created.id}/diff?from=a&to=1`)).status).toBe(400);
  });

  it("rolls back with PUT's rules: ETag, If-Match, 409 archived or name taken, 404 unknown version, 400 bad body", async () => {
    const { created } = await history();
    expect(
      (
        await call("POST", `/v1/workspaces/default/pipelines/${created.id}/rollback`, {
          body: { version: 1 },
          headers: { "If-Match": '"2"' },
        })
      ).status,
    ).toBe(412);
    const back = await call("POST", `/v1/workspaces/default/pipelines/${created.id}/rollback`, {
      body: { version: 1 },
      headers: { "If-Match": '"3"' },
    });
    expect(back.status).toBe(200);
    expect(back.headers.get("ETag")).toBe('"4"');
    expect(content(back.body)).toEqual(content(created));
    expect(back.body.stages.map((s: { createdAt: string }) => s.createdAt)).toEqual(
      created.stages.map((s: { createdAt: string }) => s.createdAt),
    );
    expect((await call("GET", `/v1/workspaces/default/pipelines/${created.id}/revisions/4`)).body).toMatchObject({
      change: "rolledBack",
      pipeline: back.body,
    });
    expect((await call("POST", `/v1/workspaces/default/pipelines/${created.id}/rollback`, { body: { version: 9 } })).status).toBe(404);
    for (const body of [{}, { version: 0 }, { version: "1" }, { version: 1, extra: true }]) {
      expect((await call("POST", `/v1/workspaces/default/pipelines/${created.id}/rollback`, { body })).status, JSON.stringify(body)).toBe(
        400,
      );
    }
    await call("PATCH", `/v1/workspaces/default/pipelines/${created.id}`, { body: { name: "moved" } });
    await createPipeline("walk");
    expect((await call("POST", `/v1/workspaces/default/pipelines/${created.id}/rollback`, { body: { version: 1 } })).status).toBe(409);
    await call("POST", `/v1/workspaces/default/pipelines/${created.id}/archive`);
    expect((await call("POST", `/v1/workspaces/default/pipelines/${created.id}/rollback`, { body: { version: 5 } })).status).toBe(409);
  });

  it("deletes the revisions with their pipeline", async () => {
    const { created } = await history();
    await call("DELETE", `/v1/workspaces/default/pipelines/${created.id}`);
    const [rows] = await sqlRows<{ n: number }>("SELECT count(*) AS n FROM pipeline_revisions WHERE pipeline_id = ?", created.id);
    expect(rows?.n).toBe(0);
    expect((await call("GET", `/v1/workspaces/default/pipelines/${created.id}/revisions/1`)).status).toBe(404);
  });
});

describe("audit log", () => {
  it("lists every change through the API, newest first, with actor, request id and version", async () => {
    const key = await call("POST", "/v1/workspaces/default/api-keys", { body: { name: "writer", scopes: ["write"] } });
    const pipeline = await call("POST", "/v1/workspaces/default/pipelines", {
      token: key.body.key,
      body: pipelineBody("audited"),
      headers: { "X-Request-Id": "req-1" },
    });
    await call("PUT", `/v1/workspaces/default/pipelines/${pipeline.body.id}/metrics`, { token: key.body.key, body: metricsBody() });
    await call("DELETE", `/v1/workspaces/default/pipelines/${pipeline.body.id}`);
    await call("DELETE", `/v1/workspaces/default/api-keys/${key.body.id}`);
    await call("DELETE", `/v1/workspaces/default/api-keys/${key.body.id}`);
    const events = await call("GET", "/v1/workspaces/default/audit-events");
    expect(events.status).toBe(200);
    const keyActor = { type: "apiKey", id: key.body.id };
    const admin = { type: "admin", id: null };
    expect(events.body.data.map(({ id: _, at: __, requestId: ___, ...event }: Record<string, unknown>) => event)).toEqual([
      { action: "apiKey.revoked", actor: admin, resource: { type: "apiKey", id: key.body.id }, version: null },
      { action: "pipeline.deleted", actor: admin, resource: { type: "pipeline", id: pipeline.body.id }, version: null },
      { action: "pipeline.metricsRecorded", actor: keyActor, resource: { type: "pipeline", id: pipeline.body.id }, version: 1 },
      { action: "pipeline.created", actor: keyActor, resource: { type: "pipeline", id: pipeline.body.id }, version: 1 },
      { action: "apiKey.created", actor: admin, resource: { type: "apiKey", id: key.body.id }, version: null },
    ]);
    expect(events.body.data[3].requestId).toBe("req-1");
    const byActor = await call("GET", `/v1/workspaces/default/audit-events?actorId=${key.body.id}&limit=1`);
    expect(byActor.body.data.map((e: { action: string }) => e.action)).toEqual(["pipeline.metricsRecorded"]);
    const next = await call("GET", `/v1/workspaces/default/audit-events?actorId=${key.body.id}&limit=1&cursor=${byActor.body.nextCursor}`);
    expect(next.body).toEqual({ data: [expect.objectContaining({ action: "pipeline.created" })], nextCursor: null });
    expect((await call("GET", `/v1/workspaces/default/audit-events?action=pipeline.deleted`)).body.data).toHaveLength(1);
    expect((await call("GET", `/v1/workspaces/default/audit-events?resourceId=${key.body.id}`)).body.data).toHaveLength(2);
    expect((await call("GET", `/v1/workspaces/default/audit-events?limit=1&cursor=${byActor.body.nextCursor}`)).status).toBe(400);
    expect((await call("GET", "/v1/workspaces/default/audit-events?action=pipeline.exploded")).status).toBe(400);
    expect((await call("GET", "/v1/workspaces/default/audit-events?who=me")).status).toBe(400);
  });

  it("is for admins only", async () => {
    const key = await call("POST", "/v1/workspaces/default/api-keys", { body: { name: "writer", scopes: ["write"] } });
    expect((await call("GET", "/v1/workspaces/default/audit-events", { token: key.body.key })).status).toBe(403);
    expect((await call("GET", "/v1/workspaces/default/audit-events", { token: null })).status).toBe(401);
  });

  it("records archive runs with the revisions and events of what they archived", async () => {
    const { created } = await history();
    const run = await call("POST", "/v1/workspaces/default/archive-runs", { body: { olderThanDays: 1 } });
    expect(run.body.status).toBe("succeeded");
    const events = (await call("GET", `/v1/workspaces/default/audit-events?resourceId=${run.body.id}`)).body.data;
    expect(events).toEqual([expect.objectContaining({ action: "archiveRun.finished", actor: { type: "admin", id: null }, version: null })]);
    expect((await call("GET", `/v1/workspaces/default/pipelines/${created.id}/revisions?limit=1`)).body.data[0].change).toBe("patched");
  });
});
