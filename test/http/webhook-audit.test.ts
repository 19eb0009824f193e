import { beforeEach, describe, expect, it } from "vitest";
import { MAX_WEBHOOKS } from "../../src/domain/webhook";
import { resetDatabase, sqlRows } from "../support/backend";
import { call } from "../support/http";
import { createEndpoint, WEBHOOKS } from "../support/webhooks";
import { createKey, createWorkspace } from "../support/workspaces";

/** Webhook endpoints in the audit log, and the cap on how many a workspace holds (docs/webhooks.md). */

beforeEach(resetDatabase);

const URL = "https://hooks.example.com/audit";
const AUDIT = "/v1/workspaces/default/audit-events";
const ADMIN = { type: "admin", id: null };

/** The workspace's audit events of webhooks, oldest first, without their ids and times. */
async function webhookEvents() {
  const events = (await call("GET", `${AUDIT}?limit=100`)).body.data as Record<string, unknown>[];
  return events
    .filter((event) => (event.resource as { type: string }).type === "webhook")
    .reverse()
    .map(({ id: _, at: __, ...event }) => event);
}

describe("webhook endpoints in the audit log", () => {
  it("record created, updated (by a patch and by a rotation) and deleted, with the caller as actor and the request's id", async () => {
    const admin = await createKey("default", ["admin"]);
    const keyActor = { type: "apiKey", id: admin.id };
    const created = await call("POST", WEBHOOKS, { body: { url: URL }, token: admin.key, headers: { "X-Request-Id": "hook-1" } });
    expect(created.status).toBe(201);
    const id = created.body.id;
    expect((await call("PATCH", `${WEBHOOKS}/${id}`, { body: { description: "CI" } })).status).toBe(200);
    expect((await call("POST", `${WEBHOOKS}/${id}/rotate-secret`, { token: admin.key })).status).toBe(200);
    expect((await call("DELETE", `${WEBHOOKS}/${id}`, { headers: { "X-Request-Id": "hook-4" } })).status).toBe(204);
    const resource = { type: "webhook", id };
    expect(await webhookEvents()).toEqual([
      { action: "webhook.created", actor: keyActor, resource, version: null, requestId: "hook-1" },
      { action: "webhook.updated", actor: ADMIN, resource, version: null, requestId: expect.any(String) },
      { action: "webhook.updated", actor: keyActor, resource, version: null, requestId: expect.any(String) },
      { action: "webhook.deleted", actor: ADMIN, resource, version: null, requestId: "hook-4" },
    ]);
    for (const action of ["webhook.created", "webhook.updated", "webhook.deleted"]) {
      const listed = await call("GET", `${AUDIT}?action=${action}`);
      expect(listed.status).toBe(200);
      expect(listed.body.data.map((event: { action: string }) => event.action)).toEqual(
        action === "webhook.updated" ? [action, action] : [action],
      );
    }
    expect((await call("GET", `${AUDIT}?action=webhook.disabled`)).body.data).toEqual([]);
  });

  it("record nothing for a patch, rotation or delete of an unknown endpoint", async () => {
    const { id } = await createEndpoint(URL);
    expect((await call("DELETE", `${WEBHOOKS}/${id}`)).status).toBe(204);
    const before = await webhookEvents();
    expect(before.map((event) => event.action)).toEqual(["webhook.created", "webhook.deleted"]);
    expect((await call("DELETE", `${WEBHOOKS}/${id}`)).status).toBe(404);
    expect((await call("PATCH", `${WEBHOOKS}/${id}`, { body: { status: "disabled" } })).status).toBe(404);
    expect((await call("POST", `${WEBHOOKS}/${id}/rotate-secret`)).status).toBe(404);
    expect(await webhookEvents()).toEqual(before);
  });

  it("make no change events: the feed stays empty and no outbox row is made", async () => {
    await createEndpoint(URL);
    const { id } = await createEndpoint(`${URL}/2`);
    await call("PATCH", `${WEBHOOKS}/${id}`, { body: { types: ["pipeline.created"] } });
    await call("DELETE", `${WEBHOOKS}/${id}`);
    expect((await webhookEvents()).length).toBe(4);
    expect((await call("GET", "/v1/workspaces/default/events")).body.data).toEqual([]);
    expect(await sqlRows("SELECT * FROM webhook_outbox")).toEqual([]);
  });
});

describe("the endpoint cap", () => {
  it(`refuses the endpoint past ${MAX_WEBHOOKS} with a 409 that writes nothing, and takes one again after a delete`, async () => {
    const ids: string[] = [];
    for (let i = 0; i < MAX_WEBHOOKS; i++) ids.push((await createEndpoint(`${URL}/${i}`)).id);
    const refused = await call("POST", WEBHOOKS, { body: { url: `${URL}/over` } });
    expect(refused.status).toBe(409);
    expect(refused.body.type).toContain("conflict/quota-exceeded");
    expect(refused.body.detail).toContain(String(MAX_WEBHOOKS));
    const listed = (await call("GET", `${WEBHOOKS}?limit=100`)).body.data as { url: string }[];
    expect(listed).toHaveLength(MAX_WEBHOOKS);
    expect(listed.some((endpoint) => endpoint.url.endsWith("/over"))).toBe(false);
    expect((await call("GET", `${AUDIT}?action=webhook.created&limit=100`)).body.data).toHaveLength(MAX_WEBHOOKS);
    expect((await call("DELETE", `${WEBHOOKS}/${ids[0]}`)).status).toBe(204);
    expect((await call("POST", WEBHOOKS, { body: { url: `${URL}/again` } })).status).toBe(201);
    expect((await call("POST", WEBHOOKS, { body: { url: `${URL}/over-again` } })).status).toBe(409);
  });

  it("counts each workspace's endpoints on their own", async () => {
    for (let i = 0; i < MAX_WEBHOOKS; i++) await createEndpoint(`${URL}/${i}`);
    await createWorkspace("other-hooks");
    expect((await call("POST", "/v1/workspaces/other-hooks/webhooks", { body: { url: URL } })).status).toBe(201);
  });
});
