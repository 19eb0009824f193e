import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/http/app";
import { openApiDocument } from "../../src/http/openapi/document";
import { resetDatabase, testRepository } from "../support/backend";
import { call, callWith } from "../support/http";
import { createWorkspace, dumpWorkspace, populate } from "../support/workspaces";

/**
 * Isolation over every route of the OpenAPI document, so a new route is covered without anyone
 * remembering it: workspaces A and B each hold pipelines, keys, revisions, events and runs;
 * every operation is called on A's path with B's ids and cursors, through A's key and through
 * the operator's token, and on B's path through A's key. Item routes answer as for a missing
 * resource, collections show nothing of B, and B, dumped before and after, has not changed.
 */

interface Operation {
  method: string;
  template: string;
  // biome-ignore lint: an operation of the parsed document
  operation: any;
}

const document = openApiDocument(createApp()) as { paths: Record<string, Record<string, unknown>> };
const operations: Operation[] = Object.entries(document.paths).flatMap(([template, item]) =>
  Object.entries(item)
    .filter(([method]) => method !== "head" && template.startsWith("/v1/workspaces/{workspace}"))
    .map(([method, operation]) => ({ method: method.toUpperCase(), template, operation })),
);

let a: Awaited<ReturnType<typeof populate>>;
let b: Awaited<ReturnType<typeof populate>>;
let bBefore: unknown;

beforeAll(async () => {
  await resetDatabase();
  await createWorkspace("team-a");
  await createWorkspace("team-b");
  a = await populate("team-a");
  b = await populate("team-b");
  bBefore = await dumpWorkspace("team-b");
});

/** The operation's URL in `workspace` naming B's resources: its ids, its cursors, its pipeline as a filter. */
function urlOf({ template, operation }: Operation, workspace: string): string {
  const filled = template
    .replace("{workspace}", workspace)
    .replace("{id}", template.includes("/api-keys/") ? b.key.id : b.pipelineId)
    .replace("{version}", "1");
  const query = new URLSearchParams();
  // biome-ignore lint: a parameter of the parsed document
  for (const parameter of (operation.parameters ?? []) as any[]) {
    const name = parameter.$ref?.split("/").pop() ?? parameter.name;
    if (name === "from" || name === "to") query.set(name, "1");
    if (name === "resourceId") query.set(name, b.pipelineId);
  }
  return query.size > 0 ? `${filled}?${query}` : filled;
}

/** The document's example body of the operation, if it takes one. */
const bodyOf = ({ operation }: Operation) => operation.requestBody?.content?.["application/json"]?.example;

const itemRoute = ({ template }: Operation) => template.includes("{id}");

describe("every route of the OpenAPI document keeps workspaces apart", () => {
  it("covers the workspace routes, items and collections", () => {
    expect(operations.filter(itemRoute).length).toBeGreaterThan(10);
    expect(operations.filter((op) => !itemRoute(op)).length).toBeGreaterThan(5);
  });

  it.each([
    ["A's key", () => a.key.key],
    ["the operator's token", () => undefined],
  ])("on A's path with B's ids, through %s: a missing resource, or a collection of A's alone", async (_, token) => {
    for (const op of operations) {
      // Deleting the workspace itself names no resource of B's; the operator would delete A.
      if (op.template === "/v1/workspaces/{workspace}" && op.method === "DELETE") continue;
      const url = urlOf(op, "team-a");
      const reply = await call(op.method, url, { token: token(), body: bodyOf(op) });
      const context = `${op.method} ${url} → ${reply.status}`;
      if (itemRoute(op)) expect(reply.status, context).toBe(404);
      else expect(reply.text, context).not.toContain(b.pipelineId);
      expect(reply.status, context).toBeLessThan(500);
    }
    expect(await dumpWorkspace("team-b")).toEqual(bBefore);
  });

  it("on B's path through A's key: every route answers as for a workspace that does not exist", async () => {
    for (const op of operations) {
      const [other, missing] = await Promise.all(
        ["team-b", "nowhere"].map((workspace) => call(op.method, urlOf(op, workspace), { token: a.key.key, body: bodyOf(op) })),
      );
      const shape = (reply: typeof other) => ({
        status: reply?.status,
        type: reply?.body?.type,
        headers: [...(reply?.headers.keys() ?? [])],
      });
      expect({ op: `${op.method} ${op.template}`, ...shape(other) }).toEqual({ op: `${op.method} ${op.template}`, ...shape(missing) });
      expect(other?.status, op.template).toBeGreaterThanOrEqual(403);
    }
    expect(await dumpWorkspace("team-b")).toEqual(bBefore);
  });

  it("shows nothing of B in A's change feed, read whole from the start with any of A's tokens", async () => {
    for (const token of [a.key.key, undefined]) {
      const feed = await call("GET", "/v1/workspaces/team-a/events?limit=100", { token });
      expect(feed.status).toBe(200);
      expect(feed.body.data.length).toBeGreaterThan(0);
      expect(feed.text).not.toContain(b.pipelineId);
      const theirs = (await call("GET", "/v1/workspaces/team-b/events?limit=100")).body.data as { id: string }[];
      expect(feed.body.data.filter((event: { id: string }) => theirs.some((other) => other.id === event.id))).toEqual([]);
    }
  });

  it("would catch a repository that leaks: with A's requests served from B's pipelines, B's ids answer 200", async () => {
    const leaking = createApp({ repository: () => testRepository(undefined, undefined, "team-b") });
    const op = operations.find((one) => one.method === "GET" && one.template.endsWith("/pipelines/{id}"));
    if (!op) throw new Error("no GET of one pipeline in the document");
    const reply = await callWith((request) => leaking.fetch(request, env), "GET", urlOf(op, "team-a"));
    expect(reply.status).toBe(200);
  });

  it("refuses B's cursors in A on every listing that takes one", async () => {
    const cursorParameter = (op: Operation) =>
      ["cursor", "after"].find((name) => JSON.stringify(op.operation.parameters).includes(`/${name}"`));
    const listings = operations.filter((one) => one.method === "GET" && cursorParameter(one));
    expect(listings.map((op) => op.template)).toContain("/v1/workspaces/{workspace}/events");
    for (const op of listings) {
      const cursor = op.template.includes("metrics/history")
        ? b.cursors.metricsHistory
        : op.template.includes("revisions")
          ? b.cursors.revisions
          : op.template.includes("audit")
            ? b.cursors.events
            : op.template.endsWith("/events")
              ? b.cursors.changes
              : b.cursors.pipelines;
      const own = urlOf(op, "team-a").replace(b.pipelineId, a.pipelineId);
      const url = `${own}${own.includes("?") ? "&" : "?"}${cursorParameter(op)}=${cursor}`;
      const reply = await call("GET", url);
      expect({ url, status: reply.status }).toEqual({ url, status: 400 });
    }
  });
});
