// `npm run bench`: builds the Workers, seeds D1, measures cost per request, throughput against
// the baseline (with the admin token and with an API key), scaling, bulk import, where the time
// goes (CPU per request), the production script's size and start-up, and the same data set on
// PostgreSQL beside D1 (bench/pg-bench.ts); writes bench/results/latest.{json,md}; exits non-zero
// when a budget is broken (see bench/cost.ts) or a measurement is not to be trusted.
//
// `node bench/run.ts --quick` (or `npm run bench -- --quick`), for developers: build, seed 1,000
// pipelines, the baseline comparison, throughput at 1,000 (every scenario, the API key ones too),
// the profiles, size and start-up (5 runs); no PostgreSQL, no 100,000, no cost table, no bulk
// import. About 7 minutes; writes bench/results/quick.{json,md}, never latest.*, and prints the
// markdown. The full run stays the source of truth.
//
// `node bench/run.ts --do-only`: the Durable Objects part alone (bench/do-only.ts), about three
// minutes; writes bench/results/tmp/do.{json,md}. `node bench/run.ts --feed-only`: the change feed's
// long poll alone (bench/feed-wait.ts), under a minute; prints its section. `node bench/run.ts
// --webhooks-only`: webhook delivery alone (bench/webhook-delivery.ts), about four minutes.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { benchKey } from "./api-keys.ts";
import { BULK, type BulkResult, importInBulk } from "./bulk.ts";
import { compareWithBaseline } from "./compare.ts";
import { type CostRow, measureCosts, SLACK } from "./cost.ts";
import { type ObjectResults, objectsBench } from "./do-bench.ts";
import { objectsOnly } from "./do-only.ts";
import { type FeedWaitResult, feedOnly, measureFeedWait } from "./feed-wait.ts";
import { expectStatus } from "./http.ts";
import { LOAD, type LoadRow, measureApiKeyThroughput, measureNoise, measureThroughput } from "./load.ts";
import { postgresBench } from "./pg-bench.ts";
import { startBenchPostgres } from "./pg-seed.ts";
import { type Breakdown, PROFILE, profileScenarios } from "./profile.ts";
import { markdown, quickMarkdown } from "./report.ts";
import { removeBenchPipelines, seedPipelines, seedWorkspaces } from "./seed.ts";
import { measureStartup, STARTUP } from "./startup.ts";
import { type DeliveryRow, deliveriesOnly, measureDeliveries } from "./webhook-delivery.ts";
import { ROOT, startWorkers } from "./workers.ts";

if (process.argv.includes("--do-only")) process.exit(await objectsOnly());
if (process.argv.includes("--feed-only")) process.exit(await feedOnly());
if (process.argv.includes("--webhooks-only")) process.exit(await deliveriesOnly());
const quick = process.argv.includes("--quick");
const SIZES = quick ? [1_000] : [1_000, 100_000];
/** Workspaces seeded beside default, and where their pipelines' numbers start (above every size). */
const OTHER_WORKSPACES = 1_000;
const OTHERS_FROM = 9_000_000;
const DAY = 86_400_000;
// Seeded pipelines were all updated in the last 60 days: the archive job finds none due.
const epoch = Date.now() - 60 * DAY;

