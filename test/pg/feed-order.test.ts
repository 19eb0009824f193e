import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { postgresClient } from "../../src/storage/postgres/connection";
import { resetDatabase } from "../support/backend";
import { readFeed } from "../support/feed";
import { call, pipelineBody } from "../support/http";
import { path } from "../support/workspaces";

/**
 * On PostgreSQL a sequence hands seqs out in the order transactions ask, not the order they
 * commit: a write that took seq n and has not committed must keep every later writer of its
 * workspace from taking n + 1 and committing first (a consumer would page past n before it
 * shows). Every write that makes change events locks its workspace's feed row first
 * (registry_lock_feed) and holds it to its commit. Here a transaction holds that lock with an
 * event taken: a write of the API waits for it, and the feed shows neither until it commits.
 */

beforeEach(() => resetDatabase());

const HELD_EVENT = `INSERT INTO change_events (id, workspace, type, at, actor_type, request_id, resource_type, resource_id)
  VALUES ('01JD3ZK5Q8W7V6T5S4R3P2N1M0', 'default', 'pipeline.deleted', now(), 'system', 'held', 'pipeline', '01JD3ZK5Q8W7V6T5S4R3P2N1M1')
  RETURNING seq`;

describe("seqs in the order of commit, on PostgreSQL", () => {
  it("a write of the workspace waits for the uncommitted one that holds the feed's lock, and takes a higher seq", async () => {
    if (!env.HYPERDRIVE) throw new Error("No HYPERDRIVE binding: run this file in the workers-pg project (vitest.config.ts).");
    const { cursor } = await readFeed();
    const held = postgresClient(env.HYPERDRIVE.connectionString);
    await held.connect();
    try {
      await held.query("BEGIN");
      await held.query("SELECT registry_lock_feed('default')");
      const [{ seq }] = (await held.query<{ seq: string }>(HELD_EVENT)).rows as [{ seq: string }];
      let answered = false;
      const write = call("POST", path("default", "/pipelines"), { body: pipelineBody("after the held one") }).then((reply) => {
        answered = true;
        return reply;
      });
      // However long it is given, the write cannot commit its event before the held one does (nor, then, answer).
      await new Promise((resolve) => setTimeout(resolve, 700));
      expect(answered).toBe(false);
      expect((await readFeed("default", { after: cursor })).events).toEqual([]);
      await held.query("COMMIT");
      const created = await write;
      expect(created.status).toBe(201);
      const { events } = await readFeed("default", { after: cursor });
      expect(events.map((event) => [event.requestId, event.resource.id])).toEqual([
        ["held", "01JD3ZK5Q8W7V6T5S4R3P2N1M1"],
        [created.headers.get("X-Request-Id"), created.body.id],
      ]);
      expect(events[1]?.seq).toBeGreaterThan(Number(seq));
    } finally {
      await held.query("ROLLBACK").catch(() => {});
      await held.end();
    }
  });
});
