import type { PipelineInput } from "./validate";

/** The baseline's SQL: the pipeline projection, the rows of a pipeline's content, its history, the API key check. */

const MAX_PARAMETERS = 100;

const time = (column: string) => `strftime('%Y-%m-%dT%H:%M:%fZ', ${column} / 1000.0, 'unixepoch')`;
const bool = (column: string) => `json(iif(${column}, 'true', 'false'))`;

/** Pipeline `p` exactly as the API answers it. */
export const PIPELINE_JSON = `json_object(
  'id', p.id, 'name', p.name, 'archived', ${bool("p.archived")},
  'configuration', json((SELECT json_group_object(key, value) FROM pipeline_configuration WHERE pipeline_id = p.id)),
  'stages', json((SELECT json_group_array(json_object(
    'id', s.id, 'name', s.name, 'stageType', s.stage_type, 'algorithm', s.algorithm,
    'enabled', ${bool("s.enabled")}, 'parallelProcessing', ${bool("s.parallel_processing")},
    'chunkSize', s.chunk_size, 'order', s.position,
    'parameters', json((SELECT json_group_object(key, value) FROM stage_parameters WHERE stage_id = s.id)),
    'createdAt', ${time("s.created_at")}, 'updatedAt', ${time("s.updated_at")}))
    FROM (SELECT * FROM pipeline_stages WHERE pipeline_id = p.id ORDER BY position) s)),
  'version', p.version, 'createdAt', ${time("p.created_at")}, 'updatedAt', ${time("p.updated_at")})`;

export const SELECT_ONE = `SELECT p.version, ${PIPELINE_JSON} AS body FROM pipelines p WHERE p.id = ? AND p.workspace = ?`;

/** Multi-row inserts of `columns`, chunked under D1's 100 bound parameters per statement. */
function insertRows(db: D1DatabaseSession, head: string, columns: number, rows: unknown[][], tail = ""): D1PreparedStatement[] {
  const size = Math.floor(MAX_PARAMETERS / columns);
  const tuple = `(${Array.from({ length: columns }, () => "?").join(", ")})`;
  const statements: D1PreparedStatement[] = [];
  for (let i = 0; i < rows.length; i += size) {
    const chunk = rows.slice(i, i + size);
    statements.push(db.prepare(`${head} VALUES ${chunk.map(() => tuple).join(", ")} ${tail}`).bind(...chunk.flat()));
  }
  return statements;
}

const STAGE_COLUMNS =
  "INSERT INTO pipeline_stages (id, pipeline_id, position, name, stage_type, algorithm, enabled, parallel_processing, chunk_size, created_at, updated_at)";
const KEEP_CREATED_AT =
  "ON CONFLICT (id) DO UPDATE SET position = excluded.position, name = excluded.name, stage_type = excluded.stage_type, algorithm = excluded.algorithm, enabled = excluded.enabled, parallel_processing = excluded.parallel_processing, chunk_size = excluded.chunk_size, updated_at = excluded.updated_at";

/** A pipeline's stages, their parameters and its configuration; `upsert` keeps a kept stage's `created_at`. */
export function childRows(
  db: D1DatabaseSession,
  pipelineId: string,
  input: PipelineInput,
  stageIds: string[],
  now: number,
  upsert: boolean,
) {
  const stages = input.stages.map((s, i) => [
    stageIds[i],
    pipelineId,
    i,
    s.name,
    s.stageType,
    s.algorithm,
    s.enabled ? 1 : 0,
    s.parallelProcessing ? 1 : 0,
    s.chunkSize,
    now,
    now,
  ]);
  const parameters = input.stages.flatMap((s, i) => Object.entries(s.parameters).map(([key, value]) => [stageIds[i], key, value]));
  const configuration = Object.entries(input.configuration).map(([key, value]) => [pipelineId, key, value]);
  return [
    ...insertRows(db, STAGE_COLUMNS, 11, stages, upsert ? KEEP_CREATED_AT : ""),
    ...insertRows(db, "INSERT INTO stage_parameters (stage_id, key, value)", 3, parameters),
    ...configurationRows(db, configuration),
  ];
}

/** Configuration entries with the copies of their pipeline's list keys (as the project writes them), chunked. */
function configurationRows(db: D1DatabaseSession, rows: unknown[][]): D1PreparedStatement[] {
  const size = Math.floor(MAX_PARAMETERS / 3);
  const statements: D1PreparedStatement[] = [];
  for (let i = 0; i < rows.length; i += size) {
    const chunk = rows.slice(i, i + size);
    statements.push(
      db
        .prepare(
          `INSERT INTO pipeline_configuration (pipeline_id, key, value, pipeline_workspace, pipeline_archived, pipeline_name, pipeline_created_at, pipeline_updated_at)
           SELECT v.column1, v.column2, v.column3, p.workspace, p.archived, p.name, p.created_at, p.updated_at
           FROM (VALUES ${chunk.map(() => "(?, ?, ?)").join(", ")}) v JOIN pipelines p ON p.id = v.column1`,
        )
        .bind(...chunk.flat()),
    );
  }
  return statements;
}