/** Operations of the OpenAPI document that no case measures (for example routes added since). */
export async function unmeasured(project: string, rows: CostRow[]): Promise<string[]> {
  const document = (await expectStatus(project, { method: "GET", path: "/openapi.json" }, 200)).body as { paths: Record<string, object> };
  // Cases run in the default workspace; the document names the workspace as a parameter.
  const measured = new Set(rows.map((row) => row.endpoint.replace("/v1/workspaces/default", "/v1/workspaces/{workspace}")));
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
const apiKeyThroughput: Record<string, LoadRow[]> = {};
let noise: LoadRow | undefined;
const baselineDifferences: string[] = [];
const failures: string[] = [];

const noPostgres = { url: "", stop: async () => {} } as unknown as Awaited<ReturnType<typeof startBenchPostgres>>;
if (!quick) log("starting PostgreSQL");
const postgres = quick ? noPostgres : await startBenchPostgres();
// Interrupted, the bench still stops its server (it is a daemon of its own; a later run would stop it too).
const stopOnSignal = (signal: NodeJS.Signals) => {
  void postgres.stop().finally(() => process.kill(process.pid, signal));
};
process.once("SIGINT", stopOnSignal);
process.once("SIGTERM", stopOnSignal);
let workers: Awaited<ReturnType<typeof startWorkers>>;
let pg: ReturnType<typeof postgresBench>;
let bulk: BulkResult | undefined;
let objects: ObjectResults | undefined;
let feedWait: FeedWaitResult | undefined;
let deliveries: DeliveryRow[] = [];
let notMeasured: string[] = [];
try {
  log("building the Workers and starting Miniflare");
  workers = await startWorkers(quick ? {} : { postgres: postgres.url, objects: true });
  pg = quick ? (null as unknown as typeof pg) : postgresBench(postgres, workers, epoch, log);
} catch (error) {
  await postgres.stop();
  throw error;
}
try {
  // 1,000 other workspaces, two pipelines each, so every measured read has neighbours to skip.
  log(`seeding ${OTHER_WORKSPACES} other workspaces`);
  await seedWorkspaces(workers.db, OTHER_WORKSPACES);
  await seedPipelines(workers.db, OTHERS_FROM, OTHERS_FROM + 2 * OTHER_WORKSPACES - 1, epoch, OTHER_WORKSPACES);
  let seeded = 0;
  for (const size of SIZES) {
    log(`seeding pipelines ${seeded + 1} to ${size}`);
    await seedPipelines(workers.db, seeded + 1, size, epoch);
    seeded = size;
    if (!quick) {
      failures.push(...(await pg.seed(size)));
      log(`cost per request at ${size}`);
      cost[size] = await measureCosts(size, workers.urls.metered, workers.urls.project);
      for (const row of cost[size]) failures.push(...row.failures.map((f) => `${size} pipelines, ${row.endpoint} (${row.case}): ${f}`));
    }
    // One key (write scope) for both sides: they share the database.
    const { key } = await benchKey(workers.urls.project, `bench-load-${size}`);
    baselineDifferences.push(...(await compareWithBaseline(size, workers.urls, key)));
    log(`throughput at ${size}`);
    throughput[size] = await measureThroughput(size, workers.urls);
    for (const row of throughput[size]) {
      for (const side of ["project", "baseline"] as const) {
        if (row[side].failed > 0) failures.push(`${size} pipelines, ${row.scenario}: ${row[side].failed} failed requests to the ${side}`);
      }
    }
    // The key's check is the same at any size (one row by primary key): measured at the first size only.
    if (size === SIZES[0]) {
      log(`the project against itself at ${size}`);
      noise = await measureNoise(size, workers.urls.project);
      log(`throughput with an API key at ${size}`);
      apiKeyThroughput[size] = await measureApiKeyThroughput(size, workers.urls, key);
      for (const row of apiKeyThroughput[size]) {
        for (const side of ["project", "baseline"] as const) {
          if (row[side].failed > 0)
            failures.push(`${size} pipelines, ${row.scenario} with an API key: ${row[side].failed} failed requests to the ${side}`);
        }
      }
    }
    // What the bench created goes, so the next size starts from the seeded data.
    await removeBenchPipelines(workers.db);
    if (!quick) failures.push(...(await pg.measure(size, { throughput: size === SIZES[0] })));
    if (!quick && size === SIZES[0]) {
      const part = await objectsBench(workers, size, epoch, cost[size] ?? [], log);
      objects = part.results;
      failures.push(...part.failures);
    }
  }
  if (!quick) {
    log(`importing ${BULK.pipelines} pipelines`);
    bulk = await importInBulk(workers.urls.metered);
    if (bulk.d1Calls !== bulk.requests) failures.push(`bulk import: ${bulk.d1Calls} D1 calls for ${bulk.requests} requests`);
    log("the change feed's long poll");
    const feed = await measureFeedWait(workers.urls);
    feedWait = feed.result;
    failures.push(...feed.failures);
    notMeasured = await unmeasured(workers.urls.project, cost[SIZES[0] as number] ?? []);
  }
} finally {
  await workers.dispose();
  await postgres.stop();
  process.off("SIGINT", stopOnSignal);
  process.off("SIGTERM", stopOnSignal);
}

if (!quick) {
  log("webhook delivery");
  const delivered = await measureDeliveries(workers.scripts.project);
  deliveries = delivered.rows;
  failures.push(...delivered.failures.slice(0, 20));
}

// Profiling slows the isolates down, so it runs apart, on the smaller size (the paths are flat).
const profileSize = SIZES[0] as number;
log(`profiling at ${profileSize}`);
const profiled = await startWorkers({ scripts: workers.scripts, inspector: true });
let profile: Breakdown[];
try {
  await seedPipelines(profiled.db, 1, profileSize, epoch);
  // The key lives in the throughput run's database: the same one is made here.
  const { key } = await benchKey(profiled.urls.project, "bench-profile");
  profile = await profileScenarios(profileSize, profiled, key);
} finally {
  await profiled.dispose();
}
log("bundle sizes and start-up");
const startup = await measureStartup(
  { project: workers.scripts.project, baseline: workers.scripts.baseline },
  quick ? Math.ceil(STARTUP.runs / 2) : STARTUP.runs,
);
for (const [name, measured] of Object.entries(startup.scripts)) {
  if (measured.status !== 404) failures.push(`start-up of ${name}: answered ${measured.status} to ${STARTUP.path} (expected 404)`);
}

const common = {
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
  sizes: SIZES,
  throughput,
  apiKeyThroughput,
  noise,
  baselineDifferences,
  profile,
  startup,
};
const out = join(ROOT, "bench/results");
mkdirSync(out, { recursive: true });
failures.push(...baselineDifferences.map((d) => `the baseline answers differently: ${d}`));
let report: string;
if (quick) {
  const results = {
    ...common,
    settings: { load: LOAD, profile: { ...PROFILE, size: profileSize } },
    failures,
    seconds: (performance.now() - started) / 1000,
  };
  writeFileSync(join(out, "quick.json"), `${JSON.stringify(results, null, 2)}\n`);
  report = quickMarkdown(results);
  writeFileSync(join(out, "quick.md"), report);
} else {
  const results = {
    ...common,
    settings: { load: LOAD, slack: SLACK, bulk: BULK, profile: { ...PROFILE, size: profileSize } },
    cost,
    unmeasured: notMeasured,
    bulk: bulk as BulkResult,
    postgres: pg.results,
    durableObjects: objects as ObjectResults,
    feedWait: feedWait as FeedWaitResult,
    deliveries,
    failures,
    seconds: (performance.now() - started) / 1000,
  };
  writeFileSync(join(out, "latest.json"), `${JSON.stringify(results, null, 2)}\n`);
  report = markdown(results);
  writeFileSync(join(out, "latest.md"), report);
}
console.log(report);
log(failures.length === 0 ? "every budget met" : `${failures.length} budget(s) broken or measurement(s) not to be trusted`);
process.exitCode = failures.length === 0 ? 0 : 1;
