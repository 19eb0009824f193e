import type { BULK, BulkResult } from "./bulk.ts";
import { type CostRow, SLACK, WORKSPACE_CHECK } from "./cost.ts";
import type { ObjectResults } from "./do-bench.ts";
import { CALLS_PER_REQUEST, LOCAL_MS, modelledLatency, PRIMARY, RTT_TO_PRIMARY_MS } from "./edge-latency.ts";
import { type FeedWaitResult, feedWaitSection } from "./feed-wait.ts";
import type { LOAD, LoadResult } from "./load.ts";
import type { PostgresResults } from "./pg-bench.ts";
import type { PROFILE } from "./profile.ts";
import { objectsSection, objectsSummary } from "./report-do.ts";
import { allRatios, type PerfResults, perfSections, table } from "./report-perf.ts";
import { postgresSection, postgresSummary } from "./report-pg.ts";
import { type DeliveryRow, deliverySection } from "./webhook-delivery.ts";

export interface Results extends PerfResults {
  generatedAt: string;
  settings: { load: typeof LOAD; slack: number; bulk: typeof BULK; profile: typeof PROFILE & { size: number } };
  /** By size. */
  cost: Record<string, CostRow[]>;
  /** Operations of the OpenAPI document the cost table does not measure. */
  unmeasured: string[];
  bulk: BulkResult;
  /** The same data set on PostgreSQL, beside D1. */
  postgres: PostgresResults;
  /** Durable Objects beside D1, at the first size. */
  durableObjects: ObjectResults;
  /** The change feed's long poll. */
  feedWait: FeedWaitResult;
  /** Webhook delivery, in a Miniflare with the queues. */
  deliveries: DeliveryRow[];
  failures: string[];
  seconds: number;
}

const thousands = (n: number) => n.toLocaleString("en-US");
const size = (n: number) => (n >= 1000 ? `${n / 1000}k` : String(n));
const fixed = (n: number, digits = 2) => n.toFixed(digits);

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

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

/** The throughput ratios' range, the API key scenarios included, and the run's own noise, in a sentence. */
function throughputLine(results: PerfResults): string {
  const ratios = allRatios(results);
  const noise = results.noise ? `; the project against itself, measured alike: ${fixed(results.noise.ratio)}` : "";
  return `**Throughput, project / baseline:** ${fixed(Math.min(...ratios))} to ${fixed(Math.max(...ratios))} (goal ≥ 0.90), API key scenarios included${noise}.`;
}

/** CPU per request and the production script's size and start-up, in a sentence. */
export function headline(results: PerfResults): string {
  const cpus = results.profile.filter((b) => b.side === "project").map((b) => b.msPerRequest);
  const project = results.startup.scripts.project;
  const size = project ? `${kib(project.size.bytes)} (${kib(project.size.gzipBytes)} gzipped)` : "?";
  const start = project ? `${fixed(project.startup.firstMs, 1)} ms (one-line Worker ${fixed(results.startup.trivial.firstMs, 1)} ms)` : "?";
  return `**CPU per request, project:** ${fixed(Math.min(...cpus))} to ${fixed(Math.max(...cpus))} ms (profiled). **Production script:** ${size}; first response of a fresh isolate ${start}.`;
}

export function markdown(results: Results): string {
  const [small, large] = results.sizes as [number, number];
  const { bulk } = results;
  return `# Benchmark results

Generated ${results.generatedAt} by \`npm run bench\` in ${Math.round(results.seconds)} s on ${results.environment.cpuModel} (${results.environment.cpus} CPUs), Node ${results.environment.node}, wrangler ${results.environment.wrangler}, miniflare ${results.environment.miniflare}.

**Budgets:** ${results.failures.length === 0 ? "all met." : `${results.failures.length} broken:\n\n${results.failures.map((f) => `- ${f}`).join("\n")}\n`}

${throughputLine(results)}

${headline(results)}

**Bulk import:** ${thousands(bulk.pipelines)} pipelines in ${bulk.requests} requests of ${bulk.pipelines / bulk.requests}: ${fixed(bulk.seconds, 1)} s (${thousands(Math.round(bulk.pipelinesPerSecond))} pipelines/s), ${bulk.d1Calls} D1 calls, ${thousands(bulk.rowsWritten)} rows written; slowest request ${Math.round(bulk.maxRequestMs)} ms.

${postgresSummary(results.postgres)}

${objectsSummary(results.durableObjects)}

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
  **C = ${SLACK} + ${WORKSPACE_CHECK}**: a constant, and the workspace's row, which the check at the head of every call reads (other workspaces' rows are seeded beside the measured one's, and no read touches them).
- **Unfiltered count:** at most C = ${SLACK} + ${WORKSPACE_CHECK} rows read (the counter rows kept by triggers, and the workspace's).
${results.unmeasured.length === 0 ? "" : `\nNot measured (in the OpenAPI document, no case in the bench): ${results.unmeasured.map((o) => `\`${o}\``).join(", ")}.\n`}
${perfSections(results)}
${postgresSection(results.postgres)}
${objectsSection(results.durableObjects)}
${feedWaitSection(results.feedWait)}
${deliverySection(results.deliveries)}
## Edge latency: modelled, not measured

What a request waits on D1 from a Worker in each of D1's six replica regions, in milliseconds, for this project (1 call per request) and for a design that makes 2 (an API key looked up, then the work), with and without read replicas. **Modelled from assumptions, not measured** (\`bench/edge-latency.ts\`): the primary in ${PRIMARY}; ${LOCAL_MS} ms to the D1 instance in the Worker's own region; round trips to the primary from representative cities' ping times, rounded, taken from WonderNetwork's public ping statistics (https://wondernetwork.com/pings); a read session starts anywhere (so with replicas every call of a read stays in the region), a write session on the primary. Network round trips only: no SQL time, no Worker CPU.

${latencyTable()}

## Scaling: ${thousands(large)} against ${thousands(small)} pipelines

${scalingTable(results)}
`;
}

/** The quick mode's report (`node bench/run.ts --quick`): the performance sections only. */
export function quickMarkdown(results: PerfResults & { generatedAt: string; failures: string[]; seconds: number }): string {
  return `# Benchmark results, quick mode

Generated ${results.generatedAt} by \`node bench/run.ts --quick\` in ${Math.round(results.seconds)} s on ${results.environment.cpuModel} (${results.environment.cpus} CPUs), Node ${results.environment.node}, wrangler ${results.environment.wrangler}, miniflare ${results.environment.miniflare}. Quick mode: ${results.sizes.map((n) => n.toLocaleString("en-US")).join(", ")} pipelines only, no cost table, no PostgreSQL, no bulk import; \`npm run bench\` is the source of truth.

**Failures:** ${results.failures.length === 0 ? "none." : `${results.failures.length}:\n\n${results.failures.map((f) => `- ${f}`).join("\n")}\n`}

${throughputLine(results)}

${headline(results)}

${perfSections(results)}`;
}
