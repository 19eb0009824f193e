import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/http/app";
import { declaredScope } from "../../src/http/middleware/auth";
import { resetDatabase, sqlRows } from "../support/backend";
import { call, callWith, createPipeline, type Reply } from "../support/http";

/**
 * The shared security suite: every /v1 route the app serves, with every kind of bad
 * credential, and keys of each scope.
 */
const app = createApp();
const SOME_ID = "01JD3ZK5Q8W7V6T5S4R3P2N1M0";

interface RouteUnderTest {
  method: string;
  path: string;
  scope: string;
}

const routes: RouteUnderTest[] = [];
for (const route of app.routes) {
  if (route.method === "ALL" || !route.path.startsWith("/v1/")) continue;
  const scope = declaredScope(route.handler);
  if (!scope) continue;
  // The operator's routes on a workspace that does not exist: sent with the operator's token, DELETE would delete it.
  const workspace = scope === "operator" ? "no-such-workspace" : "default";
  routes.push({ method: route.method, path: route.path.replace(":workspace", workspace).replace(":id", SOME_ID), scope });
}

const keys: Record<string, { id: string; key: string }> = {};
let revokedKey: string;
let secretsSeen: string[];

beforeAll(async () => {
  await resetDatabase();
  await sqlRows("DELETE FROM api_keys");
  for (const scope of ["read", "write", "admin"]) {
    const created = await call("POST", "/v1/workspaces/default/api-keys", { body: { name: `${scope} key`, scopes: [scope] } });
    expect(created.status).toBe(201);
    keys[scope] = created.body;
  }
  const revoked = await call("POST", "/v1/workspaces/default/api-keys", { body: { name: "revoked", scopes: ["admin"] } });
  revokedKey = revoked.body.key;
  expect((await call("DELETE", `/v1/workspaces/default/api-keys/${revoked.body.id}`)).status).toBe(204);
  const hashes = await sqlRows<{ key_hash: string }>("SELECT key_hash FROM api_keys");
  secretsSeen = [...Object.values(keys).map((k) => k.key), revokedKey, ...hashes.map((r) => r.key_hash), "test-admin-token"];
});

function expectNoSecrets(reply: Reply) {
  for (const secret of secretsSeen) expect(reply.text).not.toContain(secret);
  expect(reply.text).not.toMatch(/\bat .*\.(ts|js):\d+|SQLITE|D1_ERROR/);
}

const send = (route: RouteUnderTest, headers: Record<string, string>) =>
  callWith((request) => app.fetch(request, env), route.method, route.path, { token: null, headers });

describe("every /v1 route refuses bad credentials", () => {
  it("covers every route of the API", () => {
    const paths = new Set(routes.map((r) => r.path.replace(SOME_ID, ":id")));
    for (const path of [
      "/v1/workspaces/default/pipelines",
      "/v1/workspaces/default/pipelines/:id",
      "/v1/workspaces/default/pipelines/:id/metrics",
      "/v1/workspaces/default/api-keys",
      "/v1/workspaces/default/archive-runs",
    ]) {
      expect(paths).toContain(path);
    }
  });

  const bad: [string, Record<string, string>][] = [
    ["no token", {}],
    ["a malformed header", { Authorization: "Bearer" }],
    ["two tokens", { Authorization: "Bearer a b" }],
    ["the wrong scheme", { Authorization: "Basic dXNlcjpwYXNz" }],
    ["an unknown key", { Authorization: "Bearer plk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" }],
    ["an unknown token", { Authorization: "Bearer not-the-admin-token" }],
  ];
  it.each(bad)("gives 401 with WWW-Authenticate for %s", async (_, headers) => {
    for (const route of routes) {
      const reply = await send(route, headers);
      expect({ route, status: reply.status }).toEqual({ route, status: 401 });
      expect(reply.headers.get("WWW-Authenticate")).toMatch(/^Bearer/);
      expect(reply.headers.get("Content-Type")).toBe("application/problem+json");
      expectNoSecrets(reply);
    }
  });

  it("gives 401 for a revoked key, at once", async () => {
    for (const route of routes) {
      const reply = await send(route, { Authorization: `Bearer ${revokedKey}` });
      expect({ route, status: reply.status }).toEqual({ route, status: 401 });
    }
  });

  it("gives 403 to a read key on writes and a write key on admin routes, and lets the rest through exactly as the admin token", async () => {
    const rank = { read: 0, write: 1, admin: 2 } as const;
    for (const route of routes) {
      // What the route answers this request when the credentials are not the question (no body, an unknown id).
      const asAdmin = (await send(route, { Authorization: "Bearer test-admin-token" })).status;
      expect({ route, asAdmin }).not.toMatchObject({ asAdmin: expect.toBeOneOf([401, 403, 500]) });
      for (const held of ["read", "write", "admin"] as const) {
        const reply = await send(route, { Authorization: `Bearer ${keys[held]?.key}` });
        const allowed = rank[held] >= rank[route.scope as keyof typeof rank];
        expect({ route, held, status: reply.status }).toEqual({ route, held, status: allowed ? asAdmin : 403 });
        expectNoSecrets(reply);
      }
    }
  });
});

