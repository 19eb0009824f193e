// `npm run bench`: builds the Workers, seeds D1, measures cost per request, throughput against
// the baseline, scaling and bulk import, writes bench/results/latest.{json,md}, and exits
// non-zero when a budget is broken (see bench/cost.ts) or a measurement is not to be trusted.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import { BULK, importInBulk } from "./bulk.ts";
import { type CostRow, measureCosts, SLACK, unmeasured } from "./cost.ts";
import { compareWithBaseline, LOAD, type LoadRow, measureThroughput } from "./load.ts";
import { markdown, type Results } from "./report.ts";
import { seedPipelines } from "./seed.ts";
import { ROOT, startWorkers } from "./workers.ts";

const SIZES = [1_000, 100_000];
const DAY = 86_400_000;

const started = performance.now();
const log = (message: string) => console.error(`bench ${Math.round((performance.now() - started) / 1000)}s: ${message}`);
const versionOf = (name: string) => (JSON.parse(readFileSync(join(ROOT, "node_modules", name, "package.json"), "utf8")) as { version: string }).version;

log("building the Workers and starting Miniflare");
const workers = await startWorkers();
const { urls, db } = workers;
const cost: Record<string, CostRow[]> = {};
const throughput: Record<string, LoadRow[]> = {};
const baselineDifferences: string[] = [];
const failures: string[] = [];
let results: Results;
try {
  // Seeded pipelines were all updated in the last 60 days: the archive job finds none due.
  const epoch = Date.now() - 60 * DAY;
  let seeded = 0;
  for (const size of SIZES) {
    log(`seeding pipelines ${seeded + 1} to ${size}`);
    await seedPipelines(db, seeded + 1, size, epoch);
    seeded = size;
    log(`cost per request at ${size}`);
    cost[size] = await measureCosts(size, urls.metered, urls.project);
    for (const row of cost[size]) failures.push(...row.failures.map((f) => `${size} pipelines, ${row.endpoint} (${row.case}): ${f}`));
    baselineDifferences.push(...(await compareWithBaseline(size, urls)));
    log(`throughput at ${size}`);
    throughput[size] = await measureThroughput(size, urls);
    for (const row of throughput[size]) {
      for (const side of ["project", "baseline"] as const) {
        if (row[side].failed > 0) failures.push(`${size} pipelines, ${row.scenario}: ${row[side].failed} failed requests to the ${side}`);
      }
    }
    // What the bench created goes, so the next size starts from the seeded data.
    await db.prepare("DELETE FROM pipelines WHERE name >= 'bench-' AND name < 'bench.'").run();
  }
  log(`importing ${BULK.pipelines} pipelines`);
  const bulk = await importInBulk(urls.metered);
  if (bulk.d1Calls !== bulk.requests) failures.push(`bulk import: ${bulk.d1Calls} D1 calls for ${bulk.requests} requests`);
  failures.push(...baselineDifferences.map((d) => `baseline differs: ${d}`));
  results = {
    generatedAt: new Date().toISOString(),
    environment: {
      node: process.version,
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model.trim() ?? "unknown CPU",
      wrangler: versionOf("wrangler"),
      miniflare: versionOf("miniflare"),
      autocannon: versionOf("autocannon"),
    },
    settings: { ...LOAD, slack: SLACK, bulk: BULK },
    sizes: SIZES,
    cost,
    unmeasured: await unmeasured(urls.project, cost[SIZES[0] as number] ?? []),
    throughput,
    baselineDifferences,
    bulk,
    failures,
    seconds: (performance.now() - started) / 1000,
  };
} finally {
  await workers.dispose();
}

const out = join(ROOT, "bench/results");
mkdirSync(out, { recursive: true });
writeFileSync(join(out, "latest.json"), `${JSON.stringify(results, null, 2)}\n`);
const report = markdown(results);
writeFileSync(join(out, "latest.md"), report);
console.log(report);
log(failures.length === 0 ? "every budget met" : `${failures.length} budget(s) broken or measurement(s) failed`);
process.exitCode = failures.length === 0 ? 0 : 1;