/** Who writes, as history records it: the admin token (no id) or an API key (its id). */
export interface Actor {
  type: "admin" | "apiKey";
  id: string | null;
}

/**
 * The history a change records (docs/history.md): its revision (by the request's id and
 * actor), its audit event and change event (docs/events.md), and the pruning of old revisions.
 */
export function history(
  db: D1DatabaseSession,
  id: string,
  change: "created" | "replaced",
  actor: Actor,
  requestId: string,
  writeId: string,
  eventId: string,
): D1PreparedStatement[] {
  return [
    db
      .prepare(
        `INSERT INTO pipeline_revisions (pipeline_id, version, change, actor_type, actor_id, request_id, changed_at, pipeline, write_id)
         SELECT p.id, p.version, ?2, ?3, ?4, ?5, p.updated_at, ${PIPELINE_JSON}, ?6 FROM pipelines p WHERE p.id = ?1 ON CONFLICT DO NOTHING`,
      )
      .bind(id, change, actor.type, actor.id, requestId, writeId),
    db
      .prepare(
        `INSERT INTO audit_events (id, workspace, at, action, actor_type, actor_id, resource_type, resource_id, version, request_id)
         SELECT ?2, p.workspace, r.changed_at, 'pipeline.' || r.change, r.actor_type, r.actor_id, 'pipeline', r.pipeline_id, r.version, r.request_id
         FROM pipelines p JOIN pipeline_revisions r ON r.pipeline_id = p.id AND r.version = p.version WHERE p.id = ?1 AND r.write_id = ?3`,
      )
      .bind(id, eventId, writeId),
    db
      .prepare(
        `INSERT INTO change_events (id, workspace, type, at, actor_type, actor_id, request_id, resource_type, resource_id, version, pipeline)
         SELECT ?2, p.workspace, 'pipeline.' || r.change, r.changed_at, r.actor_type, r.actor_id, r.request_id, 'pipeline', r.pipeline_id, r.version,
           r.pipeline
         FROM pipelines p JOIN pipeline_revisions r ON r.pipeline_id = p.id AND r.version = p.version WHERE p.id = ?1 AND r.write_id = ?3`,
      )
      .bind(id, eventId, writeId),
    db
      .prepare("DELETE FROM pipeline_revisions WHERE pipeline_id = ?1 AND version <= (SELECT version FROM pipelines WHERE id = ?1) - 100")
      .bind(id),
  ];
}

/** The scopes that grant `read` and `write` (admin includes write, write includes read). */
const GRANTORS = { read: ["read", "write", "admin"], write: ["write", "admin"] } as const;
const held = (scope: keyof typeof GRANTORS) =>
  GRANTORS[scope].map((grantor) => `instr(' ' || k.scopes || ' ', ' ${grantor} ') > 0`).join(" OR ");
const keyFailure = (scope: keyof typeof GRANTORS) =>
  `CASE WHEN k.id IS NULL THEN 'key_invalid' WHEN w.id IS NULL OR k.workspace <> w.id THEN 'workspace_missing' WHEN NOT (${held(scope)}) THEN 'key_scope' END`;
const LIVE = "LEFT JOIN workspaces w ON w.id = ? AND w.deleted_at IS NULL";
const KEY_ROW = `FROM (SELECT 1) LEFT JOIN api_keys k ON k.id = ? AND k.key_hash = ? AND k.revoked_at IS NULL ${LIVE}`;
const WORKSPACE_FAILURE = `CASE WHEN w.id IS NULL THEN 'workspace_missing' END FROM (SELECT 1) ${LIVE}`;
const CHECKS = {
  admin: {
    read: `SELECT ${WORKSPACE_FAILURE.replace(" END", " END AS reason")}`,
    write: `INSERT INTO write_guard SELECT ${WORKSPACE_FAILURE}`,
  },
  read: {
    read: `SELECT ${keyFailure("read")} AS reason ${KEY_ROW}`,
    write: `INSERT INTO write_guard SELECT ${keyFailure("read")} ${KEY_ROW}`,
  },
  write: {
    read: `SELECT ${keyFailure("write")} AS reason ${KEY_ROW}`,
    write: `INSERT INTO write_guard SELECT ${keyFailure("write")} ${KEY_ROW}`,
  },
} as const;

/**
 * The check at the head of the request's one batch (as src/storage/d1/key-check.ts does): the
 * workspace live and, for an API key, the key active, of this workspace, with the scope; for a
 * write a guard that aborts the batch, for a read a SELECT of the first failing check, judged
 * before any row is handed back.
 */
export const workspaceCheck = (
  db: D1DatabaseSession,
  workspace: string,
  key: { id: string; hash: string } | undefined,
  scope: "read" | "write",
  mode: "read" | "write",
) => (key ? db.prepare(CHECKS[scope][mode]).bind(key.id, key.hash, workspace) : db.prepare(CHECKS.admin[mode]).bind(workspace));
