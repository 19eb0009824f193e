import { apiKeyCases } from "./api-keys.ts";
import { type Call, expectStatus } from "./http.ts";
import { activeIndex, BROAD_FILTER, NARROW_FILTER, pipelineBody, pipelineId, pipelineName, replacementBody } from "./seed.ts";

/** The requests the cost table measures (bench/cost.ts): one per endpoint and case, each with its read budget. */
export type ReadBudget =
  | "one"
  | "exists"
  | "page"
  | "configuration page"
  | "counter"
  /** One revision: its row, the pipeline's revision read by primary key. */
  | "revision"
  /** A page of revisions, metrics history, audit events or change events: one row per item, plus the pipeline's row (revisions, metrics history) and the look-ahead (the feed's watermark row instead). */
  | "history page"
  /** No read budget, and why. */
  | { unbudgeted: string };

export interface Case {
  endpoint: string;
  case: string;
  call: Call;
  status: number;
  reads: ReadBudget;
  /** D1 calls the request must make; 1 unless said. */
  calls?: number;
  /** Made with an API key: its row is read too (./api-keys.ts). */
  keyRow?: boolean;
}

export const withParams = (path: string, params: Record<string, string>) => {
  const url = new URL(path, "http://x");
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return `${url.pathname}${url.search}`;
};

/** The cursor of a page 90% into a listing, taken with `offset` (whose own cost is not measured here). */
async function deepCursor(base: string, path: string): Promise<string> {
  const url = new URL(path, "http://x");
  const filters = [...url.searchParams].filter(([name]) => name !== "sort");
  const { count } = (
    await expectStatus(base, { method: "GET", path: `/v1/workspaces/default/pipelines/count?${new URLSearchParams(filters)}` }, 200)
  ).body;
  const offset = Math.max(0, Math.floor(count * 0.9) - 40);
  const reply = await expectStatus(base, { method: "GET", path: withParams(path, { offset: String(offset) }) }, 200);
  if (!reply.body.nextCursor) throw new Error(`no page after offset ${offset} of ${path}`);
  return reply.body.nextCursor;
}

