import { issueToken, readToken, type TokenState } from "../../src/http/shared/consistency-tokens";
import {
  type Caller,
  countAuthFailure,
  type Env,
  forbidden,
  grants,
  Invalid,
  identify,
  limitWorkspace,
  newId,
  notFound,
  problem,
  Refusal,
  type Reply,
  rateLimit,
  refuseOverBudgetAddress,
  requestIdOf,
  respond,
  unauthorized,
} from "./http";
import { type Actor, childRows, history, PIPELINE_JSON, SELECT_ONE, workspaceCheck } from "./sql";
import { type PipelineInput, validatePipeline } from "./validate";

/**
 * The bench's baseline: the routes the bench loads (get, list page, filtered list, create,
 * replace) written by hand, with no framework and no ORM, doing the project's work per request:
 * the request id (echoed or made, and recorded in history), the security headers, the
 * consistency token (its HMAC verified, a D1 session from it, the bookmark answered signed), the
 * bearer check of the admin token or an API key (the key's row checked in the request's own D1
 * call: a SELECT at the head of a read's batch, a guard at the head of a write's), the rate
 * limits, the body limit and validation, the same rows written (history and audit included,
 * by the caller's actor), one D1 call per request, the same JSON (built by SQLite and passed
 * through as text). Anything else is a 404 or 405: this is a yardstick, not a second API.
 */

const MAX_BODY_BYTES = 256 * 1024;
const PIPELINES = /^\/v1\/workspaces\/([^/]+)\/pipelines(?:\/([^/]+))?$/;
const ULID = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/;

interface Ctx {
  request: Request;
  db: D1DatabaseSession;
  requestId: string;
  actor: Actor;
  workspace: string;
  /** The workspace's (and an API key's) check, put at the head of the request's one call. */
  check: D1PreparedStatement;
  sent: boolean;
}

/** The database's refusals as the project answers them. */
function refusal(error: unknown, id = ""): unknown {
  if (error instanceof Refusal) return error;
  const message = String(error instanceof Error ? `${error.message} ${String(error.cause)}` : error);
  const reason = /guard:([a-z_]+)/.exec(message)?.[1];
  if (reason) return guardRefusal(reason, id);
  if (message.includes("UNIQUE constraint failed: pipelines.workspace, pipelines.name"))
    return new Refusal(409, "conflict", "Conflict", "The name is taken.");
  return error;
}

function guardRefusal(reason: string, id: string): Refusal {
  if (reason === "key_invalid") return unauthorized("The API key is not valid (unknown or revoked).");
  if (reason === "key_scope") return forbidden("The API key lacks the scope this route needs.");
  if (reason === "workspace_missing") return notFound("No workspace has the id in this path (or this key is not one of its keys).");
  if (reason === "not_found") return notFound(`No pipeline has the id ${id}.`);
  if (reason === "archived") return new Refusal(409, "conflict", "Conflict", "The pipeline is archived.");
  if (reason === "foreign_stage")
    return new Invalid([{ path: "/stages", message: "a stage id must be the id of one of this pipeline's stages" }]);
  return new Refusal(500, "internal", "Internal server error", `unmapped guard ${reason}`);
}

/** The request's one D1 call: its statements, behind the workspace's (and key's) check. */
async function call(ctx: Ctx, statements: D1PreparedStatement[], id?: string): Promise<D1Result[]> {
  ctx.sent = true;
  try {
    const results = await ctx.db.batch([ctx.check, ...statements]);
    const reason = (results[0]?.results[0] as { reason?: string | null } | undefined)?.reason;
    if (reason) throw guardRefusal(reason, "");
    return results.slice(1);
  } catch (error) {
    throw refusal(error, id);
  }
}

/** One read statement, in a batch behind the check. */
async function read<T>(ctx: Ctx, statement: D1PreparedStatement): Promise<T[]> {
  return ((await call(ctx, [statement]))[0]?.results ?? []) as T[];
}

