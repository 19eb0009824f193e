import { exports } from "cloudflare:workers";
import type fc from "fast-check";
import { afterEach, beforeEach, expect, vi } from "vitest";
import { resetDatabase } from "./backend";
import { type Dump, dumpDatabase, rowCounts } from "./dump";
import { BASE, call, createPipeline, metricsBody, pipelineBody } from "./http";

/** The fuzz test's data set and its check: a refused request leaves a problem and the database as it was. */

export const RUNS_PER_ENDPOINT = 40;
export const VISIBLE_ASCII = /^[\x21-\x7e]{1,128}$/;
export const MAX_PROBLEM_BYTES = 64 * 1024;

export interface Seeded {
  active: { id: string; version: number; stageId: string };
  /** A key with the read scope only, and a revoked admin key. */
  readKey: string;
  revokedKey: string;
  apiKeyId: string;
  archived: { id: string; version: number };
  /** A real cursor of `GET /v1/workspaces/default/pipelines?limit=1` (sorted by name). */
  cursor: string;
  /** A webhook endpoint (which takes deletions only, so the other writes make no outbox rows). */
  webhookId: string;
}
/** The data set of the test running now, and the database as the last request left it: what the next refused request must leave. */
export const state = {} as { seeded: Seeded; current: Dump };

/** Each test starts from the same small data set (so one test's failure cannot spoil the next). */
export function useFuzzDataSet() {
  beforeEach(async () => {
    // The archive run of the data set logs a line per run; errors stay visible.
    vi.spyOn(console, "log").mockImplementation(() => {});
    await resetDatabase();
    const active = await createPipeline("fuzz-active", { configuration: { env: "prod", "dots.key": "50%_off" } });
    await createPipeline("fuzz-other");
    const archived = await createPipeline("fuzz-archived");
    expect((await call("POST", `/v1/workspaces/default/pipelines/${archived.id}/archive`)).status).toBe(200);
    expect((await call("PUT", `/v1/workspaces/default/pipelines/${active.id}/metrics`, { body: metricsBody() })).status).toBe(200);
    const keyed = await call("POST", "/v1/workspaces/default/pipelines", {
      body: pipelineBody("fuzz-keyed"),
      headers: { "Idempotency-Key": "fuzz-key" },
    });
    expect(keyed.status).toBe(201);
    expect((await call("POST", "/v1/workspaces/default/archive-runs", { body: { olderThanDays: 30 } })).status).toBe(200);
    const page = await call("GET", "/v1/workspaces/default/pipelines?limit=1");
    const readKey = await call("POST", "/v1/workspaces/default/api-keys", { body: { name: "fuzz reader", scopes: ["read"] } });
    const revoked = await call("POST", "/v1/workspaces/default/api-keys", { body: { name: "fuzz revoked", scopes: ["admin"] } });
    expect((await call("DELETE", `/v1/workspaces/default/api-keys/${revoked.body.id}`)).status).toBe(204);
    const webhook = await call("POST", "/v1/workspaces/default/webhooks", {
      body: { url: "https://hooks.example.com/fuzz", types: ["pipeline.deleted"] },
    });
    expect(webhook.status).toBe(201);
    state.seeded = {
      readKey: readKey.body.key,
      revokedKey: revoked.body.key,
      apiKeyId: readKey.body.id,
      active: { id: active.id, version: 1, stageId: active.stages[0].id },
      archived: { id: archived.id, version: 2 },
      cursor: page.body.nextCursor,
      webhookId: webhook.body.id,
    };
    state.current = await dumpDatabase();
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });
}

// ---- requests ----

export interface Spec {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** The statuses the spoiling calls for (the valid request itself expects none). */
  expected?: readonly number[];
}

/** Marks every request a mutation makes with the status it must get. */
export const expecting = (expected: readonly number[], mutation: (spec: Spec) => fc.Arbitrary<Spec>) => (spec: Spec) =>
  mutation(spec).map((spoiled) => ({ ...spoiled, expected }));

/** A Request, or null when the platform refuses to build it (e.g. a header value it rejects). */
export function toRequest(spec: Spec): Request | null {
  try {
    return new Request(`${BASE}${spec.path}`, { method: spec.method, headers: spec.headers, body: spec.body });
  } catch {
    return null;
  }
}

export const LEAKS = [/SQLITE/i, /\bD1_/, /\bSELECT\b/, /\bINSERT\b/, /\bUPDATE\b.*\bSET\b/, /\n\s+at\s/, /\.ts:\d+/, /guard:/];

export async function expectRefusedWithoutChange(spec: Spec) {
  const request = toRequest(spec);
  // spoiled() only makes requests the platform builds: each one is sent and checked.
  if (request === null) throw new Error(`unbuildable request generated: ${JSON.stringify(spec).slice(0, 300)}`);
  const sentRequestId = request.headers.get("X-Request-Id");
  const before = state.current;
  const response = await exports.default.fetch(request);
  const text = await response.text();
  // Read the database before any assertion, so a failing request is the one blamed for a change.
  const after = await dumpDatabase();
  state.current = after;
  const context = `${spec.method} ${spec.path.slice(0, 200)} ${JSON.stringify(spec.headers).slice(0, 300)} body ${(spec.body ?? "").slice(0, 300)}\n-> ${response.status} ${text.slice(0, 500)}`;
  if (JSON.stringify(after) !== JSON.stringify(before)) {
    expect({ counts: rowCounts(after), after }, `the database changed: ${context}`).toEqual({ counts: rowCounts(before), after: before });
  }
  expect(spec.expected, context).toContain(response.status);
  expect(new TextEncoder().encode(text).length, context).toBeLessThanOrEqual(MAX_PROBLEM_BYTES);
  const requestId = response.headers.get("X-Request-Id") ?? "";
  expect(requestId, context).toMatch(VISIBLE_ASCII);
  if (sentRequestId !== null && VISIBLE_ASCII.test(sentRequestId)) expect(requestId, context).toBe(sentRequestId);
  else expect(requestId, context).not.toBe(sentRequestId);
  if (spec.method !== "HEAD") {
    expect(response.headers.get("Content-Type"), context).toBe("application/problem+json");
    const problem = JSON.parse(text);
    expect(problem, context).toMatchObject({ status: response.status, requestId });
    for (const member of ["type", "title", "detail"]) expect(typeof problem[member], context).toBe("string");
    for (const leak of LEAKS) expect(text, context).not.toMatch(leak);
  }
}

// ---- generated garbage ----
