import fc from "fast-check";
import { beforeEach, describe, expect, it } from "vitest";
import { resetDatabase, sqlRows } from "../support/backend";
import { call, createPipeline, metricsBody, pipelineBody, type Reply, stage } from "../support/http";
import { expectConsistentDatabase } from "../support/invariants";
import { propertyParameters, propertyTimeout } from "../support/properties";

/**
 * Concurrent writers, all through the Worker's fetch handler at once: conditional writes
 * have exactly one winner, nothing is lost or half written, and the database ends consistent
 * (counters equal to rows, no orphan rows, versions that account for every change).
 */

beforeEach(() => resetDatabase());

const statuses = (replies: Reply[]) => replies.map((r) => r.status).sort();
const countOf = (status: number, replies: Reply[]) => replies.filter((r) => r.status === status).length;
const all = <T>(n: number, request: (i: number) => Promise<T>) => Promise.all(Array.from({ length: n }, (_, i) => request(i)));

function expectProblems(replies: Reply[], status: number) {
  for (const reply of replies.filter((r) => r.status === status)) {
    expect(reply.headers.get("Content-Type")).toBe("application/problem+json");
    expect(reply.body.requestId).toBe(reply.headers.get("X-Request-Id"));
  }
}

describe("concurrent writers", () => {
  it("50 PUTs with the same If-Match: one 200, 49 412, and the stored pipeline is the winner's", async () => {
    const { id, stages } = await createPipeline("contested");
    const bodies = Array.from({ length: 50 }, (_, i) => ({
      name: `contested-${i}`,
      configuration: { writer: String(i) },
      stages: [
        { ...stage(`kept-${i}`, "compression", "zstd"), id: stages[0].id, parameters: { writer: String(i) } },
        stage(`new-${i}`, "checksum", "sha256"),
      ],
    }));
    const replies = await all(50, (i) =>
      call("PUT", `/v1/workspaces/default/pipelines/${id}`, { body: bodies[i], headers: { "If-Match": '"1"' } }),
    );
    expect(countOf(200, replies)).toBe(1);
    expect(countOf(412, replies)).toBe(49);
    expectProblems(replies, 412);
    const winner = replies.findIndex((r) => r.status === 200);
    const stored = await call("GET", `/v1/workspaces/default/pipelines/${id}`);
    expect(stored.body).toEqual(replies[winner]?.body);
    expect(stored.headers.get("ETag")).toBe('"2"');
    const body = bodies[winner];
    expect(stored.body).toMatchObject({ name: body?.name, configuration: body?.configuration, version: 2 });
    expect(stored.body.stages.map((s: { id: string; name: string; parameters: object }) => [s.name, s.parameters])).toEqual(
      body?.stages.map((s) => [s.name, (s as { parameters?: object }).parameters ?? {}]),
    );
    expect(stored.body.stages[0].id).toBe(stages[0].id);
    const [rows] = await sqlRows<{ n: number }>("SELECT count(*) AS n FROM pipeline_stages WHERE pipeline_id = ?", id);
    expect(rows?.n).toBe(2);
    await expectConsistentDatabase();
  });

  it("concurrent creates and imports of one name: exactly one 201, the others 409, nothing else written", async () => {
    const replies = await all(40, (i) =>
      i % 4 === 3
        ? call("POST", "/v1/workspaces/default/pipelines/import", {
            body: { pipelines: [pipelineBody(`other-${i}`), pipelineBody("one-name")] },
          })
        : call("POST", "/v1/workspaces/default/pipelines", { body: pipelineBody("one-name", { configuration: { writer: String(i) } }) }),
    );
    expect(countOf(201, replies)).toBe(1);
    expect(countOf(409, replies)).toBe(39);
    expectProblems(replies, 409);
    const winner = replies.find((r) => r.status === 201) as Reply;
    // An import that wins brings its other pipeline along.
    expect((await call("GET", "/v1/workspaces/default/pipelines/count?archived=all")).body).toEqual({ count: winner.body.data ? 2 : 1 });
    const stored = (await call("GET", "/v1/workspaces/default/pipelines?name=one-name")).body.data;
    expect(stored).toEqual(winner.body.data ? winner.body.data.filter((p: { name: string }) => p.name === "one-name") : [winner.body]);
    await expectConsistentDatabase();
  });

  it("50 PATCHes without If-Match lose no update: every key arrives, versions 2 to 51 once each", async () => {
    const { id } = await createPipeline("patched", { configuration: {} });
    const replies = await all(50, (i) =>
      call("PATCH", `/v1/workspaces/default/pipelines/${id}`, { body: { configuration: { [`k${i}`]: String(i) } } }),
    );
    expect(statuses(replies)).toEqual(Array(50).fill(200));
    expect(replies.map((r) => r.body.version).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 2));
    const stored = (await call("GET", `/v1/workspaces/default/pipelines/${id}`)).body;
    expect(stored.version).toBe(51);
    expect(stored.configuration).toEqual(Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, String(i)])));
  });

  it("If-Match races on archive, restore and delete have one winner each", async () => {
    const { id } = await createPipeline("raced");
    const archives = await all(20, () =>
      call("POST", `/v1/workspaces/default/pipelines/${id}/archive`, { headers: { "If-Match": '"1"' } }),
    );
    expect(countOf(200, archives)).toBe(1);
    expect(countOf(412, archives)).toBe(19);
    const restores = await all(20, () =>
      call("POST", `/v1/workspaces/default/pipelines/${id}/restore`, { headers: { "If-Match": '"2"' } }),
    );
    expect(countOf(200, restores)).toBe(1);
    expect(countOf(412, restores)).toBe(19);
    const deletes = await all(20, () => call("DELETE", `/v1/workspaces/default/pipelines/${id}`, { headers: { "If-Match": '"3"' } }));
    expect(countOf(204, deletes)).toBe(1);
    // A loser either saw the new version (412) or no pipeline any more (404).
    expect(countOf(412, deletes) + countOf(404, deletes)).toBe(19);
    await expectConsistentDatabase();
  });

  it("concurrent idempotent creates with one key: one creation; the same body replays, another body is a 422", async () => {
    const replies = await all(30, (i) =>
      call("POST", "/v1/workspaces/default/pipelines", {
        body: pipelineBody(i % 2 ? "odd" : "even"),
        headers: { "Idempotency-Key": "one-key" },
      }),
    );
    expect((await call("GET", "/v1/workspaces/default/pipelines/count?archived=all")).body).toEqual({ count: 1 });
    const created = replies.filter((r) => r.status === 201);
    expect(new Set(created.map((r) => r.body.id)).size).toBe(1);
    expect(created.filter((r) => r.headers.get("Idempotent-Replayed") === null)).toHaveLength(1);
    expect(created).toHaveLength(15);
    expect(countOf(422, replies)).toBe(15);
  });

  const OPS = ["archive", "restore", "delete", "patch", "put-metrics", "get"] as const;
  type Op = (typeof OPS)[number];

  it(
    "random concurrent archive, restore, delete, patch and metrics on one pipeline end consistent",
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(fc.constantFrom<Op>(...OPS), { minLength: 5, maxLength: 25 }), async (ops) => {
          await resetDatabase();
          const { id } = await createPipeline("shared", { configuration: { a: "1" } });
          const path = `/v1/workspaces/default/pipelines/${id}`;
          const replies = await Promise.all(
            ops.map((op, i) => {
              if (op === "archive") return call("POST", `${path}/archive`);
              if (op === "restore") return call("POST", `${path}/restore`);
              if (op === "delete") return call("DELETE", path);
              if (op === "patch") return call("PATCH", path, { body: { configuration: { [`k${i}`]: "v" } } });
              if (op === "put-metrics") return call("PUT", `${path}/metrics`, { body: metricsBody({ errorCount: i }) });
              return call("GET", path);
            }),
          );
          const context = JSON.stringify(ops.map((op, i) => `${op}:${replies[i]?.status}`));
          // Only the outcomes the contract allows: no 5xx, no surprise.
          for (const reply of replies) expect([200, 204, 404, 409], context).toContain(reply.status);
          await expectConsistentDatabase();
          const stored = await call("GET", path);
          const deleted = replies.some((r, i) => ops[i] === "delete" && r.status === 204);
          expect(stored.status, context).toBe(deleted ? 404 : 200);
          // Every pipeline a reply showed is one state in a single history: one state per version.
          const seen = new Map<number, boolean>();
          for (const [i, reply] of replies.entries()) {
            if (reply.status !== 200 || ops[i] === "put-metrics") continue;
            const earlier = seen.get(reply.body.version);
            if (earlier !== undefined) expect(reply.body.archived, context).toBe(earlier);
            seen.set(reply.body.version, reply.body.archived);
          }
          const changes = replies.filter((r, i) => r.status === 200 && ops[i] === "patch").length;
          if (deleted) {
            const [children] = await sqlRows<{ n: number }>(
              "SELECT (SELECT count(*) FROM pipeline_stages) + (SELECT count(*) FROM pipeline_configuration) + (SELECT count(*) FROM processing_metrics) AS n",
            );
            expect(children?.n, context).toBe(0);
          } else {
            const versions = [...seen.keys()];
            expect(stored.body.version, context).toBe(Math.max(1, ...versions));
            expect(stored.body.archived, context).toBe(seen.get(stored.body.version) ?? false);
            // Each successful patch bumped the version once, and archive/restore only on a change.
            expect(stored.body.version, context).toBeGreaterThanOrEqual(1 + changes);
            expect(Object.keys(stored.body.configuration).length, context).toBe(1 + changes);
          }
        }),
        propertyParameters(15),
      );
    },
    propertyTimeout(15, 300),
  );
});
