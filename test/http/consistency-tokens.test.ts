import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/http/app";
import { CONSISTENCY_TOKEN, issueToken, readToken } from "../../src/http/shared/consistency-tokens";
import { tokenSecret } from "../../src/settings";
import { resetDatabase } from "../support/backend";
import { sessionRecorder } from "../support/d1-sessions";
import { call, callWith, createPipeline, pipelineBody } from "../support/http";

/**
 * docs/consistency.md: the Worker signs the tokens it issues, and every answer's token names what
 * the request saw, on D1 (test/pg/consistency.test.ts has PostgreSQL's).
 */
const TOKEN = "X-Consistency-Token";
const recorder = sessionRecorder(env.DB);
const app = createApp();
const fetcher = (request: Request) => app.fetch(request, { ...env, DB: recorder.db });
const secret = tokenSecret(env) ?? "";
const pipelines = "/v1/workspaces/default/pipelines";

describe("consistency tokens are the Worker's own", () => {
  let id: string;
  let real: string;
  beforeAll(async () => {
    await resetDatabase();
    const created = await call("POST", pipelines, { body: pipelineBody("signed") });
    id = created.body.id;
    real = created.headers.get(TOKEN) ?? "";
  });

  it("answers a write with a signed token that names its D1 bookmark", async () => {
    expect(real).toMatch(CONSISTENCY_TOKEN);
    const state = await readToken(real, secret);
    expect(state).toEqual({ position: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{32}$/) });
  });

  it("refuses, on reads and writes alike, a token from the far future, an altered one and one signed with another key, changing nothing", async () => {
    const [position = "", mac = ""] = real.split(".");
    const forged = [
      `ffffffff-ffffffff-ffffffff-${"f".repeat(32)}.${mac}`,
      `${position.slice(0, -1)}${position.endsWith("0") ? "1" : "0"}.${mac}`,
      `${position}.${mac.slice(0, -1)}${mac.endsWith("A") ? "B" : "A"}`,
      `@primary.${mac}`,
      await issueToken({ position: `ffffffff-ffffffff-ffffffff-${"f".repeat(32)}` }, "another deployment's key"),
    ];
    for (const token of forged) {
      const read = await call("GET", `${pipelines}/${id}`, { headers: { [TOKEN]: token } });
      const write = await call("PATCH", `${pipelines}/${id}`, { body: { configuration: { forged: "yes" } }, headers: { [TOKEN]: token } });
      expect({ token, read: read.status, write: write.status }).toEqual({ token, read: 400, write: 400 });
      expect(write.headers.get("Content-Type")).toBe("application/problem+json");
      // The refusal's own token names what it saw, never the forged state.
      expect(await readToken(write.headers.get(TOKEN) ?? "", secret)).not.toEqual(await readToken(token, secret));
    }
    const after = await call("GET", `${pipelines}/${id}`);
    expect({ version: after.body.version, forged: after.body.configuration.forged }).toEqual({ version: 1, forged: undefined });
  });

  it("signs with CONSISTENCY_KEY when it is set, so tokens outlive a new ADMIN_TOKEN", async () => {
    const keyed = createApp();
    const withKey = (request: Request) => keyed.fetch(request, { ...env, CONSISTENCY_KEY: "a key of its own" });
    const read = await callWith(withKey, "GET", `${pipelines}/${id}`);
    const token = read.headers.get(TOKEN) ?? "";
    expect(await readToken(token, "a key of its own")).toEqual({ position: expect.any(String) });
    expect(await readToken(token, secret)).toBeUndefined();
    expect((await callWith(withKey, "GET", pipelines, { headers: { [TOKEN]: token } })).status).toBe(200);
    expect((await callWith(withKey, "GET", pipelines, { headers: { [TOKEN]: real } })).status).toBe(400);
  });
});

describe("every answer carries the token of what it saw", () => {
  let id: string;
  beforeAll(async () => {
    await resetDatabase();
    ({ id } = await createPipeline("taken"));
  });

  it("answers writes refused inside the database (412, 409, 404) with a token that sends the next request to the primary", async () => {
    const missing = "01JD3ZK5Q8W7V6T5S4R3P2N1M0";
    const refusals: [string, string, object, number][] = [
      ["PUT", `${pipelines}/${id}`, { body: pipelineBody("taken"), headers: { "If-Match": '"9"' } }, 412],
      ["POST", pipelines, { body: pipelineBody("taken") }, 409],
      ["PATCH", `${pipelines}/${missing}`, { body: { configuration: { a: "b" } } }, 404],
    ];
    for (const [method, path, options, status] of refusals) {
      const refused = await call(method, path, options);
      expect({ method, status: refused.status }).toEqual({ method, status });
      const token = refused.headers.get(TOKEN);
      expect(token).toMatch(CONSISTENCY_TOKEN);
      // D1 answers an aborted batch with no bookmark: the primary's state is the one the refusal saw.
      expect(await readToken(token ?? "", secret)).toBe("primary");
      recorder.reset();
      const next = await callWith(fetcher, "GET", `${pipelines}/${id}`, { headers: { [TOKEN]: token ?? "" } });
      expect({ status: next.status, sessions: recorder.sessions }).toEqual({
        status: 200,
        sessions: [{ constraint: "first-primary", calls: 1 }],
      });
      expect(await readToken(next.headers.get(TOKEN) ?? "", secret)).toEqual({ position: expect.any(String) });
    }
  });

  it("answers a write refused with a token sent along by the primary's state too, not the older state it was sent", async () => {
    const older = (await call("GET", `${pipelines}/${id}`)).headers.get(TOKEN) ?? "";
    await call("PATCH", `${pipelines}/${id}`, { body: { configuration: { newer: "yes" } } });
    const refused = await call("PUT", `${pipelines}/${id}`, {
      body: pipelineBody("taken"),
      headers: { "If-Match": '"1"', [TOKEN]: older },
    });
    expect(refused.status).toBe(412);
    expect(await readToken(refused.headers.get(TOKEN) ?? "", secret)).toBe("primary");
  });

  it("answers a request that saw no database state with a token that promises nothing, and one sent back with that token", async () => {
    const unauthorized = await call("GET", pipelines, { token: null });
    expect(unauthorized.status).toBe(401);
    const none = unauthorized.headers.get(TOKEN) ?? "";
    expect(await readToken(none, secret)).toBe("none");
    recorder.reset();
    const read = await callWith(fetcher, "GET", pipelines, { headers: { [TOKEN]: none } });
    expect({ status: read.status, sessions: recorder.sessions }).toEqual({
      status: 200,
      sessions: [{ constraint: "first-unconstrained", calls: 1 }],
    });
    const sent = read.headers.get(TOKEN) ?? "";
    expect((await call("GET", pipelines, { token: null, headers: { [TOKEN]: sent } })).headers.get(TOKEN)).toBe(sent);
  });

  it("answers unknown routes and wrong methods under /v1 with a token too", async () => {
    for (const [method, path, status] of [
      ["GET", "/v1/nowhere", 404],
      ["DELETE", pipelines, 405],
    ] as const) {
      const reply = await call(method, path);
      expect({ path, status: reply.status, token: reply.headers.get(TOKEN) }).toEqual({
        path,
        status,
        token: expect.stringMatching(CONSISTENCY_TOKEN),
      });
    }
  });
});