describe("API keys", () => {
  it("are shown once, listed without key or hash, and work until revoked", async () => {
    const created = await call("POST", "/v1/workspaces/default/api-keys", { body: { name: "ci", scopes: ["read", "write"] } });
    expect(created.status).toBe(201);
    // plk_, the workspace, the id, the scopes as one digit (read 1 + write 2), 256 random bits.
    expect(created.body.key).toBe(`plk_default_${created.body.id}3${created.body.key.slice(39)}`);
    expect(created.body.key).toMatch(/^plk_default_[0-9A-Z]{26}3[A-Za-z0-9_-]{43}$/);
    expect(created.body).toMatchObject({ name: "ci", scopes: ["read", "write"], prefix: `plk_default_${created.body.id}` });
    const [stored] = await sqlRows<{ key_hash: string }>("SELECT key_hash FROM api_keys WHERE id = ?", created.body.id);
    expect(stored?.key_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(stored?.key_hash).not.toContain(created.body.key);

    const listed = await call("GET", "/v1/workspaces/default/api-keys");
    expect(listed.status).toBe(200);
    expect(listed.text).not.toContain(created.body.key);
    expect(listed.text).not.toContain(stored?.key_hash);
    expect(listed.body.data.find((k: { id: string }) => k.id === created.body.id)).toEqual({
      id: created.body.id,
      name: "ci",
      scopes: ["read", "write"],
      prefix: created.body.prefix,
      createdAt: created.body.createdAt,
      revokedAt: null,
    });

    const asKey = { token: created.body.key as string };
    expect(
      (
        await call("POST", "/v1/workspaces/default/pipelines", {
          ...asKey,
          body: { name: "by-key", stages: [{ name: "s", stageType: "transform", algorithm: "t" }] },
        })
      ).status,
    ).toBe(201);
    expect((await call("DELETE", `/v1/workspaces/default/api-keys/${created.body.id}`)).status).toBe(204);
    expect((await call("GET", "/v1/workspaces/default/pipelines", asKey)).status).toBe(401);
    expect((await call("DELETE", `/v1/workspaces/default/api-keys/${created.body.id}`)).status).toBe(204);
    expect((await call("DELETE", `/v1/workspaces/default/api-keys/${SOME_ID}`)).status).toBe(404);
    expect((await call("DELETE", "/v1/workspaces/default/api-keys/not-an-id")).status).toBe(404);
  });

  it("validate their name and scopes", async () => {
    for (const body of [
      { name: "x", scopes: [] },
      { name: "x", scopes: ["root"] },
      { name: "", scopes: ["read"] },
      { name: "x", scopes: ["read", "read"] },
      { name: "x", scopes: ["read"], key: "plk_mine" },
    ]) {
      const reply = await call("POST", "/v1/workspaces/default/api-keys", { body });
      expect(reply.status).toBe(400);
    }
  });

  it("scope idempotency keys to the caller", async () => {
    const headers = { "Idempotency-Key": "shared-key" };
    const body = { name: "scoped-1", stages: [{ name: "s", stageType: "transform", algorithm: "t" }] };
    const a = await call("POST", "/v1/workspaces/default/pipelines", { body, headers, token: keys.write?.key });
    const b = await call("POST", "/v1/workspaces/default/pipelines", {
      body: { ...body, name: "scoped-2" },
      headers,
      token: keys.admin?.key,
    });
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(b.body.id).not.toBe(a.body.id);
  });
});

describe("fail closed, limits and headers", () => {
  it("refuses every /v1 request, API keys included, when no ADMIN_TOKEN is configured", async () => {
    const unconfigured = (request: Request) => app.fetch(request, { ...env, ADMIN_TOKEN: undefined });
    for (const token of ["", "test-admin-token", keys.admin?.key ?? ""]) {
      const reply = await callWith(unconfigured, "GET", "/v1/workspaces/default/pipelines", { token });
      expect(reply.status).toBe(401);
    }
    expect((await callWith(unconfigured, "GET", "/healthz", { token: null })).status).toBe(200);
  });

  it("limits each token: 429 with Retry-After past its budget, other tokens unaffected", async () => {
    const small = (request: Request) => app.fetch(request, { ...env, RATE_LIMITER: env.SMALL_RATE_LIMITER });
    // Miniflare's limiter counts in 60 s windows aligned to the epoch: requests that straddle a
    // window's end are counted in two, so such a round is run again with a new key.
    const minute = () => Math.floor(Date.now() / 60_000);
    let created: Awaited<ReturnType<typeof call>>;
    let statuses: number[];
    let limited: Awaited<ReturnType<typeof callWith>>;
    let started: number;
    do {
      started = minute();
      created = await call("POST", "/v1/workspaces/default/api-keys", { body: { name: "limited", scopes: ["read"] } });
      statuses = [];
      for (let i = 0; i < 5; i++)
        statuses.push((await callWith(small, "GET", "/v1/workspaces/default/pipelines/count", { token: created.body.key })).status);
      limited = await callWith(small, "GET", "/v1/workspaces/default/pipelines/count", { token: created.body.key });
    } while (minute() !== started);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    // The seconds left in the limiter's window (test/http/retry-after.test.ts).
    expect(Number(limited.headers.get("Retry-After"))).toBeGreaterThanOrEqual(1);
    expect(Number(limited.headers.get("Retry-After"))).toBeLessThanOrEqual(60);
    expect(limited.headers.get("Content-Type")).toBe("application/problem+json");
    expect((await callWith(small, "GET", "/v1/workspaces/default/pipelines/count", { token: keys.read?.key })).status).toBe(200);
  });

  it("sends secure headers, and CORS only for configured origins", async () => {
    const plain = await call("GET", "/healthz", { token: null, headers: { Origin: "https://app.example" } });
    expect(plain.headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(plain.headers.get("Access-Control-Allow-Origin")).toBeNull();
    const noPolicy = await call("OPTIONS", "/v1/workspaces/default/pipelines", {
      token: null,
      headers: { Origin: "https://app.example", "Access-Control-Request-Method": "POST" },
    });
    expect(noPolicy.status).toBe(405);
    expect(noPolicy.headers.get("Access-Control-Allow-Origin")).toBeNull();

    const withCors = (request: Request) => app.fetch(request, { ...env, CORS_ORIGINS: "https://app.example, https://other.example" });
    const allowed = await callWith(withCors, "GET", "/v1/workspaces/default/pipelines", { headers: { Origin: "https://app.example" } });
    expect(allowed.headers.get("Access-Control-Allow-Origin")).toBe("https://app.example");
    expect(allowed.headers.get("Access-Control-Expose-Headers")?.split(/,\s*/)).toEqual(
      expect.arrayContaining(["ETag", "Link", "X-Request-Id", "Retry-After"]),
    );
    const preflight = await callWith(withCors, "OPTIONS", "/v1/workspaces/default/pipelines", {
      token: null,
      headers: { Origin: "https://other.example", "Access-Control-Request-Method": "POST" },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("Access-Control-Allow-Headers")).toContain("Authorization");
    const stranger = await callWith(withCors, "GET", "/v1/workspaces/default/pipelines", { headers: { Origin: "https://evil.example" } });
    expect(stranger.headers.get("Access-Control-Allow-Origin")).toBeNull();
  });

  it("never shows a key, a hash or a stack in an error, even an unexpected one", async () => {
    const { id } = await createPipeline("boom");
    const broken = createApp({
      repository: () => {
        throw new Error(`internal failure near SQLITE with ${keys.admin?.key}`);
      },
    });
    const reply = await callWith((request) => broken.fetch(request, env), "GET", `/v1/workspaces/default/pipelines/${id}`);
    expect(reply.status).toBe(500);
    expect(reply.body).toMatchObject({ status: 500, requestId: reply.headers.get("X-Request-Id") });
    expectNoSecrets(reply);
  });
});
