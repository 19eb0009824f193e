import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { openStorage } from "../../src/storage/open-storage";
import { onPostgres, resetDatabase, sqlRows } from "../support/backend";
import { expectFeedMatchesChanges, readAuditLog, readFeed } from "../support/feed";
import { call, createPipeline, metricsBody, pipelineBody } from "../support/http";
import { createKey, createWorkspace, path } from "../support/workspaces";

/** docs/events.md over HTTP, on D1 and on PostgreSQL: the feed, its cursors, wait, retention. */

const EVENTS = "/v1/workspaces/default/events";
const pipelinePath = (id: string, rest = "") => `/v1/workspaces/default/pipelines/${id}${rest}`;

beforeEach(() => resetDatabase());

describe("every change, and only a change, makes one change event", () => {
  it("each write of the API and the archive job: its type and version, and the pipeline as GET answers it after the change", async () => {
    const a = await createPipeline("a");
    const imported = await call("POST", "/v1/workspaces/default/pipelines/import", {
      body: { pipelines: [pipelineBody("i1"), pipelineBody("i2")] },
    });
    expect(imported.status).toBe(201);
    const writes: [string, string, object][] = [
      ["PUT", pipelinePath(a.id), { body: pipelineBody("a-2"), headers: { "If-Match": '"1"' } }],
      ["PATCH", pipelinePath(a.id), { body: { configuration: { x: "y" } } }],
      ["PUT", pipelinePath(a.id, "/metrics"), { body: metricsBody() }],
      ["POST", pipelinePath(a.id, "/archive"), {}],
      ["POST", pipelinePath(a.id, "/restore"), {}],
      ["POST", pipelinePath(a.id, "/rollback"), { body: { version: 1 } }],
    ];
    for (const [method, url, options] of writes) expect((await call(method, url, options)).status).toBeLessThan(300);
    const gone = imported.body.data[1].id;
    expect((await call("DELETE", pipelinePath(gone))).status).toBe(204);
    // The archive job's archive of a stale pipeline is an event too.
    expect((await call("POST", "/v1/workspaces/default/archive-runs", { body: { olderThanDays: 0 } })).status).toBe(200);
    const events = await expectFeedMatchesChanges();
    expect(events.map((event) => [event.type, event.resource.id, event.version])).toEqual([
      ["pipeline.created", a.id, 1],
      ...[...imported.body.data]
        .sort((x: { id: string }, y: { id: string }) => (x.id < y.id ? -1 : 1))
        .map((p: { id: string }) => ["pipeline.created", p.id, 1]),
      ["pipeline.replaced", a.id, 2],
      ["pipeline.patched", a.id, 3],
      ["pipeline.metricsRecorded", a.id, 3],
      ["pipeline.archived", a.id, 4],
      ["pipeline.restored", a.id, 5],
      ["pipeline.rolledBack", a.id, 6],
      ["pipeline.deleted", gone, null],
      // Of a, at version 6, and of the imported pipeline left, at version 1.
      ...[a.id, imported.body.data[0].id].sort().map((id) => ["pipeline.archived", id, id === a.id ? 7 : 2]),
    ]);
    expect(events.find((event) => event.type === "pipeline.rolledBack")?.pipeline?.name).toBe("a");
  });

  it("none for a refused write (412, 409, 404, 400, 403, a guard) or one that changes nothing", async () => {
    const a = await createPipeline("a");
    await createPipeline("b");
    const reader = await createKey("default", ["read"]);
    const { cursor } = await readFeed();
    const refused: [string, string, object, number][] = [
      ["PUT", pipelinePath(a.id), { body: pipelineBody("x"), headers: { "If-Match": '"9"' } }, 412],
      ["DELETE", pipelinePath(a.id), { headers: { "If-Match": '"9"' } }, 412],
      ["PATCH", pipelinePath(a.id), { body: { name: "b" } }, 409],
      ["POST", "/v1/workspaces/default/pipelines", { body: pipelineBody("b") }, 409],
      ["POST", "/v1/workspaces/default/pipelines/import", { body: { pipelines: [pipelineBody("c"), pipelineBody("b")] } }, 409],
      ["DELETE", pipelinePath("01JD3ZK5Q8W7V6T5S4R3P2N1M0"), {}, 404],
      ["POST", pipelinePath(a.id, "/rollback"), { body: { version: 7 } }, 404],
      [
        "PATCH",
        pipelinePath(a.id),
        { body: { configuration: Object.fromEntries(Array.from({ length: 70 }, (_, i) => [`k${i}`, "v"])) } },
        400,
      ],
      ["PATCH", pipelinePath(a.id), { body: { name: "z" }, token: reader.key }, 403],
      ["POST", pipelinePath(a.id, "/restore"), {}, 200],
    ];
    for (const [method, url, options, status] of refused) {
      const reply = await call(method, url, options);
      expect({ method, url, status: reply.status }).toEqual({ method, url, status });
    }
    expect((await call("POST", pipelinePath(a.id, "/archive"))).status).toBe(200);
    expect((await call("POST", pipelinePath(a.id, "/archive"))).status).toBe(200);
    expect((await call("PUT", pipelinePath(a.id, "/metrics"), { body: metricsBody() })).status).toBe(409);
    const { events } = await readFeed("default", { after: cursor });
    expect(events.map((event) => event.type)).toEqual(["pipeline.archived"]);
    await expectFeedMatchesChanges();
  });
});

