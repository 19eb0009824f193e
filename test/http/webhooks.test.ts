import { beforeEach, describe, expect, it } from "vitest";
import { resetDatabase } from "../support/backend";
import { call } from "../support/http";
import { createEndpoint, WEBHOOKS } from "../support/webhooks";
import { createKey } from "../support/workspaces";

/** The endpoints themselves (docs/webhooks.md): admin only, the secret shown twice at most, paged, patched, rotated, deleted. */

beforeEach(resetDatabase);

const SECRET = /^whsec_[A-Za-z0-9+/]{43}=$/;
const URL = "https://hooks.example.com/pipelines";

describe("webhook endpoints", () => {
  it("are created enabled with a whsec_ secret of 32 random bytes that only the creation shows", async () => {
    const created = await call("POST", WEBHOOKS, {
      body: { url: URL, types: ["pipeline.created", "pipeline.deleted"], description: "CI" },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ url: URL, types: ["pipeline.created", "pipeline.deleted"], description: "CI", status: "enabled" });
    expect(created.body.secret).toMatch(SECRET);
    expect(atob(created.body.secret.slice(6))).toHaveLength(32);
    const other = await createEndpoint(URL);
    expect(other.secret).not.toBe(created.body.secret);
    const shown = await call("GET", `${WEBHOOKS}/${created.body.id}`);
    expect(shown.status).toBe(200);
    expect(shown.body).toEqual({ ...created.body, secret: undefined, lastDelivery: null });
    expect(shown.text).not.toContain(created.body.secret);
    const listed = await call("GET", WEBHOOKS);
    expect(listed.text).not.toContain("whsec_");
  });

  it("take every type when none is given, and refuse an unknown type or one given twice", async () => {
    const created = await call("POST", WEBHOOKS, { body: { url: URL } });
    expect(created.body.types).toEqual([]);
    expect(created.body.description).toBeNull();
    for (const types of [["pipeline.nope"], ["pipeline.*", "pipeline.*"], "pipeline.*"]) {
      const refused = await call("POST", WEBHOOKS, { body: { url: URL, types } });
      expect(refused.status, JSON.stringify(types)).toBe(400);
      expect(refused.body.errors[0].path).toMatch(/^\/types/);
    }
    expect((await call("POST", WEBHOOKS, { body: { url: URL, secret: "mine" } })).status).toBe(400);
  });

  it("are listed newest first, a page at a time, with a cursor bound to the listing", async () => {
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await createEndpoint(`${URL}/${i}`)).id);
    const first = await call("GET", `${WEBHOOKS}?limit=2`);
    expect(first.status).toBe(200);
    expect(first.body.data.map((e: { id: string }) => e.id)).toEqual([ids[2], ids[1]]);
    expect(first.headers.get("Link")).toContain('rel="next"');
    const second = await call("GET", `${WEBHOOKS}?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.data.map((e: { id: string }) => e.id)).toEqual([ids[0]]);
    expect(second.body.nextCursor).toBeNull();
    const deliveries = await call("GET", `${WEBHOOKS}/${ids[0]}/deliveries?cursor=${first.body.nextCursor}`);
    expect(deliveries.status).toBe(400);
  });

  it("are patched member by member, and enabling one forgets why a delivery disabled it", async () => {
    const { id } = await createEndpoint(URL, { description: "first" });
    const patched = await call("PATCH", `${WEBHOOKS}/${id}`, { body: { types: ["pipeline.*"], status: "disabled" } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ url: URL, types: ["pipeline.*"], description: "first", status: "disabled" });
    const moved = await call("PATCH", `${WEBHOOKS}/${id}`, {
      body: { url: `${URL}/v2`, description: null, status: "enabled" },
      contentType: "application/merge-patch+json",
    });
    expect(moved.body).toMatchObject({ url: `${URL}/v2`, description: null, status: "enabled" });
    expect(moved.body.disabledReason).toBeUndefined();
    expect((await call("PATCH", `${WEBHOOKS}/${id}`, { body: { status: "paused" } })).status).toBe(400);
    expect((await call("GET", `${WEBHOOKS}/${id}`)).body).toMatchObject({ url: `${URL}/v2`, status: "enabled" });
  });

  it("get a new secret from rotate-secret, shown in its answer only", async () => {
    const { id, secret } = await createEndpoint(URL);
    const rotated = await call("POST", `${WEBHOOKS}/${id}/rotate-secret`);
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).toMatch(SECRET);
    expect(rotated.body.secret).not.toBe(secret);
    expect((await call("GET", `${WEBHOOKS}/${id}`)).text).not.toContain("whsec_");
  });

  it("are deleted with their deliveries, and an unknown or malformed id is a 404 on every route", async () => {
    const { id } = await createEndpoint(URL);
    expect((await call("DELETE", `${WEBHOOKS}/${id}`)).status).toBe(204);
    for (const missing of [id, "not-an-id"]) {
      for (const [method, rest] of [
        ["GET", ""],
        ["DELETE", ""],
        ["POST", "/rotate-secret"],
        ["POST", "/ping"],
        ["GET", "/deliveries"],
      ] as const) {
        expect((await call(method, `${WEBHOOKS}/${missing}${rest}`)).status, `${method} ${rest}`).toBe(404);
      }
      expect((await call("PATCH", `${WEBHOOKS}/${missing}`, { body: { status: "enabled" } })).status).toBe(404);
    }
    expect((await call("GET", WEBHOOKS)).body.data).toEqual([]);
  });

  it("are the admin scope's alone: a write key may neither list nor create them", async () => {
    const writer = await createKey("default", ["write"]);
    const admin = await createKey("default", ["admin"]);
    expect((await call("GET", WEBHOOKS, { token: writer.key })).status).toBe(403);
    expect((await call("POST", WEBHOOKS, { token: writer.key, body: { url: URL } })).status).toBe(403);
    expect((await call("POST", WEBHOOKS, { token: admin.key, body: { url: URL } })).status).toBe(201);
    expect((await call("GET", WEBHOOKS, { token: admin.key })).body.data).toHaveLength(1);
  });
});
