import type { Miniflare } from "miniflare";
import { PIPELINE_JSON_SQL } from "../src/storage/d1/pipeline-json.ts";

export type D1 = Awaited<ReturnType<Miniflare["getD1Database"]>>;

/**
 * The bench's data. Every pipeline, seeded or sent, has the same shape: 5 stages of 3
 * parameters each and 3 configuration entries. Seeded pipeline `i` is written straight into D1
 * with SQL (not through the API): one in ten is archived, and all were updated within the last
 * 60 days, so the archive job (90 days) finds nothing due. Rows come from a recursive CTE, so a
 * statement binds at most three parameters whatever the number of rows, and each batch of
 * `CHUNK` pipelines is one D1 call. Each gets the revision of its version 1.
 */

const CHUNK = 10_000;

export const STAGES = [
  { name: "compress", stageType: "compression", algorithm: "zstd", parallelProcessing: false, chunkSize: 1048576 },
  { name: "encrypt", stageType: "encryption", algorithm: "aes-256-gcm", parallelProcessing: false, chunkSize: null },
  { name: "checksum", stageType: "checksum", algorithm: "sha256", parallelProcessing: false, chunkSize: null },
  { name: "transform", stageType: "transform", algorithm: "csv-to-parquet", parallelProcessing: true, chunkSize: null },
  { name: "pass", stageType: "passthrough", algorithm: "noop", parallelProcessing: false, chunkSize: null },
] as const;
export const PARAMETERS = { level: "3", mode: "streaming", retries: "2" } as const;

/** Pipeline and stage ids: valid ULIDs (digits, P and S are Crockford base32) that say what they are. */
export const pipelineId = (i: number) => `01P${String(i).padStart(23, "0")}`;
export const stageId = (i: number, position: number) => `01S${String(i * STAGES.length + position).padStart(23, "0")}`;
export const pipelineName = (i: number) => `pipeline-${String(i).padStart(6, "0")}`;
export const isArchived = (i: number) => i % 10 === 0;
const ENVIRONMENTS = ["prod", "staging", "dev"] as const;
const TEAMS = 50;
const REGIONS = 7;
/** The configuration of seeded pipeline `i` (the SQL below writes the same). */
export const seededConfiguration = (i: number): Record<string, string> => ({
  env: ENVIRONMENTS[i % ENVIRONMENTS.length] as string,
  team: `team-${String(i % TEAMS).padStart(2, "0")}`,
  region: `region-${i % REGIONS}`,
});
/** `config.env=prod` matches a third of the seeded pipelines, `config.team=team-07` one in fifty. */
export const BROAD_FILTER = "config.env=prod";
export const NARROW_FILTER = "config.team=team-07";

/** A create body of the bench's shape. */
export function pipelineBody(name: string, configuration: Record<string, string> = { env: "prod", team: "team-07", region: "region-1" }) {
  return {
    name,
    configuration,
    stages: STAGES.map((stage) => ({ ...stage, parameters: { ...PARAMETERS } })),
  };
}

/**
 * A replacement (PUT) of seeded pipeline `i` as a client sends it after a GET: stage ids and
 * configuration kept, one parameter changed, so the filters keep matching what they matched.
 */
export function replacementBody(i: number, revision: number) {
  const body = pipelineBody(pipelineName(i), seededConfiguration(i));
  return {
    ...body,
    stages: body.stages.map((stage, position) => ({
      id: stageId(i, position),
      ...stage,
      parameters: { ...stage.parameters, retries: String(revision % 10) },
    })),
  };
}

const sqlText = (value: string | number | boolean | null) =>
  value === null ? "NULL" : typeof value === "string" ? `'${value}'` : String(Number(value));

// D1 binds JavaScript numbers as REAL: the casts keep the arithmetic (and `'region-' || i % 7`) integral.
const numbers = "WITH RECURSIVE n(i) AS (SELECT CAST(?1 AS INTEGER) UNION ALL SELECT i + 1 FROM n WHERE i < ?2)";
const created = "CAST(?3 AS INTEGER) + n.i * 50000";
const stageKinds = `k(position, name, stage_type, algorithm, parallel_processing, chunk_size) AS (VALUES ${STAGES.map(
  (s, position) => `(${[position, s.name, s.stageType, s.algorithm, s.parallelProcessing, s.chunkSize].map(sqlText).join(", ")})`,
).join(", ")})`;
const parameterRows = `p(key, value) AS (VALUES ${Object.entries(PARAMETERS)
  .map(([key, value]) => `('${key}', '${value}')`)
  .join(", ")})`;

