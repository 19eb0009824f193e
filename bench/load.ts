import autocannon from "autocannon";
import { type Call, TOKEN } from "./http.ts";
import { BROAD_FILTER, isArchived, pipelineBody, pipelineId, replacementBody } from "./seed.ts";

/**
 * Throughput: the project's production Worker against the hand-written baseline, one at a time,
 * on loopback, for a fixed time each, after a short warm-up. Both run in the same workerd
 * process over the same database, in rounds of alternating order (project, baseline, then
 * baseline, project), so that whatever else the machine does weighs on both alike.
 */

export const LOAD = { rounds: 12, seconds: 2, warmUpSeconds: 1, connections: 10 } as const;

export interface LoadResult {
  requestsPerSecond: number;
  /** Median and 99th percentile latency: the mean over the rounds of each round's. */
  p50Ms: number;
  p99Ms: number;
  requests: number;
  failed: number;
}

export interface LoadRow {
  scenario: string;
  request: string;
  project: LoadResult;
  baseline: LoadResult;
  /** project / baseline requests per second. */
  ratio: number;
}

export interface LoadScenario {
  name: string;
  request: string;
  /** The n-th request of a run; `label` tells runs apart. */
  call(n: number, label: string): Call;
}

/** Seeded pipelines the load reads and replaces: active ones, clear of the cost table's targets at the top. */
const ROTATION = Array.from({ length: 900 }, (_, i) => i + 1).filter((i) => !isArchived(i));
export const rotate = (n: number) => ROTATION[n % ROTATION.length] as number;

export function loadScenarios(size: number): LoadScenario[] {
  return [
    {
      name: "get",
      request: "GET /v1/workspaces/default/pipelines/{id}",
      call: (n) => ({ method: "GET", path: `/v1/workspaces/default/pipelines/${pipelineId(rotate(n))}` }),
    },
    {
      name: "list page",
      request: "GET /v1/workspaces/default/pipelines?limit=20",
      call: () => ({ method: "GET", path: "/v1/workspaces/default/pipelines?limit=20" }),
    },
    {
      name: "filtered list",
      request: `GET /v1/workspaces/default/pipelines?${BROAD_FILTER}&limit=20`,
      call: () => ({ method: "GET", path: `/v1/workspaces/default/pipelines?${BROAD_FILTER}&limit=20` }),
    },
    {
      name: "create",
      request: "POST /v1/workspaces/default/pipelines",
      call: (n, label) => ({
        method: "POST",
        path: "/v1/workspaces/default/pipelines",
        body: pipelineBody(`bench-load-${size}-${label}-${n}`),
      }),
    },
    {
      name: "update",
      request: "PUT /v1/workspaces/default/pipelines/{id}",
      call: (n) => ({
        method: "PUT",
        path: `/v1/workspaces/default/pipelines/${pipelineId(rotate(n))}`,
        body: replacementBody(rotate(n), n),
      }),
    },
  ];
}

/** How a run is made: its clients, and what is read of each response's headers. */
export interface RunOptions {
  connections?: number;
  onHeaders?: (headers: NodeJS.Dict<string | string[]>) => void;
}

export async function runLoad(
  url: string,
  scenario: LoadScenario,
  label: string,
  seconds: number,
  token = TOKEN,
  { connections = LOAD.connections, onHeaders }: RunOptions = {},
): Promise<LoadResult> {
  let n = 0;
  const result = await autocannon({
    url,
    connections,
    duration: seconds,
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    requests: [
      {
        setupRequest: (request) => {
          const call = scenario.call(n++, label);
          return {
            ...request,
            method: call.method as autocannon.Request["method"],
            path: call.path,
            body: call.body === undefined ? undefined : JSON.stringify(call.body),
          };
        },
        ...(onHeaders && { onResponse: (_status, _body, _context, headers) => onHeaders(headers ?? {}) }),
      },
    ],
  });
  return {
    requestsPerSecond: result.requests.total / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
    failed: result.non2xx + result.errors + result.timeouts,
  };
}

type Side = "project" | "baseline";

