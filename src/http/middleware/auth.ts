import type { Context, MiddlewareHandler } from "hono";
import { matchedRoutes } from "hono/route";
import { effectiveScopes, KEY_PREFIX, parseKey, type Scope } from "../../domain/api-key";
import { keyRefusalIn } from "../../domain/errors";
import type { Storage } from "../../domain/storage";
import { workspaceNotFound } from "../../domain/workspace";
import { hashKey } from "../../storage/shared/api-key-material";
import { type AppEnv, type Caller, isOperator, readsOnly } from "../context";
import { forbidden, HttpError, unauthorized } from "../errors";
import { countAuthFailure, limitWorkspace, refuseOverBudgetAddress } from "./rate-limit";

const SCOPE = Symbol("required scope");

/** What a route needs: a key's scope in the path's workspace, or the operator's token (`operator`). */
export type RouteScope = Scope | "operator";

/**
 * Marks a route's handler with the scope the route needs (src/http/route.ts declares it).
 * `authorize` reads it from the matched route: a /v1 route that declares none is refused to
 * everyone (deny by default).
 */
export const declareScope = <H extends object>(handler: H, scope: RouteScope): H => Object.assign(handler, { [SCOPE]: scope });

export const declaredScope = (handler: unknown): RouteScope | undefined => (handler as { [SCOPE]?: RouteScope } | undefined)?.[SCOPE];

const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

/** The admin token's caller: the same for every request, so made once. */
const ADMIN: Caller = Object.freeze({ id: "admin", scopes: effectiveScopes(["admin"]) });

const digest = (text: string) => crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
/** The configured secret's digest, computed once per isolate rather than on every request. */
const secretDigests = new Map<string, Promise<ArrayBuffer>>();

/** Compares digests, so neither the length nor any prefix of the secret leaks through timing. */
async function sameSecret(given: string, secret: string): Promise<boolean> {
  let secretDigest = secretDigests.get(secret);
  if (!secretDigest) {
    secretDigest = digest(secret);
    secretDigests.set(secret, secretDigest);
  }
  const [a, b] = await Promise.all([digest(given), secretDigest]);
  return crypto.subtle.timingSafeEqual(a, b);
}

async function identify(authorization: string | undefined, env: AppEnv["Bindings"], storage: () => Storage): Promise<Caller> {
  if (!env.ADMIN_TOKEN) {
    // Fail closed: a deployment without its secret serves nobody, API keys included.
    console.error(JSON.stringify({ level: "error", message: "ADMIN_TOKEN is not configured; refusing /v1 requests" }));
    throw unauthorized("This server has no credentials configured, so it accepts no token.");
  }
  if (!authorization) throw unauthorized("Send a bearer token: Authorization: Bearer <token>.");
  const token = BEARER.exec(authorization)?.[1];
  if (!token) throw unauthorized("The Authorization header must be: Bearer <token>.");
  if (await sameSecret(token, env.ADMIN_TOKEN)) return ADMIN;
  const named = parseKey(token);
  // Checked in the request's own database call (see authorize): no call of its own.
  if (named) {
    const { id, scopes, workspace } = named;
    return { id, workspace, scopes: effectiveScopes(scopes), key: { hash: await hashKey(token), verified: false } };
  }
  if (token.startsWith(KEY_PREFIX)) {
    // A key of the oldest format names no id: looked up by hash first (a call of its own), and checked again with the work.
    const hash = await hashKey(token);
    const key = await storage().findKeyByHash(hash);
    if (key) return { id: key.id, workspace: key.workspace, scopes: effectiveScopes(key.scopes), key: { hash, verified: true } };
  }
  throw unauthorized("The bearer token is not valid.");
}

/** Unknown paths and methods fall through to 404/405, which need no credentials. */
const servesRoute = (c: Context<AppEnv>) => matchedRoutes(c).some((route) => route.method !== "ALL");

/**
 * Identifies the caller of every /v1 request that matches a route. Each 401 counts against
 * the client's address (those the database gives, for a key it finds unknown or revoked,
 * too), and an address over that budget gets 429 before its token is even looked at.
 */
export const authenticate: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (!servesRoute(c)) return next();
  refuseOverBudgetAddress(c);
  try {
    c.set("caller", await identify(c.req.header("Authorization"), c.env, () => c.get("store").storage));
  } catch (error) {
    if (error instanceof HttpError && error.status === 401) await countAuthFailure(c);
    throw error;
  }
  await next();
  if (keyRefusalIn(c.error)?.reason === "invalid") await countAuthFailure(c);
};

/** The `{workspace}` of a path under /v1/workspaces/{workspace}, decoded as the router decodes it. */
function workspaceInPath(path: string): string | undefined {
  const segment = /^\/v1\/workspaces\/([^/]+)/.exec(path)?.[1];
  if (segment === undefined) return undefined;
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * Enforces the matched route's scope; after the rate limit, so a refused request spends the
 * caller's budget. A route under /v1/workspaces/{workspace} gets that workspace's stores, which
 * check in each of their calls that the workspace exists (and for an API key, that the key is
 * active, of this workspace, and holds the scope); a request that made no call (refused on its
 * input) runs the check alone afterwards, so a revoked key is a 401 and an unknown workspace a
 * 404 whatever else is wrong: one call either way. A key of another workspace gets the same 404
 * as a workspace that does not exist, before any call: it learns nothing.
 */
export const authorize: MiddlewareHandler<AppEnv> = async (c, next) => {
  const caller = c.get("caller");
  // No caller: authenticate found no route to serve (a 404 or 405 follows, which needs no credentials).
  if (!caller) return next();
  const required = matchedRoutes(c)
    .map((route) => declaredScope(route.handler))
    .find((scope) => scope !== undefined);
  if (!required) throw forbidden("This route declares no scope, so nobody may call it.");
  const workspace = workspaceInPath(c.req.path);
  if (required === "operator" || workspace === undefined) {
    if (isOperator(caller)) return next();
    // A key is checked in its own workspace first, so an unknown or revoked one is a 401 here too.
    const key = caller.key && { id: caller.id, hash: caller.key.hash, scope: "read" as const };
    if (key && caller.workspace) await c.get("store").scope({ workspace: caller.workspace, mode: "read", key }).verify();
    throw forbidden("This route needs the operator's token (ADMIN_TOKEN).");
  }
  if (caller.workspace !== undefined && caller.workspace !== workspace) throw workspaceNotFound();
  await limitWorkspace(c, workspace);
  const key = caller.key && { id: caller.id, hash: caller.key.hash, scope: required };
  const scoped = c.get("store").scope({ workspace, mode: readsOnly(c) ? "read" : "write", key });
  c.set("workspaceId", workspace);
  c.set("workspace", scoped.storage);
  if (!caller.scopes.includes(required)) {
    // An unknown or revoked key is a 401, and an unknown workspace a 404, before it is a 403: one call says which.
    await scoped.verify();
    throw forbidden(`This route needs the ${required} scope.`);
  }
  await next();
  if (!scoped.sent) await scoped.verify();
};
