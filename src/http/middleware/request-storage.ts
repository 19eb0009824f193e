import type { MiddlewareHandler } from "hono";
import type { PipelineRepository } from "../../domain/repository";
import type { Env } from "../../env";
import { readStorageSettings, tokenSecret } from "../../settings";
import { openStorage } from "../../storage/open-storage";
import { type AppEnv, readsOnly } from "../context";
import { badRequest } from "../errors";
import { issueToken, readToken } from "../shared/consistency-tokens";

/** The header of the consistency token: a client sends back the one an earlier answer carried. */
export const CONSISTENCY_HEADER = "X-Consistency-Token";

/**
 * Opens the request's storage (src/storage/open-storage.ts): a D1 session at least as fresh
 * as the client's token, or a PostgreSQL connection. The answer carries the token of what the
 * request saw (src/http/shared/consistency-tokens.ts), errors included; a request that read
 * nothing carries back the token it sent, if any. The connection is closed after the answer.
 */
export const requestStorage: MiddlewareHandler<AppEnv> = async (c, next) => {
  const secret = tokenSecret(c.env);
  const sent = c.req.header(CONSISTENCY_HEADER);
  // A token this deployment did not issue is refused by `refuseForeignToken`, after the route,
  // the credentials and the workspace are judged (a bad header never hides a 404, 405, 401 or
  // 403); nothing is read with it.
  const state = sent !== undefined && secret ? await readToken(sent, secret) : undefined;
  c.set("foreignToken", sent !== undefined && state === undefined);
  const store = openStorage(c.env, {
    token: state === "none" ? undefined : state,
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
  // Without a secret every /v1 request is refused (src/http/middleware/auth.ts): nothing to sign.
  if (secret) c.res.headers.set(CONSISTENCY_HEADER, await issueToken(store.token() ?? state ?? "none", secret));
};

/** The 400 of a consistency token this deployment did not issue, once everything that comes before it has been judged. */
export const refuseForeignToken: MiddlewareHandler<AppEnv> = async (c, next) => {
  // No caller: no route serves the path, and its 404 or 405 comes first.
  if (c.get("foreignToken") && c.get("caller")) {
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