/** The rounds of one side as one result: all its requests over all its time. */
export function combine(runs: LoadResult[], seconds: number = LOAD.seconds): LoadResult {
  const requests = runs.reduce((sum, run) => sum + run.requests, 0);
  const mean = (pick: (run: LoadResult) => number) => runs.reduce((sum, run) => sum + pick(run), 0) / runs.length;
  return {
    requestsPerSecond: requests / (runs.length * seconds),
    p50Ms: mean((run) => run.p50Ms),
    p99Ms: mean((run) => run.p99Ms),
    requests,
    failed: runs.reduce((sum, run) => sum + run.failed, 0),
  };
}

export interface Target {
  url: string;
  token: string;
}

/** Rounds and their length: LOAD's, or shorter where a part of the bench says so. */
export interface Rounds {
  rounds: number;
  seconds: number;
  warmUpSeconds: number;
}

/** Two targets under one scenario, warmed up, then in rounds of alternating order. */
export async function pair<A extends string, B extends string>(
  scenario: LoadScenario,
  targets: Record<A | B, Target>,
  [a, b]: [A, B],
  rounds: Rounds = LOAD,
) {
  const runs = { [a]: [], [b]: [] } as unknown as Record<A | B, LoadResult[]>;
  const run = (side: A | B, label: string, seconds: number) => runLoad(targets[side].url, scenario, label, seconds, targets[side].token);
  // Each run labels its creates' names, so no run reuses another's.
  for (const side of [a, b]) await run(side, `${side}-warm-up`, rounds.warmUpSeconds);
  for (let round = 0; round < rounds.rounds; round++) {
    for (const side of round % 2 === 0 ? [a, b] : [b, a]) runs[side].push(await run(side, `${side}-${round}`, rounds.seconds));
  }
  const first = combine(runs[a], rounds.seconds);
  const second = combine(runs[b], rounds.seconds);
  return { first, second, ratio: first.requestsPerSecond / second.requestsPerSecond };
}

/** The project against the baseline, scenario by scenario, both called with `token`. */
async function againstBaseline(scenarios: LoadScenario[], urls: Record<Side, string>, token: string): Promise<LoadRow[]> {
  const rows: LoadRow[] = [];
  const targets = { project: { url: urls.project, token }, baseline: { url: urls.baseline, token } };
  for (const scenario of scenarios) {
    const { first: project, second: baseline, ratio } = await pair(scenario, targets, ["project", "baseline"]);
    rows.push({ scenario: scenario.name, request: scenario.request, project, baseline, ratio });
  }
  return rows;
}

export const measureThroughput = (size: number, urls: Record<Side, string>) => againstBaseline(loadScenarios(size), urls, TOKEN);

/** The scenarios also run with an API key (checked in the request's own D1 call). */
export const API_KEY_SCENARIOS = ["get", "list page", "create", "update"];

/** The project and the baseline called with the same API key (write scope), same scenarios, same rounds: LoadRows. */
export function measureApiKeyThroughput(size: number, urls: Record<Side, string>, key: string): Promise<LoadRow[]> {
  const scenarios = loadScenarios(size)
    .filter((scenario) => API_KEY_SCENARIOS.includes(scenario.name))
    // Names of their own: the admin token's runs created theirs in the same database.
    .map((scenario) => ({ ...scenario, call: (n: number, label: string) => scenario.call(n, `key-${label}`) }));
  return againstBaseline(scenarios, urls, key);
}

/**
 * The project against itself (the first scenario, `get`), measured as the comparisons are: the
 * ratio's distance from 1 is what this machine's noise alone gives a comparison in this run.
 */
export async function measureNoise(size: number, url: string): Promise<LoadRow> {
  const [scenario] = loadScenarios(size);
  if (!scenario) throw new Error("no load scenario");
  const target = { url, token: TOKEN };
  const { first, second, ratio } = await pair(scenario, { project: target, again: target }, ["project", "again"]);
  // A LoadRow as the comparisons' are; its `baseline` is the project's second measurement.
  return { scenario: scenario.name, request: scenario.request, project: first, baseline: second, ratio };
}
