import { TOKEN } from "./http.ts";
import { type LoadResult, type LoadScenario, loadScenarios, pair, rotate } from "./load.ts";
import { pipelineId } from "./seed.ts";

/**
 * Throughput on PostgreSQL beside D1: the production Worker over PostgreSQL (project-pg) and
 * over D1 (project), the same scenarios, measured as bench/load.ts measures the project
 * against the baseline (autocannon, the same connections, rounds of alternating order after a
 * warm-up). Each request over PostgreSQL opens its own connection (a Worker cannot
 * keep one across requests); locally Miniflare's Hyperdrive connects straight to the server,
 * through a proxy in the bench's Node process, without Hyperdrive's pool.
 */

export interface PgLoadRow {
  scenario: string;
  request: string;
  postgres: LoadResult;
  d1: LoadResult;
  /** postgres / d1 requests per second. */
  ratio: number;
}

/** A merge patch of one configuration entry (the region, so the filters keep matching what they matched). */
const patch: LoadScenario = {
  name: "patch",
  request: "PATCH /v1/workspaces/default/pipelines/{id}",
  call: (n) => ({
    method: "PATCH",
    path: `/v1/workspaces/default/pipelines/${pipelineId(rotate(n))}`,
    body: { configuration: { region: `region-${n % 7}` } },
  }),
};

const count: LoadScenario = {
  name: "count",
  request: "GET /v1/workspaces/default/pipelines/count",
  call: () => ({ method: "GET", path: "/v1/workspaces/default/pipelines/count" }),
};

/** The scenarios, in order; `apiKey` runs the scenario with an API key (write scope) instead of the admin token. */
function scenarios(size: number): { scenario: LoadScenario; apiKey: boolean }[] {
  const named = (name: string) => {
    const found = loadScenarios(size).find((s) => s.name === name);
    if (!found) throw new Error(`no load scenario ${name}`);
    return found;
  };
  return [
    { scenario: named("get"), apiKey: false },
    { scenario: { ...named("get"), name: "get, API key" }, apiKey: true },
    { scenario: named("list page"), apiKey: false },
    { scenario: count, apiKey: false },
    { scenario: named("create"), apiKey: false },
    { scenario: patch, apiKey: false },
  ];
}

export const PG_SCENARIOS = scenarios(0).map(({ scenario }) => scenario.name);

interface Side {
  url: string;
  /** An API key with the write scope, made on that side. */
  key: string;
}

export async function measurePgThroughput(size: number, sides: { postgres: Side; d1: Side }): Promise<PgLoadRow[]> {
  const rows: PgLoadRow[] = [];
  for (const { scenario, apiKey } of scenarios(size)) {
    const target = (side: Side) => ({ url: side.url, token: apiKey ? side.key : TOKEN });
    const targets = { postgres: target(sides.postgres), d1: target(sides.d1) };
    const { first: postgres, second: d1, ratio } = await pair(scenario, targets, ["postgres", "d1"]);
    rows.push({ scenario: scenario.name, request: scenario.request, postgres, d1, ratio });
  }
  return rows;
}
