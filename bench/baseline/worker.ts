import { monotonicFactory } from "ulid";
import { type Issue, type PipelineInput, validatePipeline } from "./validate";

/**
 * The bench's baseline: what the routes the bench loads (get, list page, filtered list, create,
 * replace) cost written by hand, with no framework and no ORM. Same schema, same response JSON,
 * same bearer check, the same rows written (history included), one D1 call per request; the
 * pipeline JSON is built by SQLite itself and passed through as text. Anything else is a 404: this is a yardstick, not a second API.
 */

interface Env {
  DB: D1Database;
  ADMIN_TOKEN?: string;
}

const newId = monotonicFactory();
const MAX_PARAMETERS = 100;
const ID = /^\/v1\/pipelines\/([0-7][0-9A-HJKMNP-TV-Z]{25})$/;
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

const time = (column: string) => `strftime('%Y-%m-%dT%H:%M:%fZ', ${column} / 1000.0, 'unixepoch')`;
const bool = (column: string) => `json(iif(${column}, 'true', 'false'))`;

/** Pipeline `p` exactly as the API answers it. */
const PIPELINE_JSON = `json_object(
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

const problem = (status: number, title: string, extra: { errors?: Issue[] } = {}) =>
  new Response(JSON.stringify({ type: "about:blank", title, status, ...extra }), {
    status,
    headers: { "Content-Type": "application/problem+json" },
  });

const json = (body: string, status = 200, headers: Record<string, string> = {}) =>
  new Response(body, { status, headers: { "Content-Type": "application/json", ...headers } });

const sha256 = (text: string) => crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));

async function authorized(request: Request, env: Env): Promise<boolean> {
  const token = BEARER.exec(request.headers.get("Authorization") ?? "")?.[1];
  if (!token || !env.ADMIN_TOKEN) return false;
  const [given, secret] = await Promise.all([sha256(token), sha256(env.ADMIN_TOKEN)]);
  return crypto.subtle.timingSafeEqual(given, secret);
}

/** Multi-row inserts of `columns`, chunked under D1's 100 bound parameters per statement. */
function insertRows(db: D1Database, head: string, columns: number, rows: unknown[][], tail = ""): D1PreparedStatement[] {
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

function childRows(db: D1Database, pipelineId: string, input: PipelineInput, stageIds: string[], now: number, upsert: boolean) {
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
  const keepCreatedAt =
    "ON CONFLICT (id) DO UPDATE SET position = excluded.position, name = excluded.name, stage_type = excluded.stage_type, algorithm = excluded.algorithm, enabled = excluded.enabled, parallel_processing = excluded.parallel_processing, chunk_size = excluded.chunk_size, updated_at = excluded.updated_at";
  return [
    ...insertRows(db, STAGE_COLUMNS, 11, stages, upsert ? keepCreatedAt : ""),
    ...insertRows(db, "INSERT INTO stage_parameters (stage_id, key, value)", 3, parameters),
    ...configurationRows(db, configuration),
  ];
}

/** Configuration entries with the copies of their pipeline's list keys (as the project writes them), chunked. */
function configurationRows(db: D1Database, rows: unknown[][]): D1PreparedStatement[] {
  const size = Math.floor(MAX_PARAMETERS / 3);
  const statements: D1PreparedStatement[] = [];
  for (let i = 0; i < rows.length; i += size) {
    const chunk = rows.slice(i, i + size);
    statements.push(
      db
        .prepare(
          `INSERT INTO pipeline_configuration (pipeline_id, key, value, pipeline_archived, pipeline_name, pipeline_created_at, pipeline_updated_at)
           SELECT v.column1, v.column2, v.column3, p.archived, p.name, p.created_at, p.updated_at
           FROM (VALUES ${chunk.map(() => "(?, ?, ?)").join(", ")}) v JOIN pipelines p ON p.id = v.column1`,
        )
        .bind(...chunk.flat()),
    );
  }
  return statements;
}

/** The history a change records (API.md "History"): its revision, its audit event, and the pruning of old revisions. */
function history(db: D1Database, id: string, change: "created" | "replaced"): D1PreparedStatement[] {
  const requestId = newId();
  return [
    db
      .prepare(
        `INSERT INTO pipeline_revisions (pipeline_id, version, change, actor_type, actor_id, request_id, changed_at, pipeline, write_id)
         SELECT p.id, p.version, ?2, 'admin', NULL, ?3, p.updated_at, ${PIPELINE_JSON}, ?3 FROM pipelines p WHERE p.id = ?1 ON CONFLICT DO NOTHING`,
      )
      .bind(id, change, requestId),
    db
      .prepare(
        `INSERT INTO audit_events (id, at, action, actor_type, actor_id, resource_type, resource_id, version, request_id)
         SELECT ?2, p.updated_at, 'pipeline.' || ?3, 'admin', NULL, 'pipeline', p.id, p.version, ?4 FROM pipelines p WHERE p.id = ?1`,
      )
      .bind(id, newId(), change, requestId),
    db
      .prepare("DELETE FROM pipeline_revisions WHERE pipeline_id = ?1 AND version <= (SELECT version FROM pipelines WHERE id = ?1) - 100")
      .bind(id),
  ];
}

async function readBody(request: Request): Promise<PipelineInput | Response> {
  if ((request.headers.get("Content-Type") ?? "").split(";")[0]?.trim().toLowerCase() !== "application/json") {
    return problem(415, "Unsupported Media Type");
  }
  let body: unknown;
  try {
    body = await request.json();
  } catch {
    return problem(400, "Malformed JSON");
  }
  const result = validatePipeline(body, request.method === "PUT");
  return Array.isArray(result) ? problem(400, "Validation failed", { errors: result }) : result;
}

function refusal(error: unknown): Response {
  const message = String(error instanceof Error ? `${error.message} ${String(error.cause)}` : error);
  if (message.includes("UNIQUE constraint failed: pipelines.name")) return problem(409, "Name taken");
  if (message.includes("guard:not_found")) return problem(404, "Not Found");
  if (message.includes("guard:archived")) return problem(409, "Archived");
  if (message.includes("guard:foreign_stage")) return problem(400, "Validation failed");
  throw error;
}

async function getPipeline(env: Env, id: string): Promise<Response> {
  const row = await env.DB.prepare(`SELECT p.version, ${PIPELINE_JSON} AS body FROM pipelines p WHERE p.id = ?`)
    .bind(id)
    .first<{ version: number; body: string }>();
  return row ? json(row.body, 200, { ETag: `"${row.version}"` }) : problem(404, "Not Found");
}

const toBase64Url = (text: string) =>
  btoa(String.fromCharCode(...new TextEncoder().encode(text)))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "");

/** The first page by name (the default sort) of active pipelines, optionally with configuration filters. */
async function listPipelines(env: Env, url: URL): Promise<Response> {
  const config: [string, string][] = [];
  let limit = 20;
  for (const [name, value] of url.searchParams) {
    if (name.startsWith("config.")) config.push([name.slice("config.".length), value]);
    else if (name === "limit" && /^[1-9][0-9]?$|^100$/.test(value)) limit = Number(value);
    else return problem(400, "The baseline serves first pages by name only");
  }
  const [first, ...others] = config;
  const alsoHas = others.map(
    () => "AND EXISTS (SELECT 1 FROM pipeline_configuration e WHERE e.pipeline_id = p.id AND e.key = ? AND e.value = ?)",
  );
  const sql = first
    ? `SELECT p.id, p.name, ${PIPELINE_JSON} AS body FROM pipeline_configuration f CROSS JOIN pipelines p ON p.id = f.pipeline_id
       WHERE f.key = ? AND f.value = ? AND f.pipeline_archived = 0 ${alsoHas.join(" ")}
       ORDER BY f.pipeline_name, f.pipeline_id LIMIT ?`
    : `SELECT p.id, p.name, ${PIPELINE_JSON} AS body FROM pipelines p WHERE p.archived = 0 ORDER BY p.name, p.id LIMIT ?`;
  const { results } = await env.DB.prepare(sql)
    .bind(...config.flat(), limit + 1)
    .all<{ id: string; name: string; body: string }>();
  const page = results.slice(0, limit);
  const last = page.at(-1);
  let nextCursor: string | null = null;
  const headers: Record<string, string> = {};
  if (results.length > limit && last) {
    const filters = JSON.stringify(["false", null, config.map(([k, v]) => `${k}=${v}`).sort()]);
    nextCursor = toBase64Url(JSON.stringify({ sort: "name", filters, value: last.name, id: last.id }));
    const next = new URL(url);
    next.searchParams.set("cursor", nextCursor);
    headers.Link = `<${next.href}>; rel="next"`;
  }
  return json(`{"data":[${page.map((row) => row.body).join(",")}],"nextCursor":${JSON.stringify(nextCursor)}}`, 200, headers);
}

async function createPipeline(request: Request, env: Env): Promise<Response> {
  const input = await readBody(request);
  if (input instanceof Response) return input;
  const id = newId();
  const now = Date.now();
  const at = new Date(now).toISOString();
  const stageIds = input.stages.map(() => newId());
  try {
    await env.DB.batch([
      env.DB.prepare("INSERT INTO pipelines (id, name, archived, version, created_at, updated_at) VALUES (?, ?, 0, 1, ?, ?)").bind(
        id,
        input.name,
        now,
        now,
      ),
      ...childRows(env.DB, id, input, stageIds, now, false),
      ...history(env.DB, id, "created"),
    ]);
  } catch (error) {
    return refusal(error);
  }
  const pipeline = {
    id,
    name: input.name,
    archived: false,
    configuration: input.configuration,
    stages: input.stages.map((s, order) => ({
      id: stageIds[order],
      name: s.name,
      stageType: s.stageType,
      algorithm: s.algorithm,
      enabled: s.enabled,
      parallelProcessing: s.parallelProcessing,
      chunkSize: s.chunkSize,
      order,
      parameters: s.parameters,
      createdAt: at,
      updatedAt: at,
    })),
    version: 1,
    createdAt: at,
    updatedAt: at,
  };
  return json(JSON.stringify(pipeline), 201, { Location: `/v1/pipelines/${id}`, ETag: '"1"' });
}

/** PUT: the project's batch, statement for statement, with its guards; the last one reads the result. */
async function replacePipeline(request: Request, env: Env, id: string): Promise<Response> {
  const input = await readBody(request);
  if (input instanceof Response) return input;
  const now = Date.now();
  const stageIds = input.stages.map((s) => s.id ?? newId());
  const kept = input.stages.flatMap((s) => (s.id ? [s.id] : []));
  const marks = kept.map(() => "?").join(", ");
  const db = env.DB;
  try {
    const results = await db.batch([
      db
        .prepare("UPDATE pipelines SET name = ?, version = version + 1, updated_at = ? WHERE id = ? AND archived = 0")
        .bind(input.name, now, id),
      db
        .prepare(
          `INSERT INTO write_guard SELECT CASE WHEN changes() > 0 THEN NULL
             WHEN NOT EXISTS (SELECT 1 FROM pipelines WHERE id = ?1) THEN 'not_found'
             WHEN (SELECT archived FROM pipelines WHERE id = ?1) = 1 THEN 'archived' END`,
        )
        .bind(id),
      db
        .prepare(
          `INSERT INTO write_guard SELECT CASE WHEN (SELECT count(*) FROM pipeline_stages WHERE pipeline_id = ? AND id IN (${marks})) <> ? THEN 'foreign_stage' END`,
        )
        .bind(id, ...kept, kept.length),
      db.prepare(`DELETE FROM pipeline_stages WHERE pipeline_id = ? AND id NOT IN (${marks})`).bind(id, ...kept),
      db.prepare("DELETE FROM stage_parameters WHERE stage_id IN (SELECT id FROM pipeline_stages WHERE pipeline_id = ?)").bind(id),
      db.prepare("DELETE FROM pipeline_configuration WHERE pipeline_id = ?").bind(id),
      ...childRows(db, id, input, stageIds, now, true),
      ...history(db, id, "replaced"),
      db.prepare(`SELECT p.version, ${PIPELINE_JSON} AS body FROM pipelines p WHERE p.id = ?`).bind(id),
    ]);
    const [row] = (results.at(-1) as D1Result<{ version: number; body: string }>).results;
    if (!row) return problem(404, "Not Found");
    return json(row.body, 200, { ETag: `"${row.version}"` });
  } catch (error) {
    return refusal(error);
  }
}

async function route(request: Request, env: Env): Promise<Response> {
  const url = new URL(request.url);
  if (!url.pathname.startsWith("/v1/")) return problem(404, "Not Found");
  if (!(await authorized(request, env))) return problem(401, "Unauthorized");
  if (url.pathname === "/v1/pipelines") {
    if (request.method === "GET") return listPipelines(env, url);
    if (request.method === "POST") return createPipeline(request, env);
    return problem(405, "Method Not Allowed");
  }
  const id = ID.exec(url.pathname)?.[1];
  if (!id) return problem(404, "Not Found");
  if (request.method === "GET") return getPipeline(env, id);
  if (request.method === "PUT") return replacePipeline(request, env, id);
  return problem(405, "Method Not Allowed");
}

export default {
  async fetch(request, env) {
    const response = await route(request, env);
    response.headers.set("X-Request-Id", newId());
    return response;
  },
} satisfies ExportedHandler<Env>;
