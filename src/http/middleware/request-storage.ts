import type { MiddlewareHandler } from "hono";
import type { PipelineRepository } from "../../domain/repository";
import type { Env } from "../../env";
import { readStorageSettings } from "../../settings";
import { openStorage } from "../../storage/open-storage";
import { type AppEnv, readsOnly } from "../context";
import { badRequest } from "../errors";

/** The header of the consistency token: a client sends back the one an earlier answer carried. */
export const CONSISTENCY_HEADER = "X-Consistency-Token";

/**
 * The token's one shape, a D1 bookmark as D1 writes them (`00000000-00000006-00000000-<32 hex>`);
 * the PostgreSQL backend writes its WAL positions in it too. D1 accepts any text as a bookmark
 * and echoes it back, so the shape is checked here: anything else is a 400 rather than a
 * session that promises nothing.
 */
export const CONSISTENCY_TOKEN = /^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{32}$/;

/**
 * Opens the request's storage (src/storage/open-storage.ts): a D1 session at least as fresh
 * as the client's token, or a PostgreSQL connection. The answer carries the token after the
 * request's work, errors included; a request that read nothing carries back the token it
 * sent, if any. The connection is closed after the answer.
 */
export const requestStorage: MiddlewareHandler<AppEnv> = async (c, next) => {
  const sent = c.req.header(CONSISTENCY_HEADER);
  // A malformed token is refused by `consistencyTokenShape`, after the route, the credentials and
  // the workspace are judged (a bad header never hides a 404, 405, 401 or 403); nothing is read with it.
  const token = sent !== undefined && CONSISTENCY_TOKEN.test(sent) ? sent : undefined;
  c.set("malformedToken", sent !== undefined && token === undefined);
  const store = openStorage(c.env, {
    token,
    readOnly: readsOnly(c),
    ...readStorageSettings(c.env),
    onCall: c.get("onDatabaseCall"),
  });
  c.set("store", store);
  try {
    await next();
  } finally {
    const closed = store.close?.();
    if (closed) {
      try {
        c.executionCtx.waitUntil(closed);
      } catch {
        // No execution context (the app called directly, as in tests): wait here instead.
        await closed;
      }
    }
  }
  const bookmark = store.token();
  if (bookmark) c.res.headers.set(CONSISTENCY_HEADER, bookmark);
};

/** The 400 of a malformed `X-Consistency-Token`, once everything that comes before it has been judged. */
export const consistencyTokenShape: MiddlewareHandler<AppEnv> = async (c, next) => {
  // No caller: no route serves the path, and its 404 or 405 comes first.
  if (c.get("malformedToken") && c.get("caller")) {
    throw badRequest(`${CONSISTENCY_HEADER} must be a token from an earlier response of this API, sent back unchanged.`);
  }
  await next();
};

/** Hands every database round trip of the request to `observer` too (tests count them). */
export function observeDatabaseCalls(observer: () => void): MiddlewareHandler<AppEnv> {
  return function observeDatabaseCalls(c, next) {
    c.set("onDatabaseCall", observer);
    return next();
  };
}

/**
 * Gives a request in a workspace its pipeline repository: the workspace's, or what `wrap` makes
 * of it (tests inject faults there).
 */
export function pipelineRepository(wrap?: (real: PipelineRepository, env: Env) => PipelineRepository): MiddlewareHandler<AppEnv> {
  return function pipelineRepository(c, next) {
    const workspace = c.get("workspace");
    if (!workspace) return next();
    const real = workspace.pipelines;
    c.set("repository", wrap ? wrap(real, c.env) : real);
    return next();
  };
}
