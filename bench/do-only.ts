import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { measureCosts } from "./cost.ts";
import { objectsBench } from "./do-bench.ts";
import { objectsSection, objectsSummary } from "./report-do.ts";
import { removeBenchPipelines, seedPipelines, seedWorkspaces } from "./seed.ts";
import { ROOT, startWorkers } from "./workers.ts";

/**
 * `node bench/run.ts --do-only`: the Durable Objects part alone, for developers. Builds the
 * Workers, seeds D1 as the full run does at its first size (1,000 pipelines, 1,000 other
 * workspaces), measures D1's cost table there (for the rows read beside the objects'), then runs
 * bench/do-bench.ts. Writes bench/results/tmp/do.{json,md} (never latest.*), prints the markdown
 * and answers the exit code.
 */
export async function objectsOnly(): Promise<number> {
  const size = 1_000;
  const started = performance.now();
  const log = (message: string) => console.error(`bench ${Math.round((performance.now() - started) / 1000)}s: ${message}`);
  // As in bench/run.ts: seeded pipelines updated in the last 60 days, other workspaces' numbers above every size.
  const epoch = Date.now() - 60 * 86_400_000;
  const loadBefore = loadavg()[0]?.toFixed(2) ?? "?";
  log("building the Workers and starting Miniflare");
  const workers = await startWorkers({ objects: true });
  let part: Awaited<ReturnType<typeof objectsBench>>;
  try {
    log("seeding D1");
    await seedWorkspaces(workers.db, 1_000);
    await seedPipelines(workers.db, 9_000_000, 9_000_000 + 2 * 1_000 - 1, epoch, 1_000);
    await seedPipelines(workers.db, 1, size, epoch);
    log(`D1: cost per request at ${size}`);
    const d1Cost = await measureCosts(size, workers.urls.metered, workers.urls.project);
    await removeBenchPipelines(workers.db);
    part = await objectsBench(workers, size, epoch, d1Cost, log);
  } finally {
    await workers.dispose();
  }
  const { results, failures } = part;
  const cpu = cpus()[0]?.model.trim() ?? "unknown CPU";
  const report = `# Benchmark results, Durable Objects only

Generated ${new Date().toISOString()} by \`node bench/run.ts --do-only\` in ${Math.round((performance.now() - started) / 1000)} s on ${cpu} (${cpus().length} CPUs), load average ${loadBefore} before, ${loadavg()[0]?.toFixed(2) ?? "?"} after. \`npm run bench\` is the source of truth.

**Failures:** ${failures.length === 0 ? "none." : `${failures.length}:\n\n${failures.map((f) => `- ${f}`).join("\n")}\n`}

${objectsSummary(results)}

${objectsSection(results)}`;
  const out = join(ROOT, "bench/results/tmp");
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, "do.json"), `${JSON.stringify({ ...results, failures }, null, 2)}\n`);
  writeFileSync(join(out, "do.md"), report);
  console.log(report);
  log(failures.length === 0 ? "every budget met" : `${failures.length} budget(s) broken or measurement(s) not to be trusted`);
  return failures.length === 0 ? 0 : 1;
}
