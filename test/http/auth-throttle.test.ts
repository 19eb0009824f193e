import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { countingApp, resetDatabase } from "../support/backend";
import { call, callWith, createPipeline } from "../support/http";

/** Guessing is throttled (docs/security.md): 401s per client address, 403s against the caller's budget. */

const counter = countingApp();
let readKey: string;

beforeAll(async () => {
  await resetDatabase();
  readKey = (await call("POST", "/v1/workspaces/default/api-keys", { body: { name: "reader", scopes: ["read"] } })).body.key;
});

/** Each test uses its own address: the small binding's budget is per address and lasts a minute. */
const from =
  (address: string, overrides: Partial<Cloudflare.Env> = {}) =>
  (request: Request) => {
    const headers = new Headers(request.headers);
    headers.set("CF-Connecting-IP", address);
    return counter.fetch(new Request(request, { headers }), { AUTH_FAILURE_LIMITER: env.SMALL_AUTH_FAILURE_LIMITER, ...overrides });
  };

const guess = () => `plk_${crypto.randomUUID().replaceAll("-", "")}`;

describe("requests refused with 401", () => {
  it("are limited per address: 429 with Retry-After past the budget, other addresses unaffected", async () => {
    const statuses: number[] = [];
    for (const token of [guess(), null, "not-a-token", guess(), guess()]) {
      statuses.push((await callWith(from("203.0.113.1"), "GET", "/v1/workspaces/default/pipelines", { token })).status);
    }
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
    const limited = await callWith(from("203.0.113.1"), "GET", "/v1/workspaces/default/pipelines/count", { token: guess() });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect(limited.headers.get("Content-Type")).toBe("application/problem+json");
    expect((await callWith(from("203.0.113.2"), "GET", "/v1/workspaces/default/pipelines", { token: guess() })).status).toBe(401);
  });

  it("stop an address over its budget before any database lookup, even with a right token", async () => {
    for (let i = 0; i < 4; i++) await callWith(from("203.0.113.3"), "GET", "/v1/workspaces/default/pipelines", { token: guess() });
    counter.reset();
    const watched = from("203.0.113.3");
    expect((await callWith(watched, "GET", "/v1/workspaces/default/pipelines", { token: guess() })).status).toBe(429);
    expect((await callWith(watched, "GET", "/v1/workspaces/default/pipelines", { token: readKey })).status).toBe(429);
    expect((await callWith(watched, "GET", "/v1/workspaces/default/pipelines", {})).status).toBe(429);
    expect(counter.calls).toBe(0);
  });

  it("count too when the database refuses a key in the request's own call (forged or revoked keys that name an id)", async () => {
    const forged = `${readKey.slice(0, -1)}${readKey.endsWith("A") ? "B" : "A"}`;
    const revoked = (await call("POST", "/v1/workspaces/default/api-keys", { body: { name: "revoked", scopes: ["admin"] } })).body;
    expect((await call("DELETE", `/v1/workspaces/default/api-keys/${revoked.id}`)).status).toBe(204);
    const statuses: number[] = [];
    for (const [token, method] of [
      [forged, "GET"],
      [revoked.key, "GET"],
      [revoked.key, "POST"],
      [forged, "GET"],
    ] as const) {
      statuses.push(
        (
          await callWith(from("203.0.113.5"), method, "/v1/workspaces/default/pipelines", {
            token,
            body: method === "POST" ? {} : undefined,
          })
        ).status,
      );
    }
    expect(statuses).toEqual([401, 401, 401, 429]);
  });

  it("leave callers with valid credentials alone", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++)
      statuses.push((await callWith(from("203.0.113.4"), "GET", "/v1/workspaces/default/pipelines/count", { token: readKey })).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200]);
  });
});

describe("requests refused with 403", () => {
  it("spend the caller's budget", async () => {
    const { id } = await createPipeline("guarded");
    const small = (request: Request) => counter.fetch(request, { RATE_LIMITER: env.SMALL_RATE_LIMITER });
    const key = (await call("POST", "/v1/workspaces/default/api-keys", { body: { name: "refused", scopes: ["read"] } })).body.key;
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++)
      statuses.push((await callWith(small, "DELETE", `/v1/workspaces/default/pipelines/${id}`, { token: key })).status);
    statuses.push((await callWith(small, "GET", `/v1/workspaces/default/pipelines/${id}`, { token: key })).status);
    expect(statuses).toEqual([403, 403, 403, 429]);
  });
});

describe("caching", () => {
  it("forbids storing any /v1 response: successes, errors, 304s and the new API key", async () => {
    const created = await createPipeline("cached");
    const replies = [
      await call("GET", `/v1/workspaces/default/pipelines/${created.id}`),
      await call("GET", `/v1/workspaces/default/pipelines/${created.id}`, { headers: { "If-None-Match": '"1"' } }),
      await call("POST", "/v1/workspaces/default/api-keys", { body: { name: "shown once", scopes: ["read"] } }),
      await call("GET", "/v1/workspaces/default/pipelines", { token: null }),
      await call("GET", "/v1/workspaces/default/pipelines/01JD3ZK5Q8W7V6T5S4R3P2N1M0"),
      await call("GET", "/v1/nowhere"),
      await call("PATCH", "/v1/workspaces/default/pipelines"),
      await call("POST", "/v1/workspaces/default/pipelines", { body: "{" }),
      await call("GET", "/v1"),
    ];
    expect(replies.map((reply) => reply.status)).toEqual([200, 304, 201, 401, 404, 404, 405, 400, 404]);
    for (const reply of replies) expect(reply.headers.get("Cache-Control")).toBe("no-store");
    expect((await call("GET", "/healthz", { token: null })).headers.get("Cache-Control")).toBeNull();
  });
});