async function readBody(request: Request, withIds: boolean): Promise<PipelineInput> {
  const declared = Number(request.headers.get("Content-Length") ?? 0);
  const tooLarge = new Refusal(413, "payload-too-large", "Payload too large", `The request body is over ${MAX_BODY_BYTES} bytes.`);
  if (declared > MAX_BODY_BYTES) throw tooLarge;
  const bytes = await request.arrayBuffer();
  if (bytes.byteLength > MAX_BODY_BYTES) throw tooLarge;
  if ((request.headers.get("Content-Type") ?? "").split(";")[0]?.trim().toLowerCase() !== "application/json") {
    throw new Refusal(415, "unsupported-media-type", "Unsupported media type", "Send the body as application/json.");
  }
  let body: unknown;
  try {
    body = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw new Refusal(400, "malformed-json", "Malformed JSON", "The request body is not valid JSON.");
  }
  const result = validatePipeline(body, withIds);
  if (Array.isArray(result)) throw new Invalid(result);
  return result;
}

async function getPipeline(ctx: Ctx, id: string): Promise<Reply> {
  const [row] = await read<{ version: number; body: string }>(ctx, ctx.db.prepare(SELECT_ONE).bind(id, ctx.workspace));
  if (!row) throw notFound(`No pipeline has the id ${id}.`);
  return { status: 200, body: row.body, headers: { ETag: `"${row.version}"` } };
}

const toBase64Url = (text: string) =>
  btoa(String.fromCharCode(...new TextEncoder().encode(text)))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "");

/** The first page by name (the default sort) of active pipelines, optionally with configuration filters. */
async function listPipelines(ctx: Ctx, url: URL): Promise<Reply> {
  const config: [string, string][] = [];
  let limit = 20;
  for (const [name, value] of url.searchParams) {
    if (name.startsWith("config.")) config.push([name.slice("config.".length), value]);
    else if (name === "limit" && /^[1-9][0-9]?$|^100$/.test(value)) limit = Number(value);
    else throw new Refusal(400, "bad-request", "Bad request", "The baseline serves first pages by name only.");
  }
  const [first, ...others] = config;
  const alsoHas = others.map(
    () => "AND EXISTS (SELECT 1 FROM pipeline_configuration e WHERE e.pipeline_id = p.id AND e.key = ? AND e.value = ?)",
  );
  const sql = first
    ? `SELECT p.id, p.name, ${PIPELINE_JSON} AS body FROM pipeline_configuration f CROSS JOIN pipelines p ON p.id = f.pipeline_id
       WHERE f.pipeline_workspace = ? AND f.key = ? AND f.value = ? AND f.pipeline_archived = 0 ${alsoHas.join(" ")}
       ORDER BY f.pipeline_name, f.pipeline_id LIMIT ?`
    : `SELECT p.id, p.name, ${PIPELINE_JSON} AS body FROM pipelines p WHERE p.workspace = ? AND p.archived = 0 ORDER BY p.name, p.id LIMIT ?`;
  const statement = ctx.db.prepare(sql).bind(ctx.workspace, ...config.flat(), limit + 1);
  const results = await read<{ id: string; name: string; body: string }>(ctx, statement);
  const page = results.slice(0, limit);
  const last = page.at(-1);
  let nextCursor: string | null = null;
  const headers: Record<string, string> = {};
  if (results.length > limit && last) {
    const filters = JSON.stringify([ctx.workspace, "false", null, config.map(([k, v]) => `${k}=${v}`).sort()]);
    nextCursor = toBase64Url(JSON.stringify({ sort: "name", filters, value: last.name, id: last.id }));
    const next = new URL(url);
    next.searchParams.delete("offset");
    next.searchParams.set("cursor", nextCursor);
    headers.Link = `<${next.href}>; rel="next"`;
  }
  return { status: 200, body: `{"data":[${page.map((row) => row.body).join(",")}],"nextCursor":${JSON.stringify(nextCursor)}}`, headers };
}

