import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { createApp } from "../../src/http/app";
import { readStorageSettings, SettingsError } from "../../src/settings";
import { resetDatabase, sqlRows } from "../support/backend";
import { call, callWith, createPipeline, metricsBody } from "../support/http";
import { createKey, createWorkspace, path } from "../support/workspaces";

/** GET /pipelines/{id}/metrics/history (docs/usage.md, "Metrics") over HTTP. */

beforeEach(() => resetDatabase());

const of = (id: string, rest = "") => `/v1/workspaces/default/pipelines/${id}/metrics${rest}`;

/** PUTs `count` metrics through `send`, each with its own `errorCount`; the answers, oldest first. */
async function record(id: string, count: number, send: typeof call = call) {
  const answered = [];
  for (let i = 0; i < count; i++) {
    const put = await send("PUT", of(id), { body: metricsBody({ errorCount: i }) });
    expect(put.status, put.text).toBe(200);
    answered.push(put.body);
  }
  return answered;
}

describe("the metrics history", () => {
  it("lists every PUT's answer newest first, paged with a cursor and a Link to the next page", async () => {
    const { id } = await createPipeline("recorded");
    const answered = await record(id, 3);
    const first = await call("GET", of(id, "/history?limit=2"));
    expect(first.status).toBe(200);
    expect(first.body.data).toEqual([answered[2], answered[1]]);
    expect(first.headers.get("Link")).toContain(`cursor=${first.body.nextCursor}`);
    const rest = await call("GET", of(id, `/history?limit=2&cursor=${first.body.nextCursor}`));
    expect(rest.body).toEqual({ data: [answered[0]], nextCursor: null });
    expect(rest.headers.get("Link")).toBeNull();
    // GET /metrics is the newest of the history.
    expect((await call("GET", of(id))).body).toEqual(answered[2]);
  });

  it("keeps the newest METRICS_KEEP, pruned by the PUT that adds one", async () => {
    const keepTwo = (request: Request) => createApp().fetch(request, { ...env, METRICS_KEEP: "2" }, undefined as never);
    const send: typeof call = (method, target, options) => callWith(keepTwo, method, target, options);
    const { id } = await createPipeline("pruned");
    const answered = await record(id, 4, send);
    expect((await call("GET", of(id, "/history"))).body).toEqual({ data: [answered[3], answered[2]], nextCursor: null });
    expect(await sqlRows("SELECT seq FROM metrics_history WHERE pipeline_id = ?", id)).toHaveLength(2);
  });

  it("answers an empty page before any metrics are recorded, and is readable with a read key", async () => {
    const { id } = await createPipeline("quiet");
    const { key } = await createKey("default", ["read"]);
    const reply = await call("GET", of(id, "/history"), { token: key });
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ data: [], nextCursor: null });
  });

  it("is a 404 for an unknown pipeline, a deleted one and another workspace's, and deleted with its pipeline", async () => {
    expect((await call("GET", of("01JD3ZK5Q8W7V6T5S4R3P2N1ZZ", "/history"))).status).toBe(404);
    const { id } = await createPipeline("deleted");
    await record(id, 2);
    await createWorkspace("team-b");
    expect((await call("GET", path("team-b", `/pipelines/${id}/metrics/history`))).status).toBe(404);
    expect((await call("DELETE", `/v1/workspaces/default/pipelines/${id}`)).status).toBe(204);
    expect((await call("GET", of(id, "/history"))).status).toBe(404);
    expect(await sqlRows("SELECT seq FROM metrics_history WHERE pipeline_id = ?", id)).toEqual([]);
  });

  it("refuses a bad limit, an unknown parameter, an edited cursor and the cursor of another listing with a 400", async () => {
    const { id } = await createPipeline("strict");
    await record(id, 2);
    for (let i = 0; i < 2; i++) {
      expect((await call("PATCH", `/v1/workspaces/default/pipelines/${id}`, { body: { configuration: { n: `${i}` } } })).status).toBe(200);
    }
    const revisions = await call("GET", `/v1/workspaces/default/pipelines/${id}/revisions?limit=1`);
    const other = await createPipeline("other");
    await record(other.id, 2);
    const otherCursor = (await call("GET", of(other.id, "/history?limit=1"))).body.nextCursor;
    for (const query of [
      "limit=0",
      "limit=101",
      "sort=name",
      "cursor=not-a-cursor",
      `cursor=${revisions.body.nextCursor}`,
      `cursor=${otherCursor}`,
    ]) {
      expect({ query, status: (await call("GET", of(id, `/history?${query}`))).status }).toEqual({ query, status: 400 });
    }
  });
});

describe("METRICS_KEEP", () => {
  it("is 1000 when unset or empty, and a whole number from 1 to 100000 otherwise, an error naming it if not", () => {
    expect(readStorageSettings({}).metricsKeep).toBe(1000);
    expect(readStorageSettings({ METRICS_KEEP: "" }).metricsKeep).toBe(1000);
    expect(readStorageSettings({ METRICS_KEEP: "7" }).metricsKeep).toBe(7);
    for (const bad of ["0", "100001", "-1", "1.5", "1e3", "abc"]) {
      expect(() => readStorageSettings({ METRICS_KEEP: bad }), bad).toThrow(SettingsError);
      expect(() => readStorageSettings({ METRICS_KEEP: bad }), bad).toThrow(/METRICS_KEEP/);
    }
  });
});
