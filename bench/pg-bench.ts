import { benchKey } from "./api-keys.ts";
import { LOAD } from "./load.ts";
import { measurePgThroughput, PG_SCENARIOS, type PgLoadRow } from "./pg-load.ts";
import { type ConnectionCost, compareBackends, connectionCost, measureRoundTrips, type RoundTripRow } from "./pg-measure.ts";
import { type BenchPostgres, removePgBenchPipelines, seedPostgres } from "./pg-seed.ts";
import { pipelineId, removeBenchPipelines } from "./seed.ts";
import type { Workers } from "./workers.ts";

/**
 * The PostgreSQL part of `npm run bench`, run beside D1's at each size: PostgreSQL seeded with
 * D1's data set and its answers compared with D1's (`seed`, right after D1 is seeded), then the
 * round trips of every cost case and, at the first size, throughput beside D1 (`measure`,
 * after D1's measurements). Each returns what failed.
 */

export interface PostgresResults {
  /** `SHOW server_version`. */
  serverVersion: string;
  /** The sizes seeded, with the seconds each took, and the round trips measured at each. */
  sizes: number[];
  seedSeconds: Record<string, number>;
  roundTrips: Record<string, RoundTripRow[]>;
  /** Connecting, and a statement on a new and on a warm connection, measured before the throughput. */
  connection: ConnectionCost | null;
  /** Where PostgreSQL answered otherwise than D1 (should be none). */
  differences: string[];
  /** At `throughputSize` pipelines. */
  throughputSize: number;
  throughput: PgLoadRow[];
  settings: { load: typeof LOAD; scenarios: string[] };
  /** The time this part added to the bench. */
  seconds: number;
}

export function postgresBench(db: BenchPostgres, workers: Workers, epoch: number, log: (message: string) => void) {
  const pg = workers.pg;
  if (!pg) throw new Error("the Workers were started without PostgreSQL");
  const results: PostgresResults = {
    serverVersion: db.version,
    sizes: [],
    seedSeconds: {},
    roundTrips: {},
    connection: null,
    differences: [],
    throughputSize: 0,
    throughput: [],
    settings: { load: LOAD, scenarios: PG_SCENARIOS },
    seconds: 0,
  };
  let seeded = 0;
  const timed = async (work: () => Promise<string[]>) => {
    const started = performance.now();
    try {
      return await work();
    } finally {
      results.seconds += (performance.now() - started) / 1000;
    }
  };

  return {
    results,
    seed: (size: number) =>
      timed(async () => {
        log(`PostgreSQL: seeding pipelines ${seeded + 1} to ${size}`);
        const started = performance.now();
        await seedPostgres(db, seeded + 1, size, epoch);
        results.seedSeconds[size] = (performance.now() - started) / 1000;
        seeded = size;
        results.sizes.push(size);
        const differences = await compareBackends(size, workers.urls.project, pg.project);
        results.differences.push(...differences);
        return differences.map((d) => `PostgreSQL answers otherwise than D1: ${d}`);
      }),
    measure: (size: number, { throughput }: { throughput: boolean }) =>
      timed(async () => {
        const failures: string[] = [];
        log(`PostgreSQL: round trips per request at ${size}`);
        const rows = await measureRoundTrips(size, pg.metered, pg.project);
        results.roundTrips[size] = rows;
        for (const row of rows)
          failures.push(...row.failures.map((f) => `PostgreSQL, ${size} pipelines, ${row.endpoint} (${row.case}): ${f}`));
        await removePgBenchPipelines(db);
        if (throughput) {
          results.connection = await connectionCost(db.url, pipelineId(1));
          log(`PostgreSQL: throughput beside D1 at ${size}`);
          const [postgres, d1] = await Promise.all([
            benchKey(pg.project, `bench-pg-load-${size}`),
            benchKey(workers.urls.project, `bench-pg-load-${size}`),
          ]);
          results.throughputSize = size;
          results.throughput = await measurePgThroughput(size, {
            postgres: { url: pg.project, key: postgres.key },
            d1: { url: workers.urls.project, key: d1.key },
          });
          for (const row of results.throughput) {
            for (const side of ["postgres", "d1"] as const) {
              if (row[side].failed > 0) failures.push(`${size} pipelines, ${row.scenario}: ${row[side].failed} failed requests to ${side}`);
            }
          }
          await Promise.all([removePgBenchPipelines(db), removeBenchPipelines(workers.db)]);
        }
        return failures;
      }),
  };
}
