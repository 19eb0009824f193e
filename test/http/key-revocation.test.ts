import { beforeEach, describe, expect, it } from "vitest";
import { oldFormatKey } from "../support/api-keys";
import { resetDatabase, sqlRows } from "../support/backend";
import { call, createPipeline, pipelineBody } from "../support/http";

/**
 * docs/security.md: once DELETE /v1/workspaces/default/api-keys/{id} has answered, no write made with that key
 * commits, because the key is checked in the same database call as the write.
 */

const newFormatKey = async (scopes: string[]) =>
  (await call("POST", "/v1/workspaces/default/api-keys", { body: { name: "new format", scopes } })).body as { id: string; key: string };

const auditEvents = async () =>
  await sqlRows<{ seq: number; action: string; actor_id: string | null; resource_id: string }>(
    "SELECT seq, action, actor_id, resource_id FROM audit_events ORDER BY seq",
  );

beforeEach(() => resetDatabase());

describe.each([
  ["a key that names its id", () => newFormatKey(["write"])],
  ["a key of the old format", () => oldFormatKey("write")],
])("%s", (_, makeKey) => {
  it("works for reads and writes, and not at all once revoked", async () => {
    const { id, key } = await makeKey();
    const created = await call("POST", "/v1/workspaces/default/pipelines", { token: key, body: pipelineBody("by-key") });
    expect(created.status).toBe(201);
    expect((await call("GET", `/v1/workspaces/default/pipelines/${created.body.id}`, { token: key })).status).toBe(200);
    expect((await call("DELETE", `/v1/workspaces/default/api-keys/${id}`)).status).toBe(204);
    for (const [method, path, body] of [
      ["GET", `/v1/workspaces/default/pipelines/${created.body.id}`],
      ["GET", "/v1/workspaces/default/pipelines"],
      ["PATCH", `/v1/workspaces/default/pipelines/${created.body.id}`, { configuration: { a: "b" } }],
      ["PATCH", `/v1/workspaces/default/pipelines/${created.body.id}`, { name: "" }],
      ["POST", "/v1/workspaces/default/pipelines", { name: "" }],
    ] as const) {
      const reply = await call(method, path, { token: key, body });
      expect({ method, path, status: reply.status, auth: reply.headers.get("WWW-Authenticate") }).toEqual({
        method,
        path,
        status: 401,
        auth: expect.stringMatching(/^Bearer/),
      });
    }
  });

  it("races its revocation: no write made with it commits after the revocation", async () => {
    const { id, key } = await makeKey();
    const targets = await Promise.all(Array.from({ length: 4 }, (_, i) => createPipeline(`race-${i}`)));
    const writes = Array.from({ length: 60 }, (_, i) => {
      const target = targets[i % targets.length]?.id;
      return i % 3 === 0
        ? call("POST", "/v1/workspaces/default/pipelines", { token: key, body: pipelineBody(`race-new-${i}`) })
        : call("PATCH", `/v1/workspaces/default/pipelines/${target}`, {
            token: key,
            body: { configuration: { [`k${i % 50}`]: String(i) } },
          });
    });
    // The revocation starts once a write with the key has committed, the others still in flight:
    // a race whatever the speed of the backend (each PostgreSQL request opens a connection here).
    await Promise.race([
      Promise.all(writes),
      new Promise<void>((committed) => {
        for (const write of writes) void write.then((reply) => reply.status < 300 && committed());
      }),
    ]);
    const revocation = call("DELETE", `/v1/workspaces/default/api-keys/${id}`);
    const later = Array.from({ length: 30 }, (_, i) =>
      call("POST", "/v1/workspaces/default/pipelines", { token: key, body: pipelineBody(`race-late-${i}`) }),
    );
    // And some once the revocation has answered: those are refused whatever the timing.
    const after = revocation.then(() =>
      Promise.all(
        Array.from({ length: 5 }, (_, i) =>
          call("POST", "/v1/workspaces/default/pipelines", { token: key, body: pipelineBody(`race-after-${i}`) }),
        ),
      ),
    );
    const replies = [...(await Promise.all([...writes.slice(0, 30), revocation, ...writes.slice(30), ...later])), ...(await after)];
    expect((await after).map((reply) => reply.status)).toEqual(Array(5).fill(401));
    expect(replies.filter((reply) => ![200, 201, 204, 401].includes(reply.status)).map((reply) => reply.text)).toEqual([]);

    const events = await auditEvents();
    const revoked = events.find((event) => event.action === "apiKey.revoked" && event.resource_id === id);
    expect(revoked).toBeDefined();
    const byKey = events.filter((event) => event.actor_id === id);
    // A race indeed: writes with the key committed before the revocation, and others were refused after it.
    expect(byKey.length).toBeGreaterThan(0);
    expect(replies.filter((reply) => reply.status === 401).length).toBeGreaterThan(0);
    expect(byKey.filter((event) => event.seq > (revoked?.seq ?? 0))).toEqual([]);
    // Every write answered as a success committed (with its event), and every one that committed was answered so.
    expect(byKey).toHaveLength(replies.filter((reply) => reply.status < 300).length - 1);
    const [revisions] = await sqlRows<{ n: number }>("SELECT count(*) AS n FROM pipeline_revisions WHERE actor_id = ?", id);
    expect(revisions?.n).toBe(byKey.length);
  });
});