async function createPipeline(ctx: Ctx): Promise<Reply> {
  const input = await readBody(ctx.request, false);
  const id = newId();
  const now = Date.now();
  const at = new Date(now).toISOString();
  const stageIds = input.stages.map(() => newId());
  const { db } = ctx;
  await call(ctx, [
    db
      .prepare("INSERT INTO pipelines (id, workspace, name, archived, version, created_at, updated_at) VALUES (?, ?, ?, 0, 1, ?, ?)")
      .bind(id, ctx.workspace, input.name, now, now),
    ...childRows(db, id, input, stageIds, now, false),
    ...history(db, id, "created", ctx.actor, ctx.requestId, newId(), newId()),
  ]);
  const stages = input.stages.map((s, order) => ({
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
  }));
  const pipeline = {
    id,
    name: input.name,
    archived: false,
    configuration: input.configuration,
    stages,
    version: 1,
    createdAt: at,
    updatedAt: at,
  };
  return {
    status: 201,
    body: JSON.stringify(pipeline),
    headers: { Location: `/v1/workspaces/${ctx.workspace}/pipelines/${id}`, ETag: '"1"' },
  };
}

/** PUT: guards (exists, not archived, stage ids its own), the content replaced, its history, the result read; one batch. */
async function replacePipeline(ctx: Ctx, id: string): Promise<Reply> {
  const input = await readBody(ctx.request, true);
  if (!ULID.test(id)) throw notFound(`No pipeline has the id ${id}.`);
  const now = Date.now();
  const stageIds = input.stages.map((s) => s.id ?? newId());
  const kept = input.stages.flatMap((s) => (s.id ? [s.id] : []));
  const marks = kept.map(() => "?").join(", ");
  const { db } = ctx;
  const results = await call(
    ctx,
    [
      db
        .prepare("UPDATE pipelines SET name = ?, version = version + 1, updated_at = ? WHERE id = ? AND workspace = ? AND archived = 0")
        .bind(input.name, now, id, ctx.workspace),
      db
        .prepare(
          `INSERT INTO write_guard SELECT CASE WHEN changes() > 0 THEN NULL
             WHEN NOT EXISTS (SELECT 1 FROM pipelines WHERE id = ?1 AND workspace = ?2) THEN 'not_found'
             WHEN (SELECT archived FROM pipelines WHERE id = ?1) = 1 THEN 'archived' END`,
        )
        .bind(id, ctx.workspace),
      db
        .prepare(
          `INSERT INTO write_guard SELECT CASE WHEN (SELECT count(*) FROM pipeline_stages WHERE pipeline_id = ? AND id IN (${marks})) <> ? THEN 'foreign_stage' END`,
        )
        .bind(id, ...kept, kept.length),
      db.prepare(`DELETE FROM pipeline_stages WHERE pipeline_id = ? AND id NOT IN (${marks})`).bind(id, ...kept),
      db.prepare("DELETE FROM stage_parameters WHERE stage_id IN (SELECT id FROM pipeline_stages WHERE pipeline_id = ?)").bind(id),
      db.prepare("DELETE FROM pipeline_configuration WHERE pipeline_id = ?").bind(id),
      ...childRows(db, id, input, stageIds, now, true),
      ...history(db, id, "replaced", ctx.actor, ctx.requestId, newId(), newId()),
      db.prepare(SELECT_ONE).bind(id, ctx.workspace),
    ],
    id,
  );
  const [row] = (results.at(-1) as D1Result<{ version: number; body: string }>).results;
  if (!row) throw notFound(`No pipeline has the id ${id}.`);
  return { status: 200, body: row.body, headers: { ETag: `"${row.version}"` } };
}

/** What `serve` leaves for the answer: the request id, and the session once opened (its bookmark is answered). */
interface State {
  requestId: string;
  session?: D1DatabaseSession;
  token?: TokenState;
}

