import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createApp } from "../../src/http/app";
import { resetDatabase, sqlRows } from "../support/backend";
import { dumpDatabase } from "../support/dump";
import { faultyD1 } from "../support/faulty-d1";
import { expectFeedMatchesChanges } from "../support/feed";
import { type CallOptions, call, callWith, createPipeline, metricsBody, pipelineBody } from "../support/http";

/**
 * Change events under faults, on D1 (docs/events.md): every pipeline write's batch is made to
 * fail at each of its statements in turn (test/reliability/faults.test.ts proves such a failure
 * leaves the database byte for byte as it was), and after every attempt the feed still holds
 * exactly the changes made, never an event without its change nor a change without its event;
 * the write that succeeds at last adds exactly its own events. A webhook endpoint that takes every
 * type is registered, so each event has its outbox row (docs/webhooks.md): never one without its
 * event, nor an event without its row.
 */

const faulty = faultyD1(env.DB);
const app = createApp();
const overFaultyD1 = (request: Request) => app.fetch(request, { ...env, DB: faulty.db });

beforeEach(() => {
  vi.spyOn(console, "error").mockImplementation(() => {});
  vi.spyOn(console, "log").mockImplementation(() => {});
});
afterEach(() => {
  faulty.plan(undefined);
  vi.restoreAllMocks();
});

/** The outbox holds one row for each change event made since the endpoint was registered, and nothing else. */
async function expectOutboxMatchesEvents(since: number, context: string) {
  const outbox = await sqlRows<{ event_id: string }>("SELECT event_id FROM webhook_outbox ORDER BY event_id");
  const events = await sqlRows<{ id: string }>("SELECT id FROM change_events WHERE seq > ? ORDER BY id", since);
  expect(
    outbox.map((row) => row.event_id),
    context,
  ).toEqual(events.map((row) => row.id));
}

const lastSeq = async () => (await sqlRows<{ seq: number | null }>("SELECT max(seq) AS seq FROM change_events"))[0]?.seq ?? 0;

interface World {
  kept: string;
  archived: string;
}

async function seed(): Promise<World> {
  await resetDatabase();
  const kept = (await createPipeline("kept")).id;
  const archived = (await createPipeline("archived")).id;
  expect((await call("POST", `/v1/workspaces/default/pipelines/${archived}/archive`)).status).toBe(200);
  // Registered after the writes above, whose rows would otherwise be sent to the queue meanwhile.
  expect((await call("POST", "/v1/workspaces/default/webhooks", { body: { url: "https://hooks.example.com/all" } })).status).toBe(201);
  return { kept, archived };
}

const item = (id: string, rest = "") => `/v1/workspaces/default/pipelines/${id}${rest}`;

const PIPELINES = "/v1/workspaces/default/pipelines";

/** Each pipeline write, its status when it succeeds, and how many change events it makes then. */
const WRITES: [name: string, method: string, url: (w: World) => string, options: CallOptions, status: number, events: number][] = [
  ["create", "POST", () => PIPELINES, { body: pipelineBody("new") }, 201, 1],
  ["import", "POST", () => `${PIPELINES}/import`, { body: { pipelines: ["i1", "i2", "i3"].map((n) => pipelineBody(n)) } }, 201, 3],
  ["idempotent create", "POST", () => PIPELINES, { body: pipelineBody("keyed"), headers: { "Idempotency-Key": "k" } }, 201, 1],
  ["put", "PUT", (w) => item(w.kept), { body: pipelineBody("kept-2"), headers: { "If-Match": '"1"' } }, 200, 1],
  ["patch", "PATCH", (w) => item(w.kept), { body: { configuration: { a: "b", env: null } } }, 200, 1],
  ["delete", "DELETE", (w) => item(w.kept), {}, 204, 1],
  ["archive", "POST", (w) => item(w.kept, "/archive"), {}, 200, 1],
  ["restore", "POST", (w) => item(w.archived, "/restore"), {}, 200, 1],
  ["metrics", "PUT", (w) => item(w.kept, "/metrics"), { body: metricsBody() }, 200, 1],
  ["rollback", "POST", (w) => item(w.kept, "/rollback"), { body: { version: 1 }, headers: { "If-Match": '"1"' } }, 200, 1],
  // The active pipeline archived (a change event); the run's own event is the audit log's alone.
  ["archive run", "POST", () => "/v1/workspaces/default/archive-runs", { body: { olderThanDays: 0 } }, 200, 1],
];

describe("a pipeline write failing at any statement of its batch", () => {
  it.each(WRITES.map((write) => [write[0], write] as const))(
    "%s: never an event without its change, nor a change without its event",
    async (name, write) => {
      const [, method, url, options, status, events] = write;
      const world = await seed();
      const since = await lastSeq();
      const before = await expectFeedMatchesChanges("default", `${name} before`);
      const dump = await dumpDatabase();
      let positions = 0;
      for (let at = 0; at < 500; at++) {
        faulty.plan({ kind: at % 2 === 0 ? "replace" : "after", at: Math.floor(at / 2) });
        const reply = await callWith(overFaultyD1, method, url(world), options);
        if (!faulty.injected) break;
        positions++;
        const context = `${name}, fault ${at}`;
        // An archive run that fails records its failure (no change event), and nothing else.
        if (name !== "archive run") expect(reply.status, context).toBe(500);
        const after = await expectFeedMatchesChanges("default", context);
        expect(after, context).toEqual(before);
        await expectOutboxMatchesEvents(since, context);
        if (name !== "archive run") expect(await dumpDatabase(), context).toEqual(dump);
      }
      expect(positions).toBeGreaterThanOrEqual(4);
      faulty.plan(undefined);
      const reply = await callWith(overFaultyD1, method, url(world), options);
      expect(reply.status, reply.text).toBe(status);
      const after = await expectFeedMatchesChanges("default", `${name} after`);
      expect(after.slice(0, before.length)).toEqual(before);
      expect(after.length - before.length, `${name}: its events`).toBe(events);
      await expectOutboxMatchesEvents(since, `${name} after`);
      expect(await sqlRows("SELECT 1 FROM webhook_outbox"), `${name}: an outbox row per event`).toHaveLength(events);
    },
  );
});
