import { isDeepStrictEqual } from "node:util";
import { type Call, expectStatus, type Reply } from "./http.ts";
import { rotate } from "./load.ts";
import { BROAD_FILTER, pipelineBody, pipelineId, replacementBody } from "./seed.ts";

/**
 * The baseline answers what the project answers: the same status, JSON and headers (the
 * security headers, Cache-Control, ETag, Link; an X-Consistency-Token on both) for the same
 * reads, writes that each side reads back as the other wrote them, and the same history (the
 * revision and audit event of each write, by the same actor, under the write's request id),
 * with the admin token and with an API key. Returns the differences.
 */

/** Headers that differ by nature between two answers: ids, lengths, the bookmark's value. */
const VOLATILE = new Set(["x-request-id", "content-length", "x-consistency-token", "location", "date"]);

function headersOf(reply: Reply, base: string): Record<string, string> {
  const origin = new URL(base).origin;
  return Object.fromEntries(
    [...reply.headers]
      .filter(([name]) => !VOLATILE.has(name))
      .map(([name, value]) => [name, name === "link" ? value.replace(origin, "<origin>") : value]),
  );
}

/** A write's trace in history, as the project's routes read it: the newest revision's and audit event's. */
async function historyOf(project: string, id: string, write: Reply) {
  const revisions = await expectStatus(project, { method: "GET", path: `/v1/workspaces/default/pipelines/${id}/revisions?limit=1` }, 200);
  const events = await expectStatus(project, { method: "GET", path: `/v1/workspaces/default/audit-events?resourceId=${id}&limit=1` }, 200);
  const requestId = write.headers.get("X-Request-Id");
  const { pipelineId: _, changedAt, requestId: revisionRequest, ...revision } = revisions.body.data[0] ?? {};
  const { id: __, at, requestId: eventRequest, resource: ___, ...event } = events.body.data[0] ?? {};
  return {
    revision: { ...revision, underTheWritesRequestId: revisionRequest === requestId, atTheWritesTime: changedAt === write.body.updatedAt },
    event: { ...event, underTheWritesRequestId: eventRequest === requestId, atTheWritesTime: at === write.body.updatedAt },
  };
}

export async function compareWithBaseline(size: number, urls: { project: string; baseline: string }, key?: string): Promise<string[]> {
  const differences: string[] = [];
  const same = (what: string, a: unknown, b: unknown) => {
    if (!isDeepStrictEqual(a, b))
      differences.push(`${what}: project ${JSON.stringify(a).slice(0, 300)} / baseline ${JSON.stringify(b).slice(0, 300)}`);
  };
  const both = async (call: Call, status: number) => {
    const [project, baseline] = await Promise.all([urls.project, urls.baseline].map((url) => expectStatus(url, call, status)));
    return { project: project as Reply, baseline: baseline as Reply };
  };
  const credentials: [string, Record<string, string>][] = [
    ["admin token", {}],
    ...(key ? [["API key", { Authorization: `Bearer ${key}` }] as [string, Record<string, string>]] : []),
  ];
  for (const [who, headers] of credentials) {
    for (const path of [
      `/v1/workspaces/default/pipelines/${pipelineId(rotate(0))}`,
      "/v1/workspaces/default/pipelines?limit=20",
      `/v1/workspaces/default/pipelines?${BROAD_FILTER}&limit=20`,
    ]) {
      const { project, baseline } = await both({ method: "GET", path, headers }, 200);
      same(`GET ${path} (${who})`, project.body, baseline.body);
      same(`GET ${path} (${who}) headers`, headersOf(project, urls.project), headersOf(baseline, urls.baseline));
      same(
        `GET ${path} (${who}) X-Consistency-Token sent`,
        project.headers.has("X-Consistency-Token"),
        baseline.headers.has("X-Consistency-Token"),
      );
    }
    for (const [what, call, status] of [
      ["an unknown pipeline", { method: "GET", path: "/v1/workspaces/default/pipelines/01ARZ3NDEKTSV4RRFFQ69G5FAV", headers }, 404],
      [
        "a malformed consistency token",
        { method: "GET", path: "/v1/workspaces/default/pipelines", headers: { ...headers, "X-Consistency-Token": "x" } },
        400,
      ],
      ["an invalid body", { method: "POST", path: "/v1/workspaces/default/pipelines", body: { name: "" }, headers }, 400],
    ] as const) {
      const { project, baseline } = await both(call, status);
      same(`${what} (${who}) headers`, headersOf(project, urls.project), headersOf(baseline, urls.baseline));
      same(`${what} (${who}) problem type`, project.body.type, baseline.body.type);
    }
    const tag = who === "admin token" ? "admin" : "key";
    const history: Record<string, unknown>[] = [];
    for (const [writer, reader] of [
      ["project", "baseline"],
      ["baseline", "project"],
    ] as const) {
      const created = await expectStatus(
        urls[writer],
        { method: "POST", path: "/v1/workspaces/default/pipelines", body: pipelineBody(`bench-check-${size}-${tag}-${writer}`), headers },
        201,
      );
      const readBack = await expectStatus(
        urls[reader],
        { method: "GET", path: `/v1/workspaces/default/pipelines/${created.body.id}` },
        200,
      );
      same(`POST by ${writer} (${who}), read by ${reader}`, created.body, readBack.body);
      const i = rotate((writer === "project" ? 1 : 2) + (tag === "key" ? 2 : 0));
      const replaced = await expectStatus(
        urls[writer],
        { method: "PUT", path: `/v1/workspaces/default/pipelines/${pipelineId(i)}`, body: replacementBody(i, 7), headers },
        200,
      );
      const afterPut = await expectStatus(urls[reader], { method: "GET", path: `/v1/workspaces/default/pipelines/${pipelineId(i)}` }, 200);
      same(`PUT by ${writer} (${who}), read by ${reader}`, replaced.body, afterPut.body);
      history.push({
        headers: { created: headersOf(created, urls[writer]), replaced: { ...headersOf(replaced, urls[writer]), etag: "<version>" } },
        tokens: [created.headers.has("X-Consistency-Token"), replaced.headers.has("X-Consistency-Token")],
        created: await historyOf(urls.project, created.body.id, created),
        replaced: await historyOf(urls.project, pipelineId(i), replaced),
      });
    }
    same(`writes (${who}): headers and history`, history[0], history[1]);
  }
  return differences;
}
