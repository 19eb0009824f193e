import type { MiddlewareHandler } from "hono";
import { matchedRoutes } from "hono/route";
import type { AppEnv, Caller, Scope } from "../context";
import { forbidden, unauthorized } from "../errors";

const SCOPE = Symbol("required scope");

/** What each scope grants: admin includes write, write includes read. */
const GRANTS: Record<Scope, readonly Scope[]> = {
  read: ["read"],
  write: ["read", "write"],
  admin: ["read", "write", "admin"],
};

/**
 * Declares the scope a route needs. `authenticate` reads it from the matched route:
 * a /v1 route that declares none is refused to everyone (deny by default).
 */
export function requireScope(scope: Scope): MiddlewareHandler<AppEnv> {
  const declaration: MiddlewareHandler<AppEnv> = (_c, next) => next();
  return Object.assign(declaration, { [SCOPE]: scope });
}

export const declaredScope = (handler: unknown): Scope | undefined =>
  (handler as { [SCOPE]?: Scope } | undefined)?.[SCOPE];

const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

const sha256 = async (text: string) => crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));

/** Compares digests, so neither the length nor any prefix of the secret leaks through timing. */
async function sameSecret(given: string, secret: string): Promise<boolean> {
  const [a, b] = await Promise.all([sha256(given), sha256(secret)]);
  return crypto.subtle.timingSafeEqual(a, b);
}

async function identify(authorization: string | undefined, adminToken: string | undefined): Promise<Caller> {
  if (!authorization) throw unauthorized("Send a bearer token: Authorization: Bearer <token>.");
  const token = BEARER.exec(authorization)?.[1];
  if (!token) throw unauthorized("The Authorization header must be: Bearer <token>.");
  if (adminToken && (await sameSecret(token, adminToken))) return { id: "admin", scopes: GRANTS.admin };
  throw unauthorized("The bearer token is not valid.");
}

/** Authenticates every /v1 request that matches a route, then enforces the route's scope. */
export const authenticate: MiddlewareHandler<AppEnv> = async (c, next) => {
  const routes = matchedRoutes(c);
  // Unknown paths and methods fall through to 404/405, which need no credentials.
  if (!routes.some((route) => route.method !== "ALL")) return next();
  const caller = await identify(c.req.header("Authorization"), c.env.ADMIN_TOKEN);
  const required = routes.map((route) => declaredScope(route.handler)).find((scope) => scope !== undefined);
  if (!required) throw forbidden("This route declares no scope, so nobody may call it.");
  if (!caller.scopes.includes(required)) throw forbidden(`This route needs the ${required} scope.`);
  c.set("caller", caller);
  await next();
};