/** The project's middleware order: 405, consistency token, 401 (counted), rate limit, 403, then the route. */
async function serve(request: Request, env: Env, url: URL, state: State): Promise<Reply> {
  const matched = PIPELINES.exec(url.pathname);
  if (!matched?.[1]) throw notFound();
  const workspace = decodeURIComponent(matched[1]);
  const item = matched[2];
  const allowed = item === undefined ? ["GET", "HEAD", "POST"] : ["GET", "HEAD", "PUT"];
  if (!allowed.includes(request.method)) {
    throw new Refusal(405, "method-not-allowed", "Method not allowed", `This path allows ${allowed.join(", ")}.`, {
      Allow: allowed.join(", "),
    });
  }
  const sent = request.headers.get("X-Consistency-Token") ?? undefined;
  const token = sent === undefined ? undefined : await readToken(sent, env.ADMIN_TOKEN ?? "");
  if (sent !== undefined && token === undefined) {
    throw new Refusal(
      400,
      "bad-request",
      "Bad request",
      "X-Consistency-Token must be a token from an earlier response of this API, sent back unchanged.",
    );
  }
  const reads = request.method === "GET" || request.method === "HEAD";
  const from = token === undefined || token === "none" ? undefined : token === "primary" ? "first-primary" : token.position;
  const db = env.DB.withSession(from ?? (reads ? "first-unconstrained" : "first-primary"));
  state.session = db;
  state.token = token;
  refuseOverBudgetAddress(request);
  let caller: Caller;
  try {
    caller = await identify(request.headers.get("Authorization"), env, db);
  } catch (error) {
    if (error instanceof Refusal && error.status === 401) await countAuthFailure(request, env);
    throw error;
  }
  await rateLimit(env, caller);
  if (caller.workspace !== undefined && caller.workspace !== workspace) {
    throw notFound("No workspace has the id in this path (or this key is not one of its keys).");
  }
  await limitWorkspace(env, workspace);
  const scope = reads ? "read" : "write";
  const key = caller.key && { id: caller.id, hash: caller.key.hash };
  const check = workspaceCheck(db, workspace, key, scope, reads ? "read" : "write");
  const actor: Actor = caller.key ? { type: "apiKey", id: caller.id } : { type: "admin", id: null };
  const ctx: Ctx = { request, db, requestId: state.requestId, actor, workspace, check, sent: false };
  try {
    if (!grants(caller.bits, scope)) {
      await call(ctx, []);
      throw forbidden(`This route needs the ${scope} scope.`);
    }
    try {
      if (item === undefined) return request.method === "POST" ? await createPipeline(ctx) : await listPipelines(ctx, url);
      if (request.method === "PUT") return await replacePipeline(ctx, item);
      if (!ULID.test(item)) throw notFound(`No pipeline has the id ${item}.`);
      return await getPipeline(ctx, item);
    } catch (error) {
      // A request refused on its input is checked alone: a revoked key is a 401, an unknown workspace a 404, whatever else is wrong.
      if (!ctx.sent) await call(ctx, []);
      throw error;
    }
  } catch (error) {
    if (key && error instanceof Refusal && error.status === 401) await countAuthFailure(request, env);
    throw error;
  }
}

export default {
  async fetch(request, env) {
    const requestId = requestIdOf(request);
    const url = new URL(request.url);
    const state: State = { requestId };
    let reply: Reply;
    try {
      reply = await serve(request, env, url, state);
    } catch (error) {
      reply = problem(error, requestId);
    }
    const v1 = url.pathname === "/v1" || url.pathname.startsWith("/v1/");
    const bookmark = state.session?.getBookmark();
    const seen: TokenState = bookmark ? { position: bookmark } : (state.token ?? "none");
    return respond(reply, requestId, v1, v1 && env.ADMIN_TOKEN ? await issueToken(seen, env.ADMIN_TOKEN) : undefined);
  },
} satisfies ExportedHandler<Env>;
