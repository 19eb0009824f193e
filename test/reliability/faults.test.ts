import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Pipeline } from "../../src/domain/pipeline";
import type { PipelineRepository } from "../../src/domain/repository";
import { createApp } from "../../src/http/app";
import { resetDatabase } from "../support/backend";
import { type Dump, dumpDatabase, rowCounts } from "../support/dump";
import { type Fault, faultyD1, INJECTED_MESSAGE } from "../support/faulty-d1";
import { type CallOptions, call, callWith, createPipeline, metricsBody, type Reply, stage } from "../support/http";

/**
 * Faults. Every multi-statement write runs over a D1 binding that fails its batch at each
 * position in turn (a statement replaced by one that fails when it runs, or a constraint
 * violation right after a statement that has run), and the database must be byte for byte
 * what it was: the batch left no trace. Then exceptions thrown mid-request (the binding
 * throwing before it sends, prepare() throwing while the write is put together, a repository
 * throwing after its write) must give a 500 problem+json with the request id, no stack or
 * SQL, and no partial write.
 */

const faulty = faultyD1(env.DB);
const app = createApp();
const overFaultyD1 = (request: Request) => app.fetch(request, { ...env, DB: faulty.db });

let errors: ReturnType<typeof vi.spyOn>;
beforeEach(() => {
  errors = vi.spyOn(console, "error").mockImplementation(() => {});
  vi.spyOn(console, "log").mockImplementation(() => {});
});
afterEach(() => {
  faulty.plan(undefined);
  vi.restoreAllMocks();
});

interface World {
  kept: Pipeline;
  archived: Pipeline;
  rolling: Pipeline;
  apiKeyId: string;
}

const parameters = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`param.${i}`, `value ${i} %_'"`]));
const configuration = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`key.${i}`, `v${i}`]));
/** Big enough that every kind of row goes in several chunked statements. */
const bigStages = (prefix: string, n = 10) =>
  Array.from({ length: n }, (_, i) => ({
    ...stage(`${prefix}-${i}`, "transform", `t${i}`),
    parameters: parameters(40),
    chunkSize: 1024 * (i + 1),
  }));

/** A pipeline to change, an archived one, stale pipelines for the archive job, an expired idempotency key. */
async function seed(): Promise<World> {
  await resetDatabase();
  const kept = await createPipeline("kept", { configuration: configuration(40), stages: bigStages("kept", 4) });
  expect((await call("PUT", `/v1/workspaces/default/pipelines/${kept.id}/metrics`, { body: metricsBody() })).status).toBe(200);
  const archived = await createPipeline("archived");
  expect((await call("POST", `/v1/workspaces/default/pipelines/${archived.id}/archive`)).status).toBe(200);
  for (const name of ["stale-1", "stale-2"]) await createPipeline(name);
  // A second pipeline with a history to roll back: created, archived, restored (version 3).
  const rolling = await createPipeline("rolling", { stages: bigStages("rolling", 3) });
  await call("POST", `/v1/workspaces/default/pipelines/${rolling.id}/archive`);
  expect((await call("POST", `/v1/workspaces/default/pipelines/${rolling.id}/restore`)).status).toBe(200);
  await env.DB.batch([
    env.DB.prepare("UPDATE pipelines SET updated_at = updated_at - 200 * 86400000 WHERE name LIKE 'stale-%'"),
    env.DB.prepare(
      "INSERT INTO idempotency_keys (workspace, scope, key, fingerprint, nonce, response, created_at, expires_at) VALUES ('default', 'admin', 'fault-key', 'old', 'old', '{}', 0, 1)",
    ),
  ]);
  const apiKey = await call("POST", "/v1/workspaces/default/api-keys", { body: { name: "to revoke", scopes: ["read"] } });
  expect(apiKey.status).toBe(201);
  return { kept, archived: { ...archived, archived: true }, rolling, apiKeyId: apiKey.body.id };
}

interface Write {
  name: string;
  method: string;
  path: (w: World) => string;
  options: (w: World) => CallOptions;
  /** The status when it succeeds. */
  status: number;
}

