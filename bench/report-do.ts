import type { ObjectResults } from "./do-bench.ts";
import { LOAD, type LoadResult } from "./load.ts";

/** The "Durable Objects beside D1" section of the bench's report, and its line in the summary. */

const thousands = (n: number) => n.toLocaleString("en-US");
const fixed = (n: number, digits = 2) => n.toFixed(digits);
const table = (head: string[], rows: (string | number)[][]) =>
  [`| ${head.join(" | ")} |`, `|${head.map(() => "---").join("|")}|`, ...rows.map((row) => `| ${row.join(" | ")} |`)].join("\n");
const rate = (r: LoadResult) => thousands(Math.round(r.requestsPerSecond));

/** Requests per second one writer allows, at `ms` per write. */
const ceiling = (ms: number) => 1000 / ms;

/** What the model says for `workspaces` workspaces: D1's one writer, and one writer per object. */
export function modelled(results: ObjectResults, workspaces: number) {
  const { objects, d1 } = results.spread.calibration;
  return { d1: ceiling(d1.meanMs), objects: workspaces * ceiling(objects.meanMs) };
}

const dataRows = (results: ObjectResults) => results.cost.filter((row) => !(row.endpoint in results.settings.operatorCalls));

export function objectsSummary(results: ObjectResults): string {
  const failed = results.cost.filter((row) => row.failures.length > 0).length;
  const most = Math.max(...dataRows(results).map((row) => row.objectCalls));
  const ratios = results.throughput.map((row) => row.ratio);
  const widest = results.spread.rows.at(-1);
  const budgets = failed === 0 ? "every budget met" : `${failed} of ${results.cost.length} requests over budget or failed`;
  const spread = widest
    ? `; writes over ${widest.workspaces} workspaces ${rate(widest.objects)} req/s on objects, ${rate(widest.d1)} on one D1 (local; the production model is in its section)`
    : "";
  return `**Durable Objects:** at most ${most} object call${most === 1 ? "" : "s"} per request that touches data (the operator's workspace create and delete: 2 and 3 calls, documented), ${budgets}; throughput objects / D1 ${fixed(Math.min(...ratios))} to ${fixed(Math.max(...ratios))} at ${thousands(results.size)} pipelines${spread}.`;
}

function costTable(results: ObjectResults): string {
  const rows = results.cost.map((row) => [
    `\`${row.endpoint}\``,
    row.case,
    row.objectCalls,
    row.directoryCalls,
    thousands(row.rowsRead),
    row.d1RowsRead === null ? "" : thousands(row.d1RowsRead),
    row.readBudget === null ? (row.note ?? "") : `≤ ${row.readBudget} (returns ${row.returned})`,
    thousands(row.rowsWritten),
    row.failures.length === 0 ? "✓" : `✗ ${row.failures.join("; ")}`,
  ]);
  return table(
    ["endpoint", "case", "object calls", "directory calls", "rows read", "rows read on D1", "read budget", "rows written", "budgets"],
    rows,
  );
}

function throughputTable(results: ObjectResults): string {
  const rows = results.throughput.map((row) => [
    row.scenario,
    `\`${row.request}\``,
    rate(row.d1),
    rate(row.objects),
    fixed(row.ratio),
    `${fixed(row.d1.p50Ms, 1)} / ${fixed(row.objects.p50Ms, 1)}`,
    `${fixed(row.d1.p99Ms, 1)} / ${fixed(row.objects.p99Ms, 1)}`,
  ]);
  return table(["scenario", "request", "D1 req/s", "Durable Objects req/s", "DO / D1", "p50 ms, D1 / DO", "p99 ms, D1 / DO"], rows);
}

function spreadTable(results: ObjectResults): string {
  const { connections } = results.settings.spread;
  const rows = results.spread.rows.map((row) => {
    const model = modelled(results, row.workspaces);
    return [
      row.workspaces,
      connections / row.workspaces,
      rate(row.d1),
      rate(row.objects),
      fixed(row.objects.requestsPerSecond / row.d1.requestsPerSecond),
      `${fixed(row.d1.write.meanMs, 1)} / ${fixed(row.objects.write.meanMs, 1)}`,
      thousands(Math.round(model.d1)),
      thousands(Math.round(model.objects)),
    ];
  });
  return table(
    [
      "workspaces",
      "clients each",
      "D1 req/s (measured)",
      "Durable Objects req/s (measured)",
      "DO / D1",
      "write call wait ms, D1 / DO (under load)",
      "D1 ceiling (modelled)",
      "Durable Objects (modelled, before Worker CPU)",
    ],
    rows,
  );
}