describe("the feed", () => {
  it("pages oldest first with a cursor that is never null, keeps its place on an empty page, and filters", async () => {
    const empty = await call("GET", EVENTS);
    expect(empty.body.data).toEqual([]);
    expect(typeof empty.body.nextCursor).toBe("string");
    const again = await call("GET", `${EVENTS}?after=${empty.body.nextCursor}`);
    expect(again.body).toEqual(empty.body);
    const a = await createPipeline("a");
    const b = await createPipeline("b");
    await call("PATCH", pipelinePath(a.id), { body: { configuration: { k: "v" } } });
    const first = await call("GET", `${EVENTS}?after=${empty.body.nextCursor}&limit=2`);
    expect(first.body.data.map((e: { type: string; resource: { id: string } }) => [e.type, e.resource.id])).toEqual([
      ["pipeline.created", a.id],
      ["pipeline.created", b.id],
    ]);
    const rest = await call("GET", `${EVENTS}?after=${first.body.nextCursor}`);
    expect(rest.body.data.map((e: { type: string }) => e.type)).toEqual(["pipeline.patched"]);
    const end = await call("GET", `${EVENTS}?after=${rest.body.nextCursor}`);
    expect(end.body).toEqual({ data: [], nextCursor: rest.body.nextCursor });
    expect((await readFeed("default", { limit: 1 })).events).toEqual([...first.body.data, ...rest.body.data]);
    const ofA = await call("GET", `${EVENTS}?resourceId=${a.id}&type=pipeline.patched`);
    expect(ofA.body.data).toEqual(rest.body.data);
    // A cursor is a position, whatever the filters it was taken with.
    expect((await call("GET", `${EVENTS}?after=${ofA.body.nextCursor}`)).body).toEqual(end.body);
  });

  it("is read with the read scope, and refuses bad parameters and cursors of another workspace or of no issue", async () => {
    const reader = await createKey("default", ["read"]);
    await createPipeline("a");
    expect((await call("GET", EVENTS, { token: reader.key })).body.data).toHaveLength(1);
    await createWorkspace("other");
    const theirs = (await call("GET", path("other", "/events"))).body.nextCursor;
    for (const query of [
      "type=apiKey.created",
      "limit=0",
      "limit=101",
      "wait=31",
      "wait=-1",
      "wait=1.5",
      "after=x",
      `after=${theirs}`,
      "at=1",
    ]) {
      const reply = await call("GET", `${EVENTS}?${query}`);
      expect({ query, status: reply.status }).toEqual({ query, status: 400 });
    }
  });

  it("answers 410 for a cursor older than what is kept, after retention pruned past it, and starts again without one", async () => {
    const { cursor } = await readFeed();
    const a = await createPipeline("a");
    const { cursor: afterCreate } = await readFeed();
    await call("PATCH", pipelinePath(a.id), { body: { configuration: { k: "v" } } });
    // The creation's events are older than AUDIT_RETENTION_DAYS (365): the next archive run prunes them.
    const aged = onPostgres ? "at - interval '400 days'" : "at - 400 * 86400000";
    await sqlRows(`UPDATE change_events SET at = ${aged} WHERE type = 'pipeline.created'`);
    await sqlRows(`UPDATE audit_events SET at = ${aged} WHERE action = 'pipeline.created'`);
    expect((await call("POST", "/v1/workspaces/default/archive-runs", { body: {} })).status).toBe(200);
    const expired = await call("GET", `${EVENTS}?after=${cursor}`);
    expect(expired.status).toBe(410);
    expect(expired.body.type).toBe("urn:pipeline-registry:problem:cursor-expired");
    // The position after the pruned event missed nothing: it goes on.
    expect((await call("GET", `${EVENTS}?after=${afterCreate}`)).body.data.map((e: { type: string }) => e.type)).toEqual([
      "pipeline.patched",
    ]);
    const restart = await readFeed();
    expect(restart.events.map((e) => e.type)).toEqual(["pipeline.patched"]);
    expect((await call("GET", `${EVENTS}?after=${restart.cursor}`)).status).toBe(200);
  });
});