const WRITES: Write[] = [
  {
    name: "create",
    method: "POST",
    path: () => "/v1/workspaces/default/pipelines",
    status: 201,
    options: () => ({ body: { name: "new", configuration: configuration(40), stages: bigStages("new") } }),
  },
  {
    name: "import",
    method: "POST",
    path: () => "/v1/workspaces/default/pipelines/import",
    status: 201,
    options: () => ({
      body: { pipelines: ["i1", "i2", "i3"].map((name) => ({ name, configuration: configuration(20), stages: bigStages(name, 4) })) },
    }),
  },
  {
    name: "put",
    method: "PUT",
    path: (w) => `/v1/workspaces/default/pipelines/${w.kept.id}`,
    status: 200,
    options: (w) => ({
      body: {
        name: "kept-renamed",
        configuration: configuration(30),
        stages: [{ ...stage("kept-0", "transform", "t"), id: w.kept.stages[0]?.id, parameters: parameters(10) }, ...bigStages("put", 8)],
      },
      headers: { "If-Match": '"1"' },
    }),
  },
  {
    name: "patch",
    method: "PATCH",
    path: (w) => `/v1/workspaces/default/pipelines/${w.kept.id}`,
    status: 200,
    options: () => ({
      body: { name: "kept-patched", configuration: { "key.0": null, "key.1": null, ...configuration(30), added: "x" } },
      contentType: "application/merge-patch+json",
    }),
  },
  {
    name: "delete",
    method: "DELETE",
    path: (w) => `/v1/workspaces/default/pipelines/${w.kept.id}`,
    status: 204,
    options: () => ({ headers: { "If-Match": '"1"' } }),
  },
  {
    name: "archive",
    method: "POST",
    path: (w) => `/v1/workspaces/default/pipelines/${w.kept.id}/archive`,
    status: 200,
    options: () => ({}),
  },
  {
    name: "restore",
    method: "POST",
    path: (w) => `/v1/workspaces/default/pipelines/${w.archived.id}/restore`,
    status: 200,
    options: () => ({}),
  },
  {
    name: "metrics put",
    method: "PUT",
    path: (w) => `/v1/workspaces/default/pipelines/${w.kept.id}/metrics`,
    status: 200,
    options: () => ({ body: metricsBody({ bytesProcessed: 20 }) }),
  },
  {
    name: "rollback",
    method: "POST",
    path: (w) => `/v1/workspaces/default/pipelines/${w.rolling.id}/rollback`,
    status: 200,
    options: () => ({ body: { version: 1 }, headers: { "If-Match": '"3"' } }),
  },
  {
    name: "API key create",
    method: "POST",
    path: () => "/v1/workspaces/default/api-keys",
    status: 201,
    options: () => ({ body: { name: "new key", scopes: ["write"] } }),
  },
  {
    name: "API key revoke",
    method: "DELETE",
    path: (w) => `/v1/workspaces/default/api-keys/${w.apiKeyId}`,
    status: 204,
    options: () => ({}),
  },
  {
    name: "idempotent create",
    method: "POST",
    path: () => "/v1/workspaces/default/pipelines",
    status: 201,
    options: () => ({
      body: { name: "keyed", configuration: configuration(40), stages: bigStages("keyed", 6) },
      headers: { "Idempotency-Key": "fault-key" },
    }),
  },
];

