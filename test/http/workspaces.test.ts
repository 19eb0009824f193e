import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { createApp } from "../../src/http/app";
import { d1Rows, onPostgres, resetDatabase, sqlRows, workspaceDatabase } from "../support/backend";
import { call, callWith, pipelineBody } from "../support/http";
import { expectConsistentDatabase } from "../support/invariants";
import { receiverUrl, runQueue } from "../support/webhooks";
import { createKey, createWorkspace, dumpWorkspace, path, populate } from "../support/workspaces";

/** Rows of the database that holds `workspace` (its own object on Durable Objects). */
const rowsOf = (workspace: string, text: string, ...params: unknown[]) =>
  onPostgres
    ? sqlRows<Record<string, string>>(text, ...params)
    : d1Rows<Record<string, string>>(workspaceDatabase(workspace), text, ...params);

beforeEach(() => resetDatabase());

describe("the operator's workspaces", () => {
  it("creates, lists by id in pages, reads with its pipeline count, and refuses a taken or malformed id", async () => {
    const created = await call("POST", "/v1/workspaces", { body: { id: "data-platform", displayName: "Data platform" } });
    expect(created.status).toBe(201);
    expect(created.headers.get("Location")).toBe("/v1/workspaces/data-platform");
    expect(created.body).toEqual({ id: "data-platform", displayName: "Data platform", createdAt: expect.any(String) });
    expect((await call("POST", "/v1/workspaces", { body: { id: "data-platform" } })).status).toBe(409);
    for (const id of ["Data", "-a", "a-", "a_b", "a".repeat(64), ""]) {
      const refused = await call("POST", "/v1/workspaces", { body: { id } });
      expect({ id, status: refused.status, path: refused.body.errors?.[0]?.path }).toEqual({ id, status: 400, path: "/id" });
    }
    for (const id of ["t", "team-7", "b2"]) await createWorkspace(id);
    const first = await call("GET", "/v1/workspaces?limit=2");
    expect(first.body.data.map((w: { id: string }) => w.id)).toEqual(["b2", "data-platform"]);
    const second = await call("GET", `/v1/workspaces?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.data.map((w: { id: string }) => w.id)).toEqual(["default", "t"]);
    const third = await call("GET", `/v1/workspaces?limit=2&cursor=${second.body.nextCursor}`);
    expect(third.body).toEqual({ data: [expect.objectContaining({ id: "team-7", displayName: "team-7" })], nextCursor: null });
    expect((await call("GET", "/v1/workspaces?cursor=bm9wZQ")).status).toBe(400);
    await call("POST", path("t", "/pipelines"), { body: pipelineBody("one") });
    expect((await call("GET", "/v1/workspaces/t")).body).toMatchObject({ id: "t", pipelineCount: 1 });
  });

  it("lets a key read its own workspace, and keeps the operator's routes to the operator", async () => {
    await createWorkspace("team-a");
    const { key } = await createKey("team-a", ["read"]);
    const admin = await createKey("team-a", ["admin"]);
    expect((await call("GET", "/v1/workspaces/team-a", { token: key })).body).toMatchObject({ id: "team-a", pipelineCount: 0 });
    for (const [method, url] of [
      ["GET", "/v1/workspaces"],
      ["POST", "/v1/workspaces"],
      ["DELETE", "/v1/workspaces/team-a"],
    ] as const) {
      const reply = await call(method, url, { token: admin.key, body: method === "POST" ? { id: "mine" } : undefined });
      expect({ method, url, status: reply.status }).toEqual({ method, url, status: 403 });
    }
  });
});

describe("a key of another workspace", () => {
  it("gets exactly the 404 of a workspace that does not exist, on every path, with no header that differs", async () => {
    await createWorkspace("team-a");
    await createWorkspace("team-b");
    const { key } = await createKey("team-a", ["admin"]);
    const pipeline = (await call("POST", path("team-b", "/pipelines"), { body: pipelineBody("b-only") })).body;
    for (const rest of ["", "/pipelines", `/pipelines/${pipeline.id}`, "/pipelines/count", "/api-keys", "/audit-events", "/archive-runs"]) {
      const [other, missing] = await Promise.all([
        call("GET", path("team-b", rest), { token: key }),
        call("GET", path("nowhere", rest), { token: key }),
      ]);
      expect(other.status, rest).toBe(404);
      const shape = (reply: typeof other) => ({
        status: reply.status,
        type: reply.body.type,
        title: reply.body.title,
        detail: reply.body.detail,
        headers: [...reply.headers.keys()].sort(),
      });
      expect(shape(other), rest).toEqual(shape(missing));
    }
    const write = await call("PATCH", path("team-b", `/pipelines/${pipeline.id}`), { token: key, body: { name: "taken-over" } });
    expect(write.status).toBe(404);
    expect((await call("GET", path("team-b", `/pipelines/${pipeline.id}`))).body.name).toBe("b-only");
  });

  it("an unknown workspace is a 404 before a bad body or query, for the operator too", async () => {
    expect((await call("POST", path("nowhere", "/pipelines"), { body: { name: "" } })).status).toBe(404);
    expect((await call("GET", path("nowhere", "/pipelines?limit=0"))).status).toBe(404);
    expect((await call("GET", path("nowhere", "/pipelines"))).body.type).toBe("urn:pipeline-registry:problem:not-found");
  });
});

describe("two workspaces", () => {
  it("keep the same names and idempotency keys apart, count and list only their own, and refuse each other's cursors", async () => {
    await createWorkspace("team-a");
    await createWorkspace("team-b");
    const a = await populate("team-a");
    const b = await populate("team-b");
    expect(a.pipelineId).not.toBe(b.pipelineId);
    for (const [workspace, own] of [
      ["team-a", a],
      ["team-b", b],
    ] as const) {
      const listed = await call("GET", path(workspace, "/pipelines?archived=all"));
      expect(listed.body.data.map((p: { name: string }) => p.name).sort()).toEqual(["nightly-backup", "second"]);
      expect(listed.text).not.toContain(own === a ? b.pipelineId : a.pipelineId);
      expect((await call("GET", path(workspace, "/pipelines/count?archived=all"))).body.count).toBe(2);
      const events = await call("GET", path(workspace, "/audit-events?limit=100"));
      expect(events.text).not.toContain(own === a ? b.pipelineId : a.pipelineId);
    }
    for (const [name, cursor] of Object.entries(b.cursors)) {
      const rest = {
        pipelines: "/pipelines?limit=1&cursor=",
        events: "/audit-events?limit=1&cursor=",
        revisions: `/pipelines/${a.pipelineId}/revisions?limit=1&cursor=`,
        metricsHistory: `/pipelines/${a.pipelineId}/metrics/history?limit=1&cursor=`,
        changes: "/events?limit=1&after=",
      }[name];
      const reply = await call("GET", path("team-a", `${rest}${cursor}`));
      expect({ name, status: reply.status }).toEqual({ name, status: 400 });
    }
  });

  it("are held to WORKSPACE_MAX_PIPELINES each, archived ones counted, and a refused import writes nothing", async () => {
    await createWorkspace("team-a");
    const small = (request: Request) => createApp().fetch(request, { ...env, WORKSPACE_MAX_PIPELINES: "2" }, undefined as never);
    const send = (rest: string, body: unknown) => callWith(small, "POST", path("team-a", rest), { body });
    const first = await send("/pipelines", pipelineBody("one"));
    expect((await callWith(small, "POST", path("team-a", `/pipelines/${first.body.id}/archive`))).status).toBe(200);
    const over = await send("/pipelines/import", { pipelines: [pipelineBody("two"), pipelineBody("three")] });
    expect(over.status).toBe(409);
    expect(over.body.type).toBe("urn:pipeline-registry:problem:conflict/quota-exceeded");
    expect((await send("/pipelines", pipelineBody("two"))).status).toBe(201);
    expect((await send("/pipelines", pipelineBody("three"))).status).toBe(409);
    // Another workspace has a quota of its own.
    expect((await callWith(small, "POST", path("default", "/pipelines"), { body: pipelineBody("three") })).status).toBe(201);
    expect((await call("GET", path("team-a", "/pipelines/count?archived=all"))).body.count).toBe(2);
  });

  it("let no two racing imports pass the quota together", async () => {
    await createWorkspace("team-c");
    const small = (request: Request) => createApp().fetch(request, { ...env, WORKSPACE_MAX_PIPELINES: "5" }, undefined as never);
    const imports = await Promise.all(
      [0, 1, 2, 3].map((i) =>
        callWith(small, "POST", path("team-c", "/pipelines/import"), {
          body: { pipelines: [pipelineBody(`r${i}-a`), pipelineBody(`r${i}-b`)] },
        }),
      ),
    );
    expect(imports.map((reply) => reply.status).sort()).toEqual([201, 201, 409, 409]);
    expect((await call("GET", path("team-c", "/pipelines/count?archived=all"))).body.count).toBe(4);
  });
});

describe("deleting a workspace", () => {
  it("removes every row it owns, refuses its keys at once, and frees its id for a workspace that sees nothing of the old", async () => {
    await createWorkspace("team-a");
    await createWorkspace("team-b");
    const a = await populate("team-a");
    await populate("team-b");
    // A webhook endpoint of team-a with an outbox row and a delivery attempt.
    const hook = (await call("POST", path("team-a", "/webhooks"), { body: { url: receiverUrl().url } })).body;
    expect((await call("POST", path("team-a", "/pipelines"), { body: pipelineBody("hooked") })).status).toBe(201);
    const [row] = await rowsOf("team-a", "SELECT event_id FROM webhook_outbox WHERE endpoint_id = ?", hook.id);
    await runQueue([{ body: { workspace: "team-a", endpoint: hook.id, event: row?.event_id ?? "" }, attempts: 1 }]);
    expect(await rowsOf("team-a", "SELECT 1 FROM webhook_deliveries WHERE workspace = 'team-a'")).not.toEqual([]);
    const before = await dumpWorkspace("team-b");
    expect((await call("DELETE", "/v1/workspaces/team-a")).status).toBe(204);
    // Its keys are gone with it: refused as any unknown key is.
    expect((await call("GET", path("team-a", "/pipelines"), { token: a.key.key })).status).toBe(401);
    expect((await call("GET", "/v1/workspaces/team-a")).status).toBe(404);
    expect((await call("DELETE", "/v1/workspaces/team-a")).status).toBe(404);
    for (const table of [
      "pipelines",
      "api_keys",
      "audit_events",
      "change_events",
      "change_feeds",
      "idempotency_keys",
      "archive_runs",
      "pipeline_counts",
      "webhook_endpoints",
      "webhook_outbox",
      "webhook_deliveries",
    ]) {
      expect(await sqlRows(`SELECT * FROM ${table} WHERE workspace = 'team-a'`), table).toEqual([]);
    }
    // Rows that carry their workspace through their pipeline go with it.
    for (const table of ["metrics_history"]) {
      expect(await sqlRows(`SELECT * FROM ${table} WHERE pipeline_id = ?`, a.pipelineId), table).toEqual([]);
    }
    expect(await sqlRows("SELECT * FROM workspaces WHERE id = 'team-a'")).toEqual([]);
    expect(await dumpWorkspace("team-b")).toEqual(before);
    await createWorkspace("team-a");
    expect((await call("GET", "/v1/workspaces/team-a")).body.pipelineCount).toBe(0);
    expect((await call("GET", path("team-a", "/audit-events"))).body.data).toEqual([]);
    expect((await call("GET", path("team-a", "/events"))).body.data).toEqual([]);
    expect((await call("GET", path("team-a", "/api-keys"))).body.data).toEqual([]);
    expect((await call("GET", path("team-a", `/pipelines/${a.pipelineId}`))).status).toBe(404);
    // The old key stays refused in the new workspace of the same id.
    expect((await call("GET", path("team-a", "/pipelines"), { token: a.key.key })).status).toBe(401);
  });

  it("races its keys' writes: once DELETE has answered, none commits, and nothing of the workspace is left", async () => {
    await createWorkspace("racing");
    const { key } = await createKey("racing", ["write"]);
    let committed = false;
    const writes = Array.from({ length: 40 }, async (_, i) => {
      const reply = await call("POST", path("racing", "/pipelines"), { token: key, body: pipelineBody(`w${i}`) });
      if (reply.status === 201) committed = true;
      return reply;
    });
    while (!committed) await new Promise((resolve) => setTimeout(resolve, 1));
    expect((await call("DELETE", "/v1/workspaces/racing")).status).toBe(204);
    // A write answered after the DELETE may have committed before it; whatever committed, nothing is left.
    await Promise.all(writes);
    expect((await call("POST", path("racing", "/pipelines"), { token: key, body: pipelineBody("late") })).status).toBe(401);
    for (const table of ["pipelines", "api_keys", "audit_events", "change_events", "idempotency_keys", "archive_runs"]) {
      expect(await sqlRows(`SELECT * FROM ${table} WHERE workspace = 'racing'`), table).toEqual([]);
    }
    await expectConsistentDatabase();
  });
});