export async function cases(size: number, project: string): Promise<Case[]> {
  const [readTarget, putTarget, archiveTarget, deleteTarget, metricsTarget] = [0, 1, 2, 3, 4].map((n) => pipelineId(activeIndex(size, n)));
  const putIndex = activeIndex(size, 1);
  const get = (path: string): Call => ({ method: "GET", path });
  const etag = (await expectStatus(project, get(`/v1/workspaces/default/pipelines/${readTarget}`), 200)).headers.get("ETag") ?? "";
  const deep = Math.max(0, Math.floor(size * 0.9) - 40);
  const byUpdated = "/v1/workspaces/default/pipelines?sort=-updatedAt";
  const broad = `/v1/workspaces/default/pipelines?${BROAD_FILTER}`;
  const unbudgeted = (reason: string) => ({ unbudgeted: reason });
  return [
    {
      endpoint: "GET /healthz",
      case: "liveness, with a database round trip",
      call: get("/healthz"),
      status: 200,
      reads: unbudgeted("no data"),
    },
    {
      endpoint: "POST /v1/workspaces/default/pipelines",
      case: "create",
      call: { method: "POST", path: "/v1/workspaces/default/pipelines", body: pipelineBody(`bench-cost-${size}-create`) },
      status: 201,
      reads: unbudgeted("a write"),
    },
    {
      endpoint: "POST /v1/workspaces/default/pipelines",
      case: "create with Idempotency-Key",
      call: {
        method: "POST",
        path: "/v1/workspaces/default/pipelines",
        body: pipelineBody(`bench-cost-${size}-once`),
        headers: { "Idempotency-Key": `bench-${size}` },
      },
      status: 201,
      reads: unbudgeted("a write"),
    },
    {
      endpoint: "POST /v1/workspaces/default/pipelines/import",
      case: "import 100 pipelines",
      call: {
        method: "POST",
        path: "/v1/workspaces/default/pipelines/import",
        body: { pipelines: Array.from({ length: 100 }, (_, i) => pipelineBody(`bench-cost-${size}-import-${i}`)) },
      },
      status: 201,
      reads: unbudgeted("a write"),
    },
    {
      endpoint: "GET /v1/workspaces/default/pipelines/{id}",
      case: "one pipeline",
      call: get(`/v1/workspaces/default/pipelines/${readTarget}`),
      status: 200,
      reads: "one",
    },
    {
      endpoint: "GET /v1/workspaces/default/pipelines/{id}",
      case: "If-None-Match, 304",
      call: { ...get(`/v1/workspaces/default/pipelines/${readTarget}`), headers: { "If-None-Match": etag } },
      status: 304,
      reads: unbudgeted("reads the whole pipeline for its version, returns no body"),
    },
    {
      endpoint: "HEAD /v1/workspaces/default/pipelines/{id}",
      case: "exists",
      call: { method: "HEAD", path: `/v1/workspaces/default/pipelines/${readTarget}` },
      status: 200,
      reads: "exists",
    },
    {
      endpoint: "GET /v1/workspaces/default/pipelines",
      case: "first page (limit 20, by name)",
      call: get("/v1/workspaces/default/pipelines"),
      status: 200,
      reads: "page",
    },
    {
      endpoint: "GET /v1/workspaces/default/pipelines",
      case: "first page, limit=100",
      call: get("/v1/workspaces/default/pipelines?limit=100"),
      status: 200,
      reads: "page",
    },
    {
      endpoint: "GET /v1/workspaces/default/pipelines",
      case: "deep keyset page (90% in, by name)",
      call: get(withParams("/v1/workspaces/default/pipelines", { cursor: await deepCursor(project, "/v1/workspaces/default/pipelines") })),
      status: 200,
      reads: "page",
    },
    {
      endpoint: "GET /v1/workspaces/default/pipelines",
      case: "deep keyset page, sort=-updatedAt",
      call: get(withParams(byUpdated, { cursor: await deepCursor(project, byUpdated) })),
      status: 200,
      reads: "page",
    },
    {
      endpoint: "GET /v1/workspaces/default/pipelines",
      case: `${BROAD_FILTER} (a third match)`,
      call: get(broad),
      status: 200,
      reads: "configuration page",
    },
    {
      endpoint: "GET /v1/workspaces/default/pipelines",
      case: `${BROAD_FILTER}, deep keyset page`,
      call: get(withParams(broad, { cursor: await deepCursor(project, broad) })),
      status: 200,
      reads: "configuration page",
    },
    {
      endpoint: "GET /v1/workspaces/default/pipelines",
      case: `${NARROW_FILTER} (1 in 50), sort=-createdAt`,
      call: get(`/v1/workspaces/default/pipelines?${NARROW_FILTER}&sort=-createdAt`),
      status: 200,
      reads: "configuration page",
    },
    {
      endpoint: "GET /v1/workspaces/default/pipelines",
      case: `${BROAD_FILTER}&archived=all, sort=updatedAt`,
      call: get(`${broad}&archived=all&sort=updatedAt`),
      status: 200,
      reads: "configuration page",
    },
    {
      endpoint: "GET /v1/workspaces/default/pipelines",
      case: "archived=all, sort=-updatedAt",
      call: get("/v1/workspaces/default/pipelines?archived=all&sort=-updatedAt"),
      status: 200,
      reads: "page",
    },
    {
      endpoint: "GET /v1/workspaces/default/pipelines",
      case: "archived=true",
      call: get("/v1/workspaces/default/pipelines?archived=true"),
      status: 200,
      reads: "page",
    },
    {
      endpoint: "GET /v1/workspaces/default/pipelines",
      case: "name=<one name>",
      call: get(`/v1/workspaces/default/pipelines?name=${pipelineName(putIndex)}`),
      status: 200,
      reads: "page",
    },
    {
      endpoint: "GET /v1/workspaces/default/pipelines",
      case: "deep offset page (90% in)",
      call: get(`/v1/workspaces/default/pipelines?offset=${deep}`),
      status: 200,
      reads: unbudgeted("offset paging reads every skipped row: O(offset); cursors are the fix"),
    },
    {
      endpoint: "GET /v1/workspaces/default/pipelines/count",
      case: "unfiltered (active)",
      call: get("/v1/workspaces/default/pipelines/count"),
      status: 200,
      reads: "counter",
    },
    {
      endpoint: "GET /v1/workspaces/default/pipelines/count",
      case: "archived=all",
      call: get("/v1/workspaces/default/pipelines/count?archived=all"),
      status: 200,
      reads: "counter",
    },
    {
      endpoint: "GET /v1/workspaces/default/pipelines/count",
      case: `${BROAD_FILTER}`,
      call: get(`/v1/workspaces/default/pipelines/count?${BROAD_FILTER}`),
      status: 200,
      reads: unbudgeted("reads one index entry per match: O(matches)"),
    },
    {
      endpoint: "GET /v1/workspaces/default/pipelines/count",
      case: "name=<one name>",
      call: get(`/v1/workspaces/default/pipelines/count?name=${pipelineName(putIndex)}`),
      status: 200,
      reads: unbudgeted("reads one index entry per pipeline of that name"),
    },
    {
      endpoint: "PUT /v1/workspaces/default/pipelines/{id}",
      case: "replace, stage ids kept",
      call: { method: "PUT", path: `/v1/workspaces/default/pipelines/${putTarget}`, body: replacementBody(putIndex, 1) },
      status: 200,
      reads: unbudgeted("a write"),
    },
    {
      endpoint: "PATCH /v1/workspaces/default/pipelines/{id}",
      case: "merge one configuration entry",
      call: { method: "PATCH", path: `/v1/workspaces/default/pipelines/${putTarget}`, body: { configuration: { owner: "data-team" } } },
      status: 200,
      reads: unbudgeted("a write"),
    },
    {
      endpoint: "POST /v1/workspaces/default/pipelines/{id}/archive",
      case: "archive",
      call: { method: "POST", path: `/v1/workspaces/default/pipelines/${archiveTarget}/archive` },
      status: 200,
      reads: unbudgeted("a write"),
    },
    {
      endpoint: "POST /v1/workspaces/default/pipelines/{id}/restore",
      case: "restore",
      call: { method: "POST", path: `/v1/workspaces/default/pipelines/${archiveTarget}/restore` },
      status: 200,
      reads: unbudgeted("a write"),
    },
    {
      endpoint: "DELETE /v1/workspaces/default/pipelines/{id}",
      case: "delete with children",
      call: { method: "DELETE", path: `/v1/workspaces/default/pipelines/${deleteTarget}` },
      status: 204,
      reads: unbudgeted("a write"),
    },
    {
      endpoint: "PUT /v1/workspaces/default/pipelines/{id}/metrics",
      case: "record",
      call: {
        method: "PUT",
        path: `/v1/workspaces/default/pipelines/${metricsTarget}/metrics`,
        body: {
          bytesProcessed: 512,
          bytesTotal: 1024,
          chunksProcessed: 1,
          chunksTotal: 2,
          processingDurationMs: 40,
          throughputBytesPerSecond: 12800,
          errorCount: 0,
          warningCount: 0,
          inputFileSizeBytes: 1024,
          outputFileSizeBytes: 300,
        },
      },
      status: 200,
      reads: unbudgeted("a write"),
    },
    {
      endpoint: "GET /v1/workspaces/default/pipelines/{id}/metrics",
      case: "latest",
      call: get(`/v1/workspaces/default/pipelines/${metricsTarget}/metrics`),
      status: 200,
      reads: unbudgeted("one metrics row and its pipeline"),
    },
    {
      endpoint: "GET /v1/workspaces/default/pipelines/{id}/metrics/history",
      case: "newest first (limit 20)",
      call: get(`/v1/workspaces/default/pipelines/${metricsTarget}/metrics/history`),
      status: 200,
      reads: "history page",
    },
    {
      endpoint: "POST /v1/workspaces/default/archive-runs",
      case: "run the archive job now (nothing due)",
      call: { method: "POST", path: "/v1/workspaces/default/archive-runs" },
      status: 200,
      reads: unbudgeted("a write; reads what is due, at most ARCHIVE_BATCH_SIZE"),
    },
    {
      endpoint: "GET /v1/workspaces/default/pipelines/{id}/revisions",
      case: "newest first (limit 20)",
      call: get(`/v1/workspaces/default/pipelines/${putTarget}/revisions`),
      status: 200,
      reads: "history page",
    },
    {
      endpoint: "GET /v1/workspaces/default/pipelines/{id}/revisions/{version}",
      case: "one revision",
      call: get(`/v1/workspaces/default/pipelines/${putTarget}/revisions/2`),
      status: 200,
      reads: "revision",
    },
    {
      endpoint: "GET /v1/workspaces/default/pipelines/{id}/diff",
      case: "versions 1 and 3",
      call: get(`/v1/workspaces/default/pipelines/${putTarget}/diff?from=1&to=3`),
      status: 200,
      reads: unbudgeted("two revision rows"),
    },
    {
      endpoint: "POST /v1/workspaces/default/pipelines/{id}/rollback",
      case: "to version 1",
      call: { method: "POST", path: `/v1/workspaces/default/pipelines/${putTarget}/rollback`, body: { version: 1 } },
      status: 200,
      reads: unbudgeted("a write"),
    },
    {
      endpoint: "GET /v1/workspaces/default/audit-events",
      case: "newest first (limit 20)",
      call: get("/v1/workspaces/default/audit-events"),
      status: 200,
      reads: "history page",
    },
    {
      endpoint: "GET /v1/workspaces/default/audit-events",
      case: "resourceId=<one pipeline>",
      call: get(`/v1/workspaces/default/audit-events?resourceId=${putTarget}`),
      status: 200,
      reads: "history page",
    },
    {
      endpoint: "GET /v1/workspaces/default/events",
      case: "from the start (limit 20)",
      call: get("/v1/workspaces/default/events"),
      status: 200,
      reads: "history page",
    },
    {
      endpoint: "GET /v1/workspaces/default/events",
      case: "resourceId=<one pipeline>",
      call: get(`/v1/workspaces/default/events?resourceId=${putTarget}`),
      status: 200,
      reads: "history page",
    },
    {
      endpoint: "GET /v1/workspaces/default/archive-runs",
      case: "recent runs",
      call: get("/v1/workspaces/default/archive-runs"),
      status: 200,
      reads: unbudgeted("at most 20 run rows"),
    },
    {
      endpoint: "GET /openapi.json",
      case: "the OpenAPI document",
      call: get("/openapi.json"),
      status: 200,
      reads: unbudgeted("no data"),
      calls: 0,
    },
    { endpoint: "GET /docs", case: "the API reference page", call: get("/docs"), status: 200, reads: unbudgeted("no data"), calls: 0 },
    ...(await apiKeyCases(project, { size, readTarget, putTarget, putIndex })),
  ];
}