const LEAKS = [/SQLITE/i, /D1_ERROR/, /secrets/, /SELECT/, /INSERT/, /json\(/, /\n\s+at\s/, /\.ts:\d+/, /injected/];

/** A 500 problem with the request id, nothing internal in it, and the error logged under that id. */
function expectInternalError(reply: Reply, context: string) {
  expect(reply.status, `${context}: ${reply.text}`).toBe(500);
  expect(reply.headers.get("Content-Type"), context).toBe("application/problem+json");
  const requestId = reply.headers.get("X-Request-Id");
  expect(reply.body, context).toMatchObject({
    status: 500,
    requestId,
    type: expect.any(String),
    title: expect.any(String),
    detail: expect.any(String),
  });
  expect(reply.body.errors, context).toBeUndefined();
  for (const leak of LEAKS) expect(reply.text, context).not.toMatch(leak);
  const logged = errors.mock.calls.map((args: unknown[]) => String(args[0]));
  expect(
    logged.some((line: string) => line.includes(`"requestId":"${requestId}"`)),
    `${context}: the error is logged with the request id`,
  ).toBe(true);
}

async function expectUnchanged(before: Dump, context: string) {
  const after = await dumpDatabase();
  if (JSON.stringify(after) !== JSON.stringify(before)) {
    expect({ counts: rowCounts(after), after }, `${context}: the failed write left a trace`).toEqual({
      counts: rowCounts(before),
      after: before,
    });
  }
}

/** Every position of every kind, until the batch has no statement there. */
function* everyPosition(): Generator<Fault> {
  for (let at = 0; at < 500; at++) {
    yield { kind: "replace", at };
    yield { kind: "after", at };
  }
}

describe("a write whose batch fails at any statement leaves no trace", () => {
  it.each(WRITES.map((w) => [w.name, w] as const))("%s", async (_, write) => {
    const world = await seed();
    const before = await dumpDatabase();
    let positions = 0;
    for (const fault of everyPosition()) {
      faulty.plan(fault);
      const reply = await callWith(overFaultyD1, write.method, write.path(world), write.options(world));
      if (!faulty.injected) {
        // Past the end of the batch: nothing was sent.
        expect(faulty.batches.length, "one batch per write").toBe(1);
        expect(reply.status).toBe(500);
        break;
      }
      positions++;
      const context = `${write.name} with ${JSON.stringify(fault)} of ${faulty.batches[0]} statements`;
      expectInternalError(reply, context);
      await expectUnchanged(before, context);
    }
    expect(positions, "faults tried").toBe(2 * (faulty.batches[0] ?? 0));
    expect(positions).toBeGreaterThanOrEqual(4);

    // Without a fault the same request succeeds and changes the database: the faults hit a real write.
    faulty.plan(undefined);
    const reply = await callWith(overFaultyD1, write.method, write.path(world), write.options(world));
    expect(reply.status, reply.text).toBe(write.status);
    expect(await dumpDatabase()).not.toEqual(before);
    if (write.name === "idempotent create") {
      // The faulty attempts claimed nothing: the retry created (above), the next one replays it.
      expect(reply.headers.get("Idempotent-Replayed")).toBeNull();
      const again = await call(write.method, write.path(world), write.options(world));
      expect(again.headers.get("Idempotent-Replayed")).toBe("true");
      expect(again.body.id).toBe(reply.body.id);
    }
  });

  it("the archive run: every failed batch archives nothing and is recorded as a failed run", async () => {
    await seed();
    let positions = 0;
    for (const fault of everyPosition()) {
      const before = await dumpDatabase();
      faulty.plan(fault);
      const reply = await callWith(overFaultyD1, "POST", "/v1/workspaces/default/archive-runs", { body: { olderThanDays: 30 } });
      if (!faulty.injected) break;
      positions++;
      const context = `archive run with ${JSON.stringify(fault)}`;
      expect(reply.status, context).toBe(200);
      expect(reply.body, context).toMatchObject({ status: "failed", archivedCount: 0 });
      for (const leak of LEAKS) expect(reply.text, context).not.toMatch(leak);
      const after = await dumpDatabase();
      // Only the failed run's record and its audit event were added.
      expect({ ...after.tables, archive_runs: [], audit_events: [] }, context).toEqual({
        ...before.tables,
        archive_runs: [],
        audit_events: [],
      });
      expect(after.tables.archive_runs?.length, context).toBe((before.tables.archive_runs?.length ?? 0) + 1);
      expect(after.tables.audit_events?.length, context).toBe((before.tables.audit_events?.length ?? 0) + 1);
    }
    // Two kinds of fault at each of the batch's statements: the workspace check, archive, run record, revisions, their audit
    // and change events, pruning, the run's event, retention (audit events, the feed's watermark, change events).
    expect(positions).toBe(2 * 11);
    faulty.plan(undefined);
    const reply = await callWith(overFaultyD1, "POST", "/v1/workspaces/default/archive-runs", { body: { olderThanDays: 30 } });
    expect(reply.body).toMatchObject({ status: "succeeded", archivedCount: 2 });
  });
});

describe("an exception mid-request is a 500 problem and writes nothing", () => {
  it.each(WRITES.map((w) => [w.name, w] as const))("%s: the binding throws instead of sending the batch", async (_, write) => {
    const world = await seed();
    const before = await dumpDatabase();
    faulty.plan({ kind: "throw" });
    const reply = await callWith(overFaultyD1, write.method, write.path(world), write.options(world));
    expect(faulty.injected).toBe(true);
    expectInternalError(reply, write.name);
    expect(reply.text).not.toContain(INJECTED_MESSAGE);
    await expectUnchanged(before, write.name);
  });

  it("prepare() throws at any statement while a create is put together", async () => {
    const world = await seed();
    const before = await dumpDatabase();
    const create = WRITES[0] as Write;
    let calls = 0;
    for (let call = 1; call < 200; call++) {
      faulty.plan({ kind: "prepare", call });
      const reply = await callWith(overFaultyD1, create.method, create.path(world), create.options(world));
      if (!faulty.injected) {
        expect(reply.status).toBe(201);
        break;
      }
      calls++;
      expectInternalError(reply, `prepare call ${call}`);
      await expectUnchanged(before, `prepare call ${call}`);
    }
    expect(calls).toBeGreaterThanOrEqual(4);
  });

  it("a repository that throws after its write answers 500, and the write is whole, not partial", async () => {
    await seed();
    const throwingAfter = createApp({
      repository: (real) => {
        return new Proxy(real, {
          get(target, property) {
            const method = Reflect.get(target, property) as (...args: unknown[]) => Promise<unknown>;
            return async (...args: unknown[]) => {
              await method.apply(target, args);
              throw new TypeError("Cannot read properties of undefined (reading 'SELECT * FROM pipelines')");
            };
          },
        }) as PipelineRepository;
      },
    });
    const body = { name: "whole", configuration: configuration(40), stages: bigStages("whole") };
    const reply = await callWith((request) => throwingAfter.fetch(request, env), "POST", "/v1/workspaces/default/pipelines", { body });
    expectInternalError(reply, "throw after the write");
    const stored = (await call("GET", "/v1/workspaces/default/pipelines?name=whole")).body.data;
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ name: "whole", configuration: body.configuration });
    expect(stored[0].stages.map((s: { parameters: object }) => s.parameters)).toEqual(body.stages.map((s) => s.parameters));
  });
});
