import { beforeAll, describe, expect, it } from "vitest";
import { oldFormatKey } from "../support/api-keys";
import { backendName, countingApp, onDurableObjects, resetDatabase } from "../support/backend";
import { call, callWith, createPipeline, metricsBody, pipelineBody, stage } from "../support/http";

/**
 * Every request costs exactly one database round trip, whatever the number of stages or the
 * page size: the app counts its calls (on D1 each statement run alone or each batch, on
 * PostgreSQL each statement).
 */
const counter = countingApp();
const fetcher = (request: Request) => counter.fetch(request);

type Options = Parameters<typeof callWith>[3];

async function callsFor(method: string, path: string, options: Options = {}) {
  counter.reset();
  const reply = await callWith(fetcher, method, path, options);
  return { calls: counter.calls, status: reply.status, body: reply.body };
}

const big = Array.from({ length: 32 }, (_, i) =>
  stage(`s${i}`, "transform", "t", { parameters: Object.fromEntries(Array.from({ length: 64 }, (_, j) => [`p${j}`, "v"])) }),
);
/** An API key with every scope, in the format that names its id (checked in the request's own call). */
let apiKey: { id: string; key: string };
beforeAll(async () => {
  await resetDatabase();
  for (let i = 0; i < 30; i++) await createPipeline(`seed-${String(i).padStart(2, "0")}`, { configuration: { team: i % 2 ? "a" : "b" } });
  apiKey = (await call("POST", "/v1/workspaces/default/api-keys", { body: { name: "every scope", scopes: ["admin"] } })).body;
});

/** Every read and write of one pipeline, and the creations and API key routes; names end in `suffix`. */
const steps = (id: string, suffix: string): [string, string, Options, number][] => [
  ["GET", `/v1/workspaces/default/pipelines/${id}`, {}, 200],
  ["HEAD", `/v1/workspaces/default/pipelines/${id}`, {}, 200],
  [
    "PUT",
    `/v1/workspaces/default/pipelines/${id}`,
    { body: pipelineBody(`big${suffix}`, { stages: big }), headers: { "If-Match": '"1"' } },
    200,
  ],
  ["PATCH", `/v1/workspaces/default/pipelines/${id}`, { body: { configuration: { x: "y", team: null } } }, 200],
  ["PUT", `/v1/workspaces/default/pipelines/${id}/metrics`, { body: metricsBody() }, 200],
  ["GET", `/v1/workspaces/default/pipelines/${id}/metrics`, {}, 200],
  ["GET", `/v1/workspaces/default/pipelines/${id}/metrics/history?limit=2`, {}, 200],
  ["POST", `/v1/workspaces/default/pipelines/${id}/archive`, {}, 200],
  ["POST", `/v1/workspaces/default/pipelines/${id}/restore`, {}, 200],
  ["GET", `/v1/workspaces/default/pipelines/${id}/revisions?limit=2`, {}, 200],
  ["GET", `/v1/workspaces/default/pipelines/${id}/revisions/2`, {}, 200],
  ["GET", `/v1/workspaces/default/pipelines/${id}/diff?from=1&to=5`, {}, 200],
  ["POST", `/v1/workspaces/default/pipelines/${id}/rollback`, { body: { version: 1 }, headers: { "If-Match": '"5"' } }, 200],
  ["GET", `/v1/workspaces/default/audit-events?resourceId=${id}&limit=3`, {}, 200],
  ["GET", `/v1/workspaces/default/events?resourceId=${id}&limit=3`, {}, 200],
  // A wait that finds an event answers at once, in the one call.
  ["GET", `/v1/workspaces/default/events?type=pipeline.patched&wait=5`, {}, 200],
  ["POST", "/v1/workspaces/default/api-keys", { body: { name: "k", scopes: ["read"] } }, 201],
  ["GET", "/v1/workspaces/default/api-keys", {}, 200],
  ["GET", "/v1/workspaces/default/archive-runs", {}, 200],
  ["POST", "/v1/workspaces/default/pipelines", { body: pipelineBody(`fresh${suffix}`, { stages: big }) }, 201],
  [
    "POST",
    "/v1/workspaces/default/pipelines/import",
    { body: { pipelines: [pipelineBody(`i1${suffix}`), pipelineBody(`i2${suffix}`)] } },
    201,
  ],
  ["DELETE", `/v1/workspaces/default/pipelines/${id}`, {}, 204],
];

