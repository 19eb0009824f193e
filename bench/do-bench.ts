import { cpus } from "node:os";
import type { CostRow } from "./cost.ts";
import { measureObjectCosts, type ObjectCostRow, OPERATOR_CALLS } from "./do-cost.ts";
import { DO_ROUNDS, measureObjectThroughput, measureSpread, type ObjectLoadRow, SPREAD, type SpreadResults } from "./do-load.ts";
import { removeObjectBenchPipelines, seedObject } from "./do-seed.ts";
import type { LoadResult } from "./load.ts";
import { removeBenchPipelines } from "./seed.ts";
import type { Workers } from "./workers.ts";

/**
 * The Durable Objects part of `npm run bench`, run once, beside D1 at its first size: the
 * workspace default's object seeded with D1's data set, the cost table on objects, throughput of
 * that workspace beside D1, and writes spread over many workspaces. Returns what failed.
 */

export interface ObjectResults {
  size: number;
  /** The machine's cores, which Miniflare's one process shares out. */
  cpus: number;
  seedSeconds: number;
  cost: ObjectCostRow[];
  throughput: ObjectLoadRow[];
  spread: SpreadResults;
  settings: { rounds: typeof DO_ROUNDS; spread: typeof SPREAD; operatorCalls: typeof OPERATOR_CALLS };
  /** The time this part added to the bench. */
  seconds: number;
}

const failedRequests = (what: string, results: Record<string, LoadResult>) =>
  Object.entries(results).flatMap(([side, r]) =>
    r.failed > 0 ? [`Durable Objects, ${what}: ${r.failed} failed requests to ${side}`] : [],
  );

/** Runs the part with D1 seeded to `size` pipelines (its cost table at that size, `d1Cost`, beside the objects'). */
export async function objectsBench(
  workers: Workers,
  size: number,
  epoch: number,
  d1Cost: CostRow[],
  log: (message: string) => void,
): Promise<{ results: ObjectResults; failures: string[] }> {
  const objects = workers.objects;
  if (!objects) throw new Error("the Workers were started without Durable Objects");
  const started = performance.now();
  log(`Durable Objects: seeding pipelines 1 to ${size} into the workspace's object`);
  await seedObject(objects.namespace, 1, size, epoch);
  const seedSeconds = (performance.now() - started) / 1000;

  log(`Durable Objects: cost per request at ${size}`);
  const cost = await measureObjectCosts(size, objects.metered, objects.project, d1Cost);
  const failures = cost.flatMap((row) =>
    row.failures.map((f) => `Durable Objects, ${size} pipelines, ${row.endpoint} (${row.case}): ${f}`),
  );
  await removeObjectBenchPipelines(objects.namespace);

  log(`Durable Objects: throughput beside D1 at ${size}`);
  const throughput = await measureObjectThroughput(size, { objects: objects.project, d1: workers.urls.project });
  for (const row of throughput) failures.push(...failedRequests(row.scenario, { objects: row.objects, d1: row.d1 }));
  await Promise.all([removeObjectBenchPipelines(objects.namespace), removeBenchPipelines(workers.db)]);

  log(`Durable Objects: writes over ${SPREAD.workspaces.join(", ")} workspaces`);
  const spread = await measureSpread({ objects: objects.metered, d1: workers.urls.metered });
  for (const row of spread.rows) failures.push(...failedRequests(`writes over ${row.workspaces}`, { objects: row.objects, d1: row.d1 }));

  const settings = { rounds: DO_ROUNDS, spread: SPREAD, operatorCalls: OPERATOR_CALLS };
  const seconds = (performance.now() - started) / 1000;
  return { results: { size, cpus: cpus().length, seedSeconds, cost, throughput, spread, settings, seconds }, failures };
}