describe("retention everywhere (the cron run's pruning, in every workspace at once)", () => {
  it("prunes every live workspace's change events with the audit log's, each feed keeping its watermark", async () => {
    await createWorkspace("other");
    const empty = (await call("GET", path("other", "/events"))).body.nextCursor;
    await createPipeline("a");
    await call("POST", path("other", "/pipelines"), { body: pipelineBody("b") });
    const before = { default: (await readFeed()).cursor, other: (await readFeed("other")).cursor };
    const store = openStorage(env, { readOnly: false, revisionsKeep: 100 });
    try {
      await store.storage.workspaces.pruneAuditEvents(new Date(Date.now() + 60_000).toISOString());
    } finally {
      await store.close?.();
    }
    for (const workspace of ["default", "other"] as const) {
      // The position after the pruned events missed nothing; the start of the feed is now after them.
      expect((await call("GET", path(workspace, `/events?after=${before[workspace]}`))).body.data).toEqual([]);
      const restart = await call("GET", path(workspace, "/events"));
      expect(restart.body).toEqual({ data: [], nextCursor: before[workspace] });
    }
    expect((await call("GET", path("other", `/events?after=${empty}`))).status).toBe(410);
    expect(await readAuditLog()).toEqual([]);
    const later = await createPipeline("later");
    expect((await readFeed("default", { after: before.default })).events.map((e) => e.resource.id)).toEqual([later.id]);
  });
});

describe("wait", () => {
  it("answers an idle wait with an empty page and the cursor it was sent", async () => {
    await createPipeline("a");
    const { cursor } = await readFeed();
    const reply = await call("GET", `${EVENTS}?after=${cursor}&wait=1`);
    expect(reply.body).toEqual({ data: [], nextCursor: cursor });
  });

  it("answers with the event a write commits while it waits", async () => {
    const { cursor } = await readFeed();
    const waiting = call("GET", `${EVENTS}?after=${cursor}&wait=20`);
    const created = await createPipeline("during the wait");
    const reply = await waiting;
    expect(reply.status).toBe(200);
    expect(reply.body.data.map((e: { resource: { id: string } }) => e.resource.id)).toEqual([created.id]);
    expect(reply.body.data[0].pipeline).toEqual(created);
  });
});