/**
 * On Durable Objects a workspace's creation and deletion reach two databases, the directory and
 * the workspace's object, in the order that keeps them agreeing (src/storage/durable-objects/workspaces.ts):
 * a create is two calls (the directory's row, the object's), a deletion three (marked, deleted, unlisted).
 */
const directoryWrite = (calls: number) => (onDurableObjects ? calls : 1);

describe(`one ${backendName} call per request`, () => {
  it.each([
    ["GET", "/healthz"],
    ["GET", "/v1/workspaces/default/pipelines?limit=100"],
    ["GET", "/v1/workspaces/default/pipelines?limit=5&sort=-createdAt&config.team=a"],
    ["GET", "/v1/workspaces/default/pipelines?offset=10&archived=all"],
    ["GET", "/v1/workspaces/default/pipelines/count"],
    ["GET", "/v1/workspaces/default/pipelines/count?config.team=a"],
    ["GET", "/v1/workspaces/default/events?limit=100"],
  ])("%s %s", async (method, path) => {
    const { calls, status } = await callsFor(method, path);
    expect(status).toBe(200);
    expect(calls).toBe(1);
  });

  it.each([
    ["the admin token", "", () => undefined],
    ["an API key", "-key", () => apiKey.key],
  ])("for every read and write of one pipeline, 32 stages of 64 parameters included, with %s", async (_, suffix, token) => {
    const { id } = await createPipeline(`big${suffix}`, { stages: big });
    for (const [method, path, options, expected] of steps(id, suffix)) {
      const { calls, status, ...reply } = await callsFor(method, path, { ...options, token: token() });
      expect({ method, path, status, calls }, JSON.stringify(reply.body)).toEqual({ method, path, status: expected, calls: 1 });
    }
  });

  it("for every webhook route, the write's outbox rows included (their sending comes after the answer, on storage of its own)", async () => {
    const webhooks = "/v1/workspaces/default/webhooks";
    const created = await callsFor("POST", webhooks, { body: { url: "https://hooks.example.com/counted" } });
    expect({ status: created.status, calls: created.calls }).toEqual({ status: 201, calls: 1 });
    const id = created.body.id;
    const { id: pipeline } = await createPipeline("with-a-webhook");
    for (const [method, path, options, expected] of [
      ["GET", webhooks, {}, 200],
      ["GET", `${webhooks}/${id}`, {}, 200],
      ["PATCH", `${webhooks}/${id}`, { body: { description: "counted" } }, 200],
      ["POST", `${webhooks}/${id}/rotate-secret`, {}, 200],
      ["POST", `${webhooks}/${id}/ping`, {}, 202],
      ["GET", `${webhooks}/${id}/deliveries`, {}, 200],
      ["PATCH", `/v1/workspaces/default/pipelines/${pipeline}`, { body: { configuration: { hooked: "yes" } } }, 200],
      ["DELETE", `${webhooks}/${id}`, {}, 204],
    ] as const) {
      const { calls, status } = await callsFor(method, path, options);
      expect({ method, path, status, calls }).toEqual({ method, path, status: expected, calls: 1 });
    }
  });

  it("for an API key refused by the database, on its input or for its scope, and for the list and count", async () => {
    const reader = (await call("POST", "/v1/workspaces/default/api-keys", { body: { name: "reader", scopes: ["read"] } })).body;
    const revoked = (await call("POST", "/v1/workspaces/default/api-keys", { body: { name: "revoked", scopes: ["admin"] } })).body;
    expect((await call("DELETE", `/v1/workspaces/default/api-keys/${revoked.id}`)).status).toBe(204);
    for (const [token, method, path, options, expected] of [
      [revoked.key, "GET", "/v1/workspaces/default/pipelines?limit=100", {}, 401],
      [revoked.key, "POST", "/v1/workspaces/default/pipelines", { body: pipelineBody("refused") }, 401],
      [revoked.key, "POST", "/v1/workspaces/default/pipelines", { body: { name: "" } }, 401],
      [
        `${reader.key.slice(0, -1)}${reader.key.endsWith("A") ? "B" : "A"}`,
        "POST",
        "/v1/workspaces/default/pipelines",
        { body: pipelineBody("forged") },
        401,
      ],
      [reader.key, "POST", "/v1/workspaces/default/pipelines", { body: pipelineBody("read only") }, 403],
      [reader.key, "POST", "/v1/workspaces/default/pipelines", { body: { name: "" } }, 403],
      [reader.key, "GET", "/v1/workspaces/default/pipelines?limit=5&sort=-createdAt&config.team=a", {}, 200],
      [reader.key, "GET", "/v1/workspaces/default/pipelines/count", {}, 200],
      [reader.key, "GET", "/v1/workspaces/default/pipelines/not-an-id", {}, 404],
    ] as const) {
      const { calls, status } = await callsFor(method, path, { ...options, token });
      expect({ method, path, status, calls }).toEqual({ method, path, status: expected, calls: 1 });
    }
  });

  it("but two for a key of the old format, which names no id: its lookup, then the work (the key checked again)", async () => {
    const old = await oldFormatKey("read write");
    for (const [method, path, options, expected] of [
      ["GET", "/v1/workspaces/default/pipelines?limit=100", {}, 200],
      ["POST", "/v1/workspaces/default/pipelines", { body: pipelineBody("by-old-key") }, 201],
    ] as const) {
      const { calls, status } = await callsFor(method, path, { ...options, token: old.key });
      expect({ method, path, status, calls }).toEqual({ method, path, status: expected, calls: 2 });
    }
  });

  it("in a workspace that does not exist, refused on its input or not, and on the workspaces' own routes", async () => {
    for (const [method, path, options, expected, made] of [
      ["GET", "/v1/workspaces/nowhere/pipelines?limit=100", {}, 404],
      ["POST", "/v1/workspaces/nowhere/pipelines", { body: pipelineBody("nowhere") }, 404],
      ["POST", "/v1/workspaces/nowhere/pipelines", { body: { name: "" } }, 404],
      ["GET", "/v1/workspaces/nowhere/pipelines/not-an-id", {}, 404],
      ["POST", "/v1/workspaces", { body: { id: "one-call" } }, 201, directoryWrite(2)],
      ["GET", "/v1/workspaces?limit=5", {}, 200],
      ["GET", "/v1/workspaces/one-call", {}, 200],
      ["GET", "/v1/workspaces/default", { token: apiKey.key }, 200],
      ["DELETE", "/v1/workspaces/one-call", {}, 204, directoryWrite(3)],
    ] as const) {
      const { calls, status } = await callsFor(method, path, options);
      expect({ method, path, status, calls }).toEqual({ method, path, status: expected, calls: made ?? 1 });
    }
  });

  it("also when the write is refused", async () => {
    const { id: target } = await createPipeline("refusals");
    for (const [method, path, options, expected] of [
      ["PUT", `/v1/workspaces/default/pipelines/${target}`, { body: pipelineBody("x"), headers: { "If-Match": '"9"' } }, 412],
      ["POST", "/v1/workspaces/default/pipelines", { body: pipelineBody("refusals") }, 409],
      ["DELETE", "/v1/workspaces/default/pipelines/01JD3ZK5Q8W7V6T5S4R3P2N1M0", {}, 404],
      ["POST", `/v1/workspaces/default/pipelines/${target}/rollback`, { body: { version: 7 } }, 404],
      ["GET", `/v1/workspaces/default/pipelines/${target}/revisions/7`, {}, 404],
    ] as const) {
      const { calls, status } = await callsFor(method, path, options);
      expect({ status, calls }).toEqual({ status: expected, calls: 1 });
    }
  });
});