export function objectsSection(results: ObjectResults): string {
  const { rounds, spread } = results.settings;
  const { calibration } = results.spread;
  const operators = Object.entries(results.settings.operatorCalls)
    .map(([route, calls]) => `\`${route}\` ${calls.objects + calls.directory} (${calls.why})`)
    .join(", ");
  return `## Durable Objects beside D1

The production Worker (the project's script) run again in the same Miniflare with a \`WORKSPACES\` Durable Object binding (class \`WorkspaceObject\`, SQLite storage), which keeps each workspace in its own object and the D1 database (a second one here) as the directory of workspaces (src/storage/open-storage.ts), and a metered variant (bench/worker/metered-do.ts) over the same objects that counts each request's RPC calls to objects (\`batch\`, \`destroy\`) and to the D1 directory, and adds up the rows the objects' SQLite reports read and written (\`cursor.rowsRead\` / \`rowsWritten\` of every statement, carried back in the answer) and the directory's D1 \`meta\`. The workspace default's object was seeded with D1's data set, the same SQL sent through the object's own \`batch\` call (bench/do-seed.ts): ${thousands(results.size)} pipelines in ${fixed(results.seedSeconds, 1)} s. Measured at ${thousands(results.size)} pipelines only (the rows read do not depend on the size, as on D1, and each workspace is an object of its own: no other workspace's rows are beside the measured one's). This part added ${Math.round(results.seconds)} s to the bench.

### Cost per request on Durable Objects

Every case of the cost table, and the operator's workspace routes, one request each. Budgets (the bench exits non-zero when one is broken): a request that touches a workspace's data makes exactly one object call and no directory call (the health check makes one directory call, the documentation routes none); the documented exceptions (docs/backends.md, "The directory") are the operator's routes, ${operators}. The read budgets are D1's (the statements are D1's, run in the object); *rows read on D1* is the same case in this run's D1 cost table at ${thousands(results.size)} pipelines.

${costTable(results)}

### Throughput of one workspace: Durable Objects beside D1

The production Worker on objects against the same Worker on D1, the workspace default at ${thousands(results.size)} pipelines, the scenarios of the baseline comparison, **${rounds.rounds} rounds of ${rounds.seconds} s per side** in alternating order after ${rounds.warmUpSeconds} s of warm-up (fewer than the baseline comparison's, to keep the bench short), ${LOAD.connections} connections, autocannon.

${throughputTable(results)}

### Writes to many workspaces at once

${spread.connections} clients spread evenly over ${spread.workspaces.join(", ")} workspaces (one autocannon run per workspace, all at once, each with its share of the clients), sending creates (\`POST /v1/workspaces/{workspace}/pipelines\`, the bench's pipeline shape), on objects and on one D1, through the metered Workers (which time each write's database call: the Worker's wait on D1, or on the object's RPC call), ${spread.rounds} rounds of ${spread.seconds} s per side after ${spread.warmUpSeconds} s of warm-up. The workspaces are made on both sides first and deleted after.

${spreadTable(results)}

**The measured columns show local overheads, not production scaling.** Miniflare runs the Workers, every object and D1's SQLite in one workerd process on this machine's ${results.cpus} cores, beside autocannon: more objects add no CPU, so the measured rates stay where the local CPU holds them.

**The modelled columns are a model, not a measurement.** D1 has one writer: its ceiling is 1 / (mean write time) whatever the number of workspaces, taken here as the Worker's mean wait on a write's D1 call with one client (no write queued before it): ${fixed(calibration.d1.meanMs, 2)} ms over ${thousands(calibration.d1.calls)} writes, so ${thousands(Math.round(ceiling(calibration.d1.meanMs)))} writes/s. Each object has its own writer, so write capacity on Durable Objects grows with the workspaces written to, each at 1 / (its write time): the mean wait on an object's write call with one client, ${fixed(calibration.objects.meanMs, 2)} ms over ${thousands(calibration.objects.calls)} writes, ${thousands(Math.round(ceiling(calibration.objects.meanMs)))} writes/s per workspace, times the workspaces, until the Workers' CPU serving the requests is the limit (spread over many machines in production; here the two cores). One workspace's writes never go faster than its one object. Production adds what is not here: the network between the Worker and D1's primary or the object, and storage durability on commit.
`;
}
