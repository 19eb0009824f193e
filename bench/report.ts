import type { BULK, BulkResult } from "./bulk.ts";
import { type CostRow, SLACK } from "./cost.ts";
import { CALLS_PER_REQUEST, LOCAL_MS, modelledLatency, PRIMARY, RTT_TO_PRIMARY_MS } from "./edge-latency.ts";
import type { KeyLoadRow, LOAD, LoadResult, LoadRow } from "./load.ts";
import type { PostgresResults } from "./pg-bench.ts";
import type { Breakdown, PROFILE } from "./profile.ts";
import { postgresSection, postgresSummary } from "./report-pg.ts";

export interface Results {
  generatedAt: string;
  environment: Record<string, string | number>;
  settings: { load: typeof LOAD; slack: number; bulk: typeof BULK; profile: typeof PROFILE & { size: number } };
  sizes: number[];
  /** By size. */
  cost: Record<string, CostRow[]>;
  /** Operations of the OpenAPI document the cost table does not measure. */
  unmeasured: string[];
  /** By size. */
  throughput: Record<string, LoadRow[]>;
  /** By size (the first only): the admin token against an API key, on the project. */
  apiKeyThroughput: Record<string, KeyLoadRow[]>;
  /** Where the baseline did not answer what the project answers (should be none). */
  baselineDifferences: string[];
  bulk: BulkResult;
  profile: Breakdown[];
  /** The same data set on PostgreSQL, beside D1. */
  postgres: PostgresResults;
  failures: string[];
  seconds: number;
}

const thousands = (n: number) => n.toLocaleString("en-US");
const size = (n: number) => (n >= 1000 ? `${n / 1000}k` : String(n));
const fixed = (n: number, digits = 2) => n.toFixed(digits);
const table = (head: string[], rows: (string | number)[][]) =>
  [`| ${head.join(" | ")} |`, `|${head.map(() => "---").join("|")}|`, ...rows.map((row) => `| ${row.join(" | ")} |`)].join("\n");

function costTable(results: Results): string {
  const [small, large] = results.sizes as [number, number];
  const smallRows = results.cost[small] ?? [];
  const largeRows = results.cost[large] ?? [];
  const rows = largeRows.map((row, i) => {
    const before = smallRows[i];
    const ok = row.failures.length === 0 && (before?.failures.length ?? 1) === 0;
    const budget = row.readBudget === null ? (row.note ?? "") : `≤ ${row.readBudget} (returns ${row.returned})`;
    return [
      `\`${row.endpoint}\``,
      row.case,
      row.calls,
      before ? thousands(before.rowsRead) : "?",
      thousands(row.rowsRead),
      budget,
      before ? thousands(before.rowsWritten) : "?",
      thousands(row.rowsWritten),
      ok ? "✓" : `✗ ${[...(before?.failures ?? []), ...row.failures].join("; ")}`,
    ];
  });
  return table(
    [
      "endpoint",
      "case",
      "D1 calls",
      `rows read ${size(small)}`,
      `rows read ${size(large)}`,
      `read budget at ${size(large)}`,
      `rows written ${size(small)}`,
      `rows written ${size(large)}`,
      "budgets",
    ],
    rows,
  );
}

const load = (r: LoadResult) => [thousands(Math.round(r.requestsPerSecond)), fixed(r.p50Ms, 1), fixed(r.p99Ms, 1)];

function throughputTable(results: Results): string {
  const rows = results.sizes.flatMap((n) =>
    (results.throughput[n] ?? []).map((row) => [row.scenario, size(n), ...load(row.project), ...load(row.baseline), fixed(row.ratio)]),
  );
  return table(
    ["scenario", "pipelines", "project req/s", "p50 ms", "p99 ms", "baseline req/s", "p50 ms", "p99 ms", "project / baseline"],
    rows,
  );
}

function apiKeyTable(results: Results): string {
  const calls = (row: KeyLoadRow, n: number) =>
    (results.cost[n] ?? []).find((c) => c.endpoint === row.request.split("?")[0] && c.case.endsWith("API key"))?.calls ?? "?";
  const rows = Object.entries(results.apiKeyThroughput).flatMap(([n, keyRows]) =>
    keyRows.map((row) => [row.scenario, size(Number(n)), ...load(row.admin), ...load(row.apiKey), calls(row, Number(n)), fixed(row.ratio)]),
  );
  return table(
    [
      "scenario",
      "pipelines",
      "admin token req/s",
      "p50 ms",
      "p99 ms",
      "API key req/s",
      "p50 ms",
      "p99 ms",
      "API key D1 calls",
      "API key / admin",
    ],
    rows,
  );
}

