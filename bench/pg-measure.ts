import { isDeepStrictEqual } from "node:util";
import pg from "pg";
import { cases } from "./cost-cases.ts";
import { type Call, send } from "./http.ts";
import { activeIndex, BROAD_FILTER, pipelineId } from "./seed.ts";

/**
 * PostgreSQL beside D1, per request: the round trips of every case of the cost table
 * (bench/cost-cases.ts) through the metered Worker over PostgreSQL, and the answers of the
 * production Worker over PostgreSQL compared with those over D1 for the same seeded data.
 */

export interface RoundTripRow {
  endpoint: string;
  case: string;
  status: number;
  /** Statements sent to PostgreSQL (connection set-up not included). */
  roundTrips: number;
  /** The most the request may make: 1, or what the case says (0 for the documentation routes). */
  budget: number;
  /** The request's time, one request on loopback, connection to PostgreSQL included. */
  ms: number;
  failures: string[];
}

/** Runs every case of the cost table once against the metered Worker over PostgreSQL; `project` (same data) serves the set-up reads. */
export async function measureRoundTrips(size: number, metered: string, project: string): Promise<RoundTripRow[]> {
  const rows: RoundTripRow[] = [];
  for (const c of await cases(size, project)) {
    const started = performance.now();
    const reply = await send(metered, c.call);
    const ms = performance.now() - started;
    const roundTrips = Number(reply.headers.get("X-Bench-Db-Calls") ?? Number.NaN);
    const budget = c.calls ?? 1;
    const failures: string[] = [];
    if (reply.headers.get("X-Bench-Backend") !== "postgres") failures.push("not served from PostgreSQL");
    if (reply.status !== c.status) failures.push(`status ${reply.status}, expected ${c.status}: ${reply.text.slice(0, 200)}`);
    if (!(roundTrips <= budget)) failures.push(`${roundTrips} round trips, budget ${budget}`);
    // The archive job answers 200 whether its run succeeded or failed: the run says which.
    if (c.endpoint === "POST /v1/workspaces/default/archive-runs" && reply.body?.status !== "succeeded")
      failures.push(`the run ${reply.body?.status ?? "?"}: ${reply.body?.error ?? reply.text.slice(0, 200)}`);
    rows.push({ endpoint: c.endpoint, case: c.case, status: reply.status, roundTrips, budget, ms, failures });
  }
  return rows;
}

/**
 * Reads of seeded pipelines no measurement has touched yet (run right after seeding both
 * backends to `size`): status, body and ETag must be the same from both. The newest pipelines
 * are those just seeded, so the pages sorted by `-createdAt` hold only untouched ones.
 */
export async function compareBackends(size: number, d1: string, postgres: string): Promise<string[]> {
  const untouched = pipelineId(activeIndex(size, 10));
  const newest = "sort=-createdAt&limit=20";
  const paths = [
    `/v1/workspaces/default/pipelines/${untouched}`,
    `/v1/workspaces/default/pipelines?${newest}`,
    `/v1/workspaces/default/pipelines?archived=all&${newest}`,
    `/v1/workspaces/default/pipelines?${BROAD_FILTER}&${newest}`,
    "/v1/workspaces/default/pipelines/count",
    "/v1/workspaces/default/pipelines/count?archived=all",
    `/v1/workspaces/default/pipelines/count?${BROAD_FILTER}`,
    `/v1/workspaces/default/pipelines/${untouched}/revisions`,
    `/v1/workspaces/default/pipelines/${untouched}/revisions/1`,
  ];
  const differences: string[] = [];
  for (const path of paths) {
    const call: Call = { method: "GET", path };
    const [a, b] = await Promise.all([send(d1, call), send(postgres, call)]);
    const shown = (reply: typeof a) => `${reply.status} ${reply.headers.get("ETag") ?? ""} ${reply.text.slice(0, 300)}`;
    if (a.status !== b.status || a.headers.get("ETag") !== b.headers.get("ETag") || !isDeepStrictEqual(a.body, b.body)) {
      differences.push(`${size} pipelines, GET ${path}: D1 ${shown(a)} / PostgreSQL ${shown(b)}`);
    }
  }
  return differences;
}

export interface ConnectionCost {
  /** Medians, in milliseconds, from Node straight to the server (no Worker, no proxy). */
  connectMs: number;
  /** One pipeline's JSON (the projection GET /v1/workspaces/default/pipelines/{id} runs), first statement of a new connection. */
  firstStatementMs: number;
  /** The same statement again on a connection that has run it. */
  warmStatementMs: number;
  samples: number;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

/**
 * What a new connection costs here, which every request over PostgreSQL pays (Hyperdrive's pool
 * would spare it): connecting, and the first statement of a new server process against a warm one.
 */
export async function connectionCost(url: string, id: string, samples = 20): Promise<ConnectionCost> {
  const statement = "SELECT registry_pipeline_json($1)::text";
  const connect: number[] = [];
  const first: number[] = [];
  const warm: number[] = [];
  for (let i = 0; i < samples; i++) {
    const client = new pg.Client({ connectionString: url });
    client.on("error", () => {});
    const started = performance.now();
    await client.connect();
    try {
      const connected = performance.now();
      await client.query(statement, [id]);
      const ran = performance.now();
      await client.query(statement, [id]);
      connect.push(connected - started);
      first.push(ran - connected);
      warm.push(performance.now() - ran);
    } finally {
      await client.end();
    }
  }
  return { connectMs: median(connect), firstStatementMs: median(first), warmStatementMs: median(warm), samples };
}
