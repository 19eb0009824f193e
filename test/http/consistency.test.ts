import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/http/app";
import { declaredScope } from "../../src/http/middleware/auth";
import { CONSISTENCY_TOKEN, readToken } from "../../src/http/shared/consistency-tokens";
import { tokenSecret } from "../../src/settings";
import { resetDatabase } from "../support/backend";
import { sessionRecorder } from "../support/d1-sessions";
import { call, callWith, createPipeline, metricsBody, pipelineBody } from "../support/http";

/** docs/consistency.md: one D1 session per request, its bookmark handed to the client and taken back. */
const recorder = sessionRecorder(env.DB);
const app = createApp();
const fetcher = (request: Request) => app.fetch(request, { ...env, DB: recorder.db });
const TOKEN = "X-Consistency-Token";
/** What a token names (white box: clients treat tokens as opaque). */
const stateOf = async (token: string | null) => {
  const state = await readToken(token ?? "", tokenSecret(env) ?? "");
  return typeof state === "object" ? state : undefined;
};

describe("consistency tokens", () => {
  beforeAll(() => resetDatabase());

  it("a write's token, sent back, makes the next read see the write, and that read answers with a token too", async () => {
    const created = await call("POST", "/v1/workspaces/default/pipelines", { body: pipelineBody("after-write") });
    const token = created.headers.get(TOKEN);
    expect(token).toMatch(CONSISTENCY_TOKEN);
    recorder.reset();
    const read = await callWith(fetcher, "GET", `/v1/workspaces/default/pipelines/${created.body.id}`, {
      headers: { [TOKEN]: token ?? "" },
    });
    expect(read.status).toBe(200);
    expect(read.body.name).toBe("after-write");
    expect(recorder.sessions).toEqual([{ constraint: (await stateOf(token))?.position, calls: 1 }]);
    expect(read.headers.get(TOKEN)).toMatch(CONSISTENCY_TOKEN);
    expect((read.headers.get(TOKEN) ?? "") >= (token ?? "")).toBe(true);
  });

  it("refuses a malformed token with a 400 problem, reading nothing with it", async () => {
    for (const bad of [
      "garbage",
      "first-primary",
      "first-unconstrained",
      "00000000-00000006-00000000",
      `00000000-00000006-00000000-${"A".repeat(32)}`,
      `00000000-00000006-00000000-${"0".repeat(33)}`,
      "00000000-00000006-00000000-00000000000000000000000000000000;x",
      // A D1 bookmark itself, and one from the far future: shaped like D1's, but never issued here.
      `00000000-00000006-00000000-${"0".repeat(32)}`,
      `ffffffff-ffffffff-ffffffff-${"f".repeat(32)}`,
    ]) {
      recorder.reset();
      const reply = await callWith(fetcher, "GET", "/v1/workspaces/default/pipelines", { headers: { [TOKEN]: bad } });
      expect({ bad, status: reply.status, type: reply.headers.get("Content-Type") }).toEqual({
        bad,
        status: 400,
        type: "application/problem+json",
      });
      expect(reply.body.detail).toContain(TOKEN);
      // The workspace is checked first (its 404 comes before a bad header), in a session the token had no part in.
      expect(recorder.sessions.map((session) => session.constraint)).toEqual(["first-unconstrained"]);
    }
  });

  it("judges the route, the method, the credentials, the scope and the workspace before a malformed token", async () => {
    const bad = { [TOKEN]: "0" };
    const { key } = (await call("POST", "/v1/workspaces/default/api-keys", { body: { name: "reader", scopes: ["read"] } })).body;
    for (const [method, path, options, expected] of [
      ["GET", "/v1/nowhere", {}, 404],
      ["DELETE", "/v1/workspaces/default/pipelines", {}, 405],
      ["GET", "/v1/workspaces/default/pipelines", { token: null }, 401],
      ["POST", "/v1/workspaces/default/pipelines", { token: key, body: {} }, 403],
      ["GET", "/v1/workspaces/nowhere/pipelines", {}, 404],
      ["GET", "/v1/workspaces/default/pipelines", {}, 400],
    ] as const) {
      const reply = await call(method, path, { ...options, headers: bad });
      expect({ method, path, status: reply.status }).toEqual({ method, path, status: expected });
      if (expected === 401) expect(reply.headers.get("WWW-Authenticate")).toMatch(/^Bearer/);
    }
  });

  it("answers errors that read the database with a token, and a refusal before any with the token sent", async () => {
    const missing = await call("GET", "/v1/workspaces/default/pipelines/01JD3ZK5Q8W7V6T5S4R3P2N1M0");
    expect(missing.status).toBe(404);
    expect(missing.headers.get(TOKEN)).toMatch(CONSISTENCY_TOKEN);
    const sent = missing.headers.get(TOKEN) ?? "";
    const unauthorized = await call("GET", "/v1/workspaces/default/pipelines", { token: null, headers: { [TOKEN]: sent } });
    expect(unauthorized.status).toBe(401);
    expect(unauthorized.headers.get(TOKEN)).toBe(sent);
  });

  it("is in the OpenAPI document with the shape the middleware accepts", async () => {
    const { components } = (await call("GET", "/openapi.json")).body;
    expect(components.parameters[TOKEN].schema.pattern).toBe(CONSISTENCY_TOKEN.source);
    expect(components.headers[TOKEN].schema.pattern).toBe(CONSISTENCY_TOKEN.source);
  });

  it("lets a browser send the token and read it (CORS)", async () => {
    const withCors = (request: Request) => app.fetch(request, { ...env, CORS_ORIGINS: "https://app.example" });
    const preflight = await callWith(withCors, "OPTIONS", "/v1/workspaces/default/pipelines", {
      token: null,
      headers: { Origin: "https://app.example", "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": TOKEN },
    });
    expect(preflight.headers.get("Access-Control-Allow-Headers")).toContain(TOKEN);
    const reply = await callWith(withCors, "GET", "/v1/workspaces/default/pipelines", { headers: { Origin: "https://app.example" } });
    expect(reply.headers.get("Access-Control-Expose-Headers")).toContain(TOKEN);
  });
});