function latencyTable(): string {
  const rows = modelledLatency().map((row) => [
    row.region,
    RTT_TO_PRIMARY_MS[row.region],
    ...row.read.flatMap((r) => [r.withoutReplicas, r.withReplicas]),
    ...row.write.flatMap((w) => [w.withoutReplicas, w.withReplicas]),
  ]);
  const head = (kind: string) =>
    CALLS_PER_REQUEST.flatMap((calls) => [
      `${kind}, ${calls} call${calls > 1 ? "s" : ""}, no replicas`,
      `${kind}, ${calls} call${calls > 1 ? "s" : ""}, replicas`,
    ]);
  return table(["Worker in", `RTT to primary (${PRIMARY})`, ...head("read"), ...head("write")], rows);
}

function scalingTable(results: Results): string {
  const [small, large] = results.sizes as [number, number];
  const rows = (results.throughput[small] ?? []).map((row, i) => {
    const after = results.throughput[large]?.[i];
    const ratio = (a: LoadResult | undefined, b: LoadResult) => (a ? fixed(a.requestsPerSecond / b.requestsPerSecond) : "?");
    return [row.scenario, ratio(after?.project, row.project), ratio(after?.baseline, row.baseline)];
  });
  return table(["scenario", `project req/s, ${size(large)} / ${size(small)}`, `baseline req/s, ${size(large)} / ${size(small)}`], rows);
}

const percent = (share: number) => `${Math.round(share * 100)}%`;

function profileTable(results: Results): string {
  const { shown } = results.settings.profile;
  const parts = (b: Breakdown | undefined) =>
    b
      ? b.shares
          .slice(0, shown)
          .map(([group, share]) => `${group} ${percent(share)}`)
          .join(", ")
      : "?";
  const scenarios = [...new Set(results.profile.map((b) => b.scenario))];
  const rows = scenarios.map((scenario) => {
    const project = results.profile.find((b) => b.scenario === scenario && b.side === "project");
    const baseline = results.profile.find((b) => b.scenario === scenario && b.side === "baseline");
    return [
      scenario,
      project ? fixed(project.msPerRequest) : "?",
      baseline ? fixed(baseline.msPerRequest) : "?",
      parts(project),
      parts(baseline),
    ];
  });
  return table(["scenario", "project ms/request", "baseline ms/request", "project: largest parts", "baseline: largest parts"], rows);
}

