import { beforeEach, describe, expect, it } from "vitest";
import type { ChangeEvent } from "../../src/domain/events";
import { backendName, resetDatabase } from "../support/backend";
import { expectFeedMatchesChanges, readFeed } from "../support/feed";
import { call, createPipeline, metricsBody, pipelineBody, type Reply } from "../support/http";
import { expectConsistentDatabase } from "../support/invariants";
import { createWorkspace, path } from "../support/workspaces";

/**
 * The change feed under concurrent writers (on D1 and on PostgreSQL): a consumer that pages
 * GET /events from the start while changes commit sees every committed change exactly once, in
 * commit order. Were a seq handed out before a lower one committed, the consumer would page past
 * the lower one before it showed and miss it, and its feed would differ from a read afterwards.
 */

beforeEach(() => resetDatabase());

const WRITERS = 8;
const WRITES_EACH = 6;

/** One writer's run of changes on its own pipeline and a shared one, each answered. */
async function writer(i: number, shared: string, workspace: string): Promise<Reply[]> {
  const replies: Reply[] = [];
  const own = await call("POST", path(workspace, "/pipelines"), { body: pipelineBody(`writer-${i}`) });
  replies.push(own);
  for (let n = 0; n < WRITES_EACH; n++) {
    const target = n % 2 === 0 ? own.body.id : shared;
    const [method, rest, options] =
      n % 3 === 2
        ? ["PUT", `/pipelines/${target}/metrics`, { body: metricsBody({ errorCount: n }) }]
        : ["PATCH", `/pipelines/${target}`, { body: { configuration: { [`w${i}`]: String(n) } } }];
    replies.push(await call(method, path(workspace, rest), options));
  }
  if (i % 2 === 0) replies.push(await call("DELETE", path(workspace, `/pipelines/${own.body.id}`)));
  return replies;
}

describe(`the change feed under concurrent writers, on ${backendName}`, () => {
  it("shows a consumer paging from the start every committed change exactly once, in commit order", async () => {
    await createWorkspace("other");
    const shared = (await createPipeline("shared")).id;
    const otherShared = (await call("POST", path("other", "/pipelines"), { body: pipelineBody("shared") })).body.id;
    let done = false;
    const seen: ChangeEvent[] = [];
    const consumer = (async () => {
      let cursor: string | undefined;
      // Until the writers are done, and then once more to the end.
      for (let last = false; ; last = done) {
        const page = await readFeed("default", { after: cursor, limit: 3 });
        seen.push(...page.events);
        cursor = page.cursor;
        if (last) return;
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
    })();
    const writes = await Promise.all([
      ...Array.from({ length: WRITERS }, (_, i) => writer(i, shared, "default")),
      // Another workspace's writers at the same time: none of theirs shows.
      ...Array.from({ length: 3 }, (_, i) => writer(i, otherShared, "other")),
    ]).finally(() => {
      done = true;
    });
    await consumer;
    for (const reply of writes.flat()) expect(reply.status, reply.text).toBeLessThan(300);

    const afterwards = await expectFeedMatchesChanges();
    expect(
      seen.map((event) => event.id),
      "what the consumer saw while the writers ran",
    ).toEqual(afterwards.map((event) => event.id));
    // One event per committed change: the writers' own, plus the shared pipeline's creation.
    const committed = writes.slice(0, WRITERS).flat().length;
    expect(seen).toHaveLength(committed + 1);
    expect(new Set(seen.map((event) => event.id)).size).toBe(seen.length);
    // Commit order: each pipeline's versions come in the order they were made (metrics repeat the version they saw).
    const ids = [...new Set(seen.map((event) => event.resource.id))];
    for (const id of ids) {
      const versions = seen.filter((event) => event.resource.id === id && event.version !== null).map((event) => event.version ?? 0);
      expect(versions, id).toEqual([...versions].sort((a, b) => a - b));
    }
    const sharedVersions = seen.filter((event) => event.resource.id === shared && event.type === "pipeline.patched");
    expect(sharedVersions.map((event) => event.version)).toEqual(sharedVersions.map((_, n) => n + 2));
    await expectFeedMatchesChanges("other");
    await expectConsistentDatabase();
  });
});