describe("every route runs its database work in one session", () => {
  let id: string;
  let keyId: string;
  let hookId: string;
  beforeAll(async () => {
    await resetDatabase();
    ({ id } = await createPipeline("sessions"));
    await call("PUT", `/v1/workspaces/default/pipelines/${id}/metrics`, { body: metricsBody() });
    keyId = (await call("POST", "/v1/workspaces/default/api-keys", { body: { name: "to revoke", scopes: ["read"] } })).body.id;
    hookId = (await call("POST", "/v1/workspaces/default/webhooks", { body: { url: "https://hooks.example.com/s" } })).body.id;
  });

  const requests = (): [string, string, object][] => [
    ["GET", "/healthz", {}],
    ["POST", "/v1/workspaces", { body: { id: "sessions" } }],
    ["GET", "/v1/workspaces", {}],
    ["GET", "/v1/workspaces/default", {}],
    ["GET", `/v1/workspaces/default/pipelines/${id}`, {}],
    ["HEAD", `/v1/workspaces/default/pipelines/${id}`, {}],
    ["GET", "/v1/workspaces/default/pipelines", {}],
    ["GET", "/v1/workspaces/default/pipelines/count", {}],
    ["GET", `/v1/workspaces/default/pipelines/${id}/metrics`, {}],
    ["GET", `/v1/workspaces/default/pipelines/${id}/metrics/history`, {}],
    ["GET", `/v1/workspaces/default/pipelines/${id}/revisions`, {}],
    ["GET", `/v1/workspaces/default/pipelines/${id}/revisions/1`, {}],
    ["GET", `/v1/workspaces/default/pipelines/${id}/diff?from=1&to=1`, {}],
    ["GET", "/v1/workspaces/default/audit-events", {}],
    ["GET", "/v1/workspaces/default/events", {}],
    ["GET", "/v1/workspaces/default/api-keys", {}],
    ["GET", "/v1/workspaces/default/archive-runs", {}],
    ["GET", "/v1/workspaces/default/webhooks", {}],
    ["GET", `/v1/workspaces/default/webhooks/${hookId}`, {}],
    ["GET", `/v1/workspaces/default/webhooks/${hookId}/deliveries`, {}],
    ["POST", "/v1/workspaces/default/webhooks", { body: { url: "https://hooks.example.com/t" } }],
    ["PATCH", `/v1/workspaces/default/webhooks/${hookId}`, { body: { description: "d" } }],
    ["POST", `/v1/workspaces/default/webhooks/${hookId}/rotate-secret`, {}],
    ["POST", `/v1/workspaces/default/webhooks/${hookId}/ping`, {}],
    ["PUT", `/v1/workspaces/default/pipelines/${id}`, { body: pipelineBody("sessions") }],
    ["PATCH", `/v1/workspaces/default/pipelines/${id}`, { body: { configuration: { a: "b" } } }],
    ["PUT", `/v1/workspaces/default/pipelines/${id}/metrics`, { body: metricsBody() }],
    ["POST", `/v1/workspaces/default/pipelines/${id}/archive`, {}],
    ["POST", `/v1/workspaces/default/pipelines/${id}/restore`, {}],
    ["POST", `/v1/workspaces/default/pipelines/${id}/rollback`, { body: { version: 1 } }],
    ["POST", "/v1/workspaces/default/pipelines", { body: pipelineBody("sessions-2") }],
    ["POST", "/v1/workspaces/default/pipelines/import", { body: { pipelines: [pipelineBody("sessions-3")] } }],
    ["POST", "/v1/workspaces/default/api-keys", { body: { name: "k", scopes: ["read"] } }],
    ["DELETE", `/v1/workspaces/default/api-keys/${keyId}`, {}],
    ["POST", "/v1/workspaces/default/archive-runs", { body: {} }],
    ["DELETE", `/v1/workspaces/default/pipelines/${id}`, {}],
    ["DELETE", `/v1/workspaces/default/webhooks/${hookId}`, {}],
    ["DELETE", "/v1/workspaces/sessions", {}],
  ];

  it("covers every route the app serves", () => {
    const covered = new Set(
      requests().map(
        ([method, path]) =>
          `${method} ${path
            .split("?")[0]
            ?.replace(/^\/v1\/workspaces\/(default|sessions)/, "/v1/workspaces/:workspace")
            .replace(id, ":id")
            .replace(keyId, ":id")
            .replace(hookId, ":id")
            .replace(/\/1$/, "/:version")}`,
      ),
    );
    for (const route of createApp().routes) {
      if (route.method === "ALL" || !declaredScope(route.handler)) continue;
      expect(covered).toContain(`${route.method} ${route.path}`);
    }
  });

  it("reads start anywhere, writes on the primary, and nothing runs outside the session", async () => {
    for (const [method, path, options] of requests()) {
      recorder.reset();
      const reply = await callWith(fetcher, method, path, options);
      expect({ method, path, status: reply.status < 300 }).toEqual({ method, path, status: true });
      const constraint = method === "GET" || method === "HEAD" ? "first-unconstrained" : "first-primary";
      expect({ method, path, sessions: recorder.sessions, outside: recorder.outside }).toEqual({
        method,
        path,
        sessions: [{ constraint, calls: 1 }],
        outside: 0,
      });
      expect(reply.headers.get(TOKEN)).toMatch(CONSISTENCY_TOKEN);
    }
  });
});
