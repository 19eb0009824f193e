// `npm run bench`: builds the Workers, seeds D1, measures cost per request, throughput against
// the baseline, scaling, bulk import and where the time goes, and the same data set on PostgreSQL
// beside D1 (bench/pg-bench.ts); writes bench/results/latest.{json,md}; exits non-zero when a
// budget is broken (see bench/cost.ts) or a measurement is not to be trusted.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { benchKey } from "./api-keys.ts";
import { BULK, type BulkResult, importInBulk } from "./bulk.ts";
import { type CostRow, measureCosts, SLACK } from "./cost.ts";
import { expectStatus } from "./http.ts";
import { compareWithBaseline, type KeyLoadRow, LOAD, type LoadRow, measureApiKeyThroughput, measureThroughput } from "./load.ts";
import { postgresBench } from "./pg-bench.ts";
import { startBenchPostgres } from "./pg-seed.ts";
import { type Breakdown, PROFILE, profileScenarios } from "./profile.ts";
import { markdown } from "./report.ts";
import { removeBenchPipelines, seedPipelines } from "./seed.ts";
import { ROOT, startWorkers } from "./workers.ts";

const SIZES = [1_000, 100_000];
const DAY = 86_400_000;
// Seeded pipelines were all updated in the last 60 days: the archive job finds none due.
const epoch = Date.now() - 60 * DAY;

/** Operations of the OpenAPI document that no case measures (for example routes added since). */
export async function unmeasured(project: string, rows: CostRow[]): Promise<string[]> {
  const document = (await expectStatus(project, { method: "GET", path: "/openapi.json" }, 200)).body as { paths: Record<string, object> };
  const measured = new Set(rows.map((row) => row.endpoint));
  return Object.entries(document.paths).flatMap(([path, operations]) =>
    Object.keys(operations)
      .map((method) => `${method.toUpperCase()} ${path}`)
      .filter((operation) => !measured.has(operation)),
  );
}

const started = performance.now();
const loadBefore = loadavg()[0]?.toFixed(2) ?? "?";
const log = (message: string) => console.error(`bench ${Math.round((performance.now() - started) / 1000)}s: ${message}`);
const versionOf = (name: string) =>
  (JSON.parse(readFileSync(join(ROOT, "node_modules", name, "package.json"), "utf8")) as { version: string }).version;

const cost: Record<string, CostRow[]> = {};
const throughput: Record<string, LoadRow[]> = {};
const apiKeyThroughput: Record<string, KeyLoadRow[]> = {};
const baselineDifferences: string[] = [];
const failures: string[] = [];

log("starting PostgreSQL");
const postgres = await startBenchPostgres();
// Interrupted, the bench still stops its server (it is a daemon of its own; a later run would stop it too).
const stopOnSignal = (signal: NodeJS.Signals) => {
  void postgres.stop().finally(() => process.kill(process.pid, signal));
};
process.once("SIGINT", stopOnSignal);
process.once("SIGTERM", stopOnSignal);
let workers: Awaited<ReturnType<typeof startWorkers>>;
let pg: ReturnType<typeof postgresBench>;
let bulk: BulkResult;
let notMeasured: string[];
try {
  log("building the Workers and starting Miniflare");
  workers = await startWorkers({ postgres: postgres.url });
  pg = postgresBench(postgres, workers, epoch, log);
} catch (error) {
  await postgres.stop();
  throw error;
}
try {
  let seeded = 0;
  for (const size of SIZES) {
    log(`seeding pipelines ${seeded + 1} to ${size}`);
    await seedPipelines(workers.db, seeded + 1, size, epoch);
    seeded = size;
    failures.push(...(await pg.seed(size)));
    log(`cost per request at ${size}`);
    cost[size] = await measureCosts(size, workers.urls.metered, workers.urls.project);
    for (const row of cost[size]) failures.push(...row.failures.map((f) => `${size} pipelines, ${row.endpoint} (${row.case}): ${f}`));
    baselineDifferences.push(...(await compareWithBaseline(size, workers.urls)));
    log(`throughput at ${size}`);
    throughput[size] = await measureThroughput(size, workers.urls);
    for (const row of throughput[size]) {
      for (const side of ["project", "baseline"] as const) {
        if (row[side].failed > 0) failures.push(`${size} pipelines, ${row.scenario}: ${row[side].failed} failed requests to the ${side}`);
      }
    }
    // The key's check is the same at any size (one row by primary key): measured at the first size only.
    if (size === SIZES[0]) {
      log(`throughput with an API key at ${size}`);
      const { key } = await benchKey(workers.urls.project, `bench-load-${size}`);
      apiKeyThroughput[size] = await measureApiKeyThroughput(size, workers.urls.project, key);
      for (const row of apiKeyThroughput[size]) {
        if (row.apiKey.failed + row.admin.failed > 0)
          failures.push(`${size} pipelines, ${row.scenario}: failed requests with the API key or the admin token`);
      }
    }
    // What the bench created goes, so the next size starts from the seeded data.
    await removeBenchPipelines(workers.db);
    failures.push(...(await pg.measure(size, { throughput: size === SIZES[0] })));
  }
  log(`importing ${BULK.pipelines} pipelines`);
  bulk = await importInBulk(workers.urls.metered);
  if (bulk.d1Calls !== bulk.requests) failures.push(`bulk import: ${bulk.d1Calls} D1 calls for ${bulk.requests} requests`);
  notMeasured = await unmeasured(workers.urls.project, cost[SIZES[0] as number] ?? []);
} finally {
  await workers.dispose();
  await postgres.stop();
  process.off("SIGINT", stopOnSignal);
  process.off("SIGTERM", stopOnSignal);
}
failures.push(...baselineDifferences.map((d) => `the baseline answers differently: ${d}`));

// Profiling slows the isolates down, so it runs apart, on the smaller size (the paths are flat).
const profileSize = SIZES[0] as number;
log(`profiling at ${profileSize}`);
const profiled = await startWorkers({ scripts: workers.scripts, inspector: true });
let profile: Breakdown[];
try {
  await seedPipelines(profiled.db, 1, profileSize, epoch);
  profile = await profileScenarios(profileSize, profiled);
} finally {
  await profiled.dispose();
}

const results = {
  generatedAt: new Date().toISOString(),
  environment: {
    node: process.version,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model.trim() ?? "unknown CPU",
    wrangler: versionOf("wrangler"),
    miniflare: versionOf("miniflare"),
    autocannon: versionOf("autocannon"),
    loadBefore,
    loadAfter: loadavg()[0]?.toFixed(2) ?? "?",
  },
  settings: { load: LOAD, slack: SLACK, bulk: BULK, profile: { ...PROFILE, size: profileSize } },
  sizes: SIZES,
  cost,
  unmeasured: notMeasured,
  throughput,
  apiKeyThroughput,
  baselineDifferences,
  bulk,
  profile,
  postgres: pg.results,
  failures,
  seconds: (performance.now() - started) / 1000,
};
const out = join(ROOT, "bench/results");
mkdirSync(out, { recursive: true });
writeFileSync(join(out, "latest.json"), `${JSON.stringify(results, null, 2)}\n`);
const report = markdown(results);
writeFileSync(join(out, "latest.md"), report);
console.log(report);
log(failures.length === 0 ? "every budget met" : `${failures.length} budget(s) broken or measurement(s) not to be trusted`);
process.exitCode = failures.length === 0 ? 0 : 1;