// ?4: 0 puts the pipelines in the workspace default, k > 0 spreads them over ws-0000 … ws-<k-1>.
const workspaceOf = "CASE WHEN CAST(?4 AS INTEGER) = 0 THEN 'default' ELSE printf('ws-%04d', i % CAST(?4 AS INTEGER)) END";
const PIPELINES = `${numbers}
INSERT INTO pipelines (id, workspace, name, archived, version, created_at, updated_at)
SELECT printf('01P%023d', i), ${workspaceOf}, printf('pipeline-%06d', i), i % 10 = 0, 1, ${created}, ${created} + (i % 1000) * 1000 FROM n`;

const PIPELINE_STAGES = `${numbers}, ${stageKinds}
INSERT INTO pipeline_stages (id, pipeline_id, position, name, stage_type, algorithm, enabled, parallel_processing, chunk_size, created_at, updated_at)
SELECT printf('01S%023d', i * ${STAGES.length} + position), printf('01P%023d', i), position, name, stage_type, algorithm,
  1, parallel_processing, chunk_size, ${created}, ${created} FROM n, k`;

const STAGE_PARAMETERS = `${numbers}, ${stageKinds}, ${parameterRows}
INSERT INTO stage_parameters (stage_id, key, value)
SELECT printf('01S%023d', i * ${STAGES.length} + position), key, value FROM n, k, p`;

// Each entry carries copies of its pipeline's list keys, as the API writes them.
const CONFIGURATION = `${numbers}, c(pipeline_id, key, value) AS (
SELECT printf('01P%023d', i), 'env', CASE i % ${ENVIRONMENTS.length} ${ENVIRONMENTS.map((env, k) => `WHEN ${k} THEN '${env}'`).join(" ")} END FROM n
UNION ALL SELECT printf('01P%023d', i), 'team', printf('team-%02d', i % ${TEAMS}) FROM n
UNION ALL SELECT printf('01P%023d', i), 'region', 'region-' || (i % ${REGIONS}) FROM n)
INSERT INTO pipeline_configuration (pipeline_id, key, value, pipeline_workspace, pipeline_archived, pipeline_name, pipeline_created_at, pipeline_updated_at)
SELECT c.pipeline_id, c.key, c.value, p.workspace, p.archived, p.name, p.created_at, p.updated_at FROM c JOIN pipelines p ON p.id = c.pipeline_id`;

// Every version has its revision (docs/history.md): the seeded version 1 gets its own, as the migration backfills them.
const REVISIONS = `INSERT INTO pipeline_revisions (pipeline_id, version, change, actor_type, actor_id, request_id, changed_at, pipeline, write_id)
SELECT p.id, p.version, 'created', 'system', NULL, 'bench-seed', p.updated_at, ${PIPELINE_JSON_SQL}, 'bench-seed'
FROM pipelines p WHERE p.id BETWEEN printf('01P%023d', CAST(?1 AS INTEGER)) AND printf('01P%023d', CAST(?2 AS INTEGER))`;

/** Workspaces ws-0000 … ws-<count-1>, beside default (which the migrations make). */
export async function seedWorkspaces(db: D1, count: number): Promise<void> {
  await db
    .prepare(
      `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < CAST(?1 AS INTEGER) - 1)
       INSERT INTO workspaces (id, display_name, created_at, deleted_at) SELECT printf('ws-%04d', i), 'bench ' || i, 0, NULL FROM n`,
    )
    .bind(count)
    .run();
}

/**
 * Seeds pipelines `from` to `to` (inclusive) into the workspace default, or spread over the
 * first `workspaces` of seedWorkspaces; `epoch` is the creation time of pipeline 0.
 */
export async function seedPipelines(db: D1, from: number, to: number, epoch: number, workspaces = 0): Promise<void> {
  for (let start = from; start <= to; start += CHUNK) {
    const end = Math.min(start + CHUNK - 1, to);
    await db.batch([
      db.prepare(PIPELINES).bind(start, end, epoch, workspaces),
      db.prepare(PIPELINE_STAGES).bind(start, end, epoch),
      db.prepare(STAGE_PARAMETERS).bind(start, end),
      db.prepare(CONFIGURATION).bind(start, end),
      db.prepare(REVISIONS).bind(start, end),
    ]);
  }
}

/** Removes what the bench created (pipelines named bench-…), so the next measurement starts from the seeded data. */
export async function removeBenchPipelines(db: D1): Promise<void> {
  await db.prepare("DELETE FROM pipelines WHERE name >= 'bench-' AND name < 'bench.'").run();
}

/** The `n`-th active seeded pipeline counting down from `size` (the top of the table, away from earlier sizes' targets). */
export function activeIndex(size: number, n: number): number {
  let i = size;
  for (let found = 0; ; i--) {
    if (!isArchived(i) && found++ === n) return i;
  }
}