export function markdown(results: Results): string {
  const [small, large] = results.sizes as [number, number];
  const ratios = results.sizes.flatMap((n) => (results.throughput[n] ?? []).map((row) => row.ratio));
  const { bulk } = results;
  return `# Benchmark results

Generated ${results.generatedAt} by \`npm run bench\` in ${Math.round(results.seconds)} s on ${results.environment.cpuModel} (${results.environment.cpus} CPUs), Node ${results.environment.node}, wrangler ${results.environment.wrangler}, miniflare ${results.environment.miniflare}.

**Budgets:** ${results.failures.length === 0 ? "all met." : `${results.failures.length} broken:\n\n${results.failures.map((f) => `- ${f}`).join("\n")}\n`}

**Throughput, project / baseline:** ${fixed(Math.min(...ratios))} to ${fixed(Math.max(...ratios))} (goal ≥ 0.90).

**Bulk import:** ${thousands(bulk.pipelines)} pipelines in ${bulk.requests} requests of ${bulk.pipelines / bulk.requests}: ${fixed(bulk.seconds, 1)} s (${thousands(Math.round(bulk.pipelinesPerSecond))} pipelines/s), ${bulk.d1Calls} D1 calls, ${thousands(bulk.rowsWritten)} rows written; slowest request ${Math.round(bulk.maxRequestMs)} ms.

${postgresSummary(results.postgres)}

## Cost per request, at ${thousands(small)} and ${thousands(large)} pipelines

Each pipeline has 5 stages of 3 parameters and 3 configuration entries; one in ten is archived. Counts are D1's own \`meta.rows_read\` / \`meta.rows_written\`, summed over the request's D1 calls.

${costTable(results)}

Budgets (the bench exits non-zero when one is broken):
- **D1 calls:** exactly 1 per request (0 for \`/openapi.json\` and \`/docs\`, which serve no data).
- **Reads of one pipeline and of list pages:** rows read ≤ rows returned + range ends + look-ahead + driving entries + C, at both sizes.
  *Rows returned* are the pipelines, stages, parameters and configuration entries of the response (1 for HEAD).
  *Range ends:* SQLite steps onto the row after the last one of each index range it scans, and D1 counts it: 2 per pipeline (its stages, its configuration) and 1 per stage (its parameters).
  *Look-ahead:* a page reads the first pipeline of the next page, with its children, to know whether there is one.
  *Driving entries:* a page selected by a \`config.<key>=<value>\` filter also reads that entry's index row, per pipeline.
  **C = ${SLACK}.**
- **Unfiltered count:** at most C = ${SLACK} rows read (the counter rows kept by triggers).
${results.unmeasured.length === 0 ? "" : `\nNot measured (in the OpenAPI document, no case in the bench): ${results.unmeasured.map((o) => `\`${o}\``).join(", ")}.\n`}
## Throughput: the project against a hand-written baseline

The production Worker and \`bench/baseline/\` (raw D1 prepared statements, no framework or ORM, same schema, same JSON, same bearer check, one D1 call per request) in one Miniflare process, one after the other, on loopback: ${results.settings.load.connections} connections, ${results.settings.load.rounds} rounds of ${results.settings.load.seconds} s per side in alternating order after ${results.settings.load.warmUpSeconds} s of warm-up, autocannon. Latencies in milliseconds, the mean of the rounds' percentiles. One-minute load average when the bench started: ${results.environment.loadBefore}, when it ended: ${results.environment.loadAfter} (the bench itself keeps about two cores busy; more than that is other work on the machine, which makes the figures noisier). Miniflare simulates D1 in the same workerd process, so its SQLite work shares the CPU with the Worker here; in production D1 runs elsewhere and a request waits on the network instead.
${results.baselineDifferences.length === 0 ? "The baseline's answers were checked to equal the project's (reads, and writes read back by the other side)." : `**The baseline's answers differ from the project's:**\n${results.baselineDifferences.map((d) => `- ${d}`).join("\n")}`}

${throughputTable(results)}

## API keys beside the admin token

The same scenarios on the production Worker, once with the admin token and once with an API key (write scope), alternating as above, at ${Object.keys(
    results.apiKeyThroughput,
  )
    .map((n) => thousands(Number(n)))
    .join(
      ", ",
    )} pipelines (the key's check reads one row by primary key whatever the size). The key is checked in the request's own D1 call: the D1 calls are the cost table's for the same request with the key.

${apiKeyTable(results)}

${postgresSection(results.postgres)}
## Edge latency: modelled, not measured

What a request waits on D1 from a Worker in each of D1's six replica regions, in milliseconds, for this project (1 call per request) and for a design that makes 2 (an API key looked up, then the work), with and without read replicas. **Modelled from assumptions, not measured** (\`bench/edge-latency.ts\`): the primary in ${PRIMARY}; ${LOCAL_MS} ms to the D1 instance in the Worker's own region; round trips to the primary from representative cities' ping times, rounded, taken from WonderNetwork's public ping statistics (https://wondernetwork.com/pings); a read session starts anywhere (so with replicas every call of a read stays in the region), a write session on the primary. Network round trips only: no SQL time, no Worker CPU.

${latencyTable()}

## Scaling: ${thousands(large)} against ${thousands(small)} pipelines

${scalingTable(results)}

## Where the time goes

V8 CPU profiles of each side's Worker isolate under the same load (${results.settings.profile.seconds} s per scenario at ${thousands(results.settings.profile.size)} pipelines, in a separate run: profiling slows the isolate down). Samples are attributed to the bundle's modules; *runtime native* is the runtime's own work (fetch, Response, crypto, the D1 binding's transport), *D1 client* its JavaScript side. Milliseconds are sampled wall time per request on the isolate's thread, comparable between the two sides, not CPU time; D1's own SQLite work is in another isolate and not included.

${profileTable(results)}
`;
}
