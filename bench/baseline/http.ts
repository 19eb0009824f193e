// The project's own ULID generator (one random draw per id): both sides pay the same for ids.
import { newId } from "../../src/domain/ulid";

export { newId };
/**
 * What the baseline does around every request, as the project's middleware does it
 * (src/http/app.ts): the request id, the security headers hono/secure-headers sets with its
 * defaults, `Cache-Control: no-store` under /v1, RFC 9457 problems, the consistency token's
 * shape, the bearer check (admin token or API key) and the rate limits.
 */

export interface Env {
  DB: D1Database;
  ADMIN_TOKEN?: string;
  RATE_LIMITER?: RateLimit;
  WORKSPACE_RATE_LIMITER?: RateLimit;
  AUTH_FAILURE_LIMITER?: RateLimit;
}

/** What a route answers; `respond` adds the headers every answer carries. */
export interface Reply {
  status: number;
  body: string | null;
  type?: string;
  headers?: Record<string, string>;
}

/** hono/secure-headers' defaults, which the project uses as they are. */
const SECURITY_HEADERS = {
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Resource-Policy": "same-origin",
  "Origin-Agent-Cluster": "?1",
  "Referrer-Policy": "no-referrer",
  "Strict-Transport-Security": "max-age=15552000; includeSubDomains",
  "X-Content-Type-Options": "nosniff",
  "X-DNS-Prefetch-Control": "off",
  "X-Download-Options": "noopen",
  "X-Frame-Options": "SAMEORIGIN",
  "X-Permitted-Cross-Domain-Policies": "none",
  "X-XSS-Protection": "0",
} as const;

export function respond(reply: Reply, requestId: string, v1: boolean, token: string | null | undefined): Response {
  const headers: Record<string, string> = { ...SECURITY_HEADERS, ...reply.headers, "X-Request-Id": requestId };
  if (reply.body !== null) headers["Content-Type"] = reply.type ?? "application/json";
  if (v1) headers["Cache-Control"] = "no-store";
  if (token) headers["X-Consistency-Token"] = token;
  return new Response(reply.body, { status: reply.status, headers });
}

/** A refusal, answered as a problem (the project's HttpError and domain errors). */
export class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly slug: string,
    readonly title: string,
    detail: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
  }
}

export const notFound = (detail = "No route matches this path.") => new Refusal(404, "not-found", "Not found", detail);
export const badRequest = (detail: string) => new Refusal(400, "bad-request", "Bad request", detail);
export const unauthorized = (detail: string) =>
  new Refusal(401, "unauthorized", "Unauthorized", detail, { "WWW-Authenticate": 'Bearer realm="pipeline-registry"' });
export const forbidden = (detail: string) => new Refusal(403, "forbidden", "Forbidden", detail);
export const conflict = (detail: string) => new Refusal(409, "conflict", "Conflict", detail);
export const rateLimited = (seconds: number, detail: string) =>
  new Refusal(429, "rate-limited", "Too many requests", detail, { "Retry-After": String(seconds) });

export function problem(error: unknown, requestId: string): Reply {
  if (!(error instanceof Refusal)) {
    console.error(JSON.stringify({ level: "error", requestId, error: String(error) }));
    error = new Refusal(500, "internal", "Internal server error", `Something went wrong on our side; quote request id ${requestId}.`);
  }
  const { status, slug, title, message, headers } = error as Refusal;
  const issues = error instanceof Invalid ? { errors: error.issues } : {};
  const body = { type: `urn:pipeline-registry:problem:${slug}`, title, status, detail: message, requestId, ...issues };
  return { status, body: JSON.stringify(body), type: "application/problem+json", headers };
}

/** 400 with every failing field. */
export class Invalid extends Refusal {
  constructor(readonly issues: { path: string; message: string }[]) {
    super(400, "validation", "Validation failed", "The request is invalid; see errors.");
  }
}

/** A valid incoming `X-Request-Id` is echoed, otherwise one is made. */
const VALID_REQUEST_ID = /^[\x21-\x7e]{1,128}$/;
export const requestIdOf = (request: Request) => {
  const incoming = request.headers.get("X-Request-Id");
  return incoming && VALID_REQUEST_ID.test(incoming) ? incoming : newId();
};

export type Scope = "read" | "write" | "admin";

/** Who calls: the admin token (every scope) or an API key, whose row is checked in the request's D1 call. */
export interface Caller {
  id: string;
  /** Scope bits as keys carry them: read 1, write 2, admin 4; write includes read, admin everything. */
  bits: number;
  key?: { hash: string };
  /** The workspace a key names; none for the admin token. */
  workspace?: string;
}

const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;
const KEY_PREFIX = "plk_";
const KEY_FORMAT = /^plk_(?:([a-z][a-z0-9-]{0,61}[a-z0-9]|[a-z])_)?([0-7][0-9A-HJKMNP-TV-Z]{25})([1-7])[A-Za-z0-9_-]{43}$/;
const SCOPE_BITS = { read: 1, write: 2, admin: 4 } as const;
const ADMIN = 7;

/** Whether scope bits (as a key names them) grant `scope`. */
export function grants(bits: number, scope: Scope): boolean {
  if (bits & SCOPE_BITS.admin) return true;
  if (scope === "admin") return false;
  return scope === "read" ? bits !== 0 : (bits & SCOPE_BITS.write) !== 0;
}

const encoder = new TextEncoder();
const digest = (text: string) => crypto.subtle.digest("SHA-256", encoder.encode(text));
const secretDigests = new Map<string, Promise<ArrayBuffer>>();
const hex = (buffer: ArrayBuffer) => [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, "0")).join("");

/** Identifies the caller, or refuses with 401; a key is only parsed here (its row is checked with the work). */
export async function identify(authorization: string | null, env: Env, db: D1DatabaseSession): Promise<Caller> {
  if (!env.ADMIN_TOKEN) throw unauthorized("This server has no credentials configured, so it accepts no token.");
  if (!authorization) throw unauthorized("Send a bearer token: Authorization: Bearer <token>.");
  const token = BEARER.exec(authorization)?.[1];
  if (!token) throw unauthorized("The Authorization header must be: Bearer <token>.");
  let secret = secretDigests.get(env.ADMIN_TOKEN);
  if (!secret) {
    secret = digest(env.ADMIN_TOKEN);
    secretDigests.set(env.ADMIN_TOKEN, secret);
  }
  const [given, expected] = await Promise.all([digest(token), secret]);
  if (crypto.subtle.timingSafeEqual(given, expected)) return { id: "admin", bits: ADMIN };
  const named = KEY_FORMAT.exec(token);
  if (named?.[2] && named[3]) {
    return { id: named[2], bits: Number(named[3]), workspace: named[1] ?? "default", key: { hash: hex(await digest(token)) } };
  }
  if (token.startsWith(KEY_PREFIX)) {
    // A key of the old format names no id: looked up by hash (a call of its own), and checked again with the work.
    const hash = hex(await digest(token));
    const row = await db
      .prepare("SELECT id, workspace, scopes FROM api_keys WHERE key_hash = ? AND revoked_at IS NULL")
      .bind(hash)
      .first<{ id: string; workspace: string; scopes: string }>();
    if (row) {
      const bits = row.scopes.split(" ").reduce((sum, scope) => sum | (SCOPE_BITS[scope as Scope] ?? 0), 0);
      return { id: row.id, bits, workspace: row.workspace, key: { hash } };
    }
  }
  throw unauthorized("The bearer token is not valid.");
}

const RATE_LIMIT_PERIOD_SECONDS = 60;
const OVER_BUDGET = "This address has sent too many requests without valid credentials; retry later.";
/** Addresses over their 401 budget, until when (as src/http/middleware/rate-limit.ts keeps them). */
const overBudget = new Map<string, number>();
const addressOf = (request: Request) => request.headers.get("CF-Connecting-IP") ?? "unknown";

/** 429 for an address already over its 401 budget. */
export function refuseOverBudgetAddress(request: Request): void {
  if (overBudget.size === 0) return;
  const until = overBudget.get(addressOf(request));
  if (until === undefined) return;
  if (until <= Date.now()) overBudget.delete(addressOf(request));
  else throw rateLimited(Math.ceil((until - Date.now()) / 1000), OVER_BUDGET);
}

/** Counts a 401 against the client's address (`AUTH_FAILURE_LIMITER`); past the budget, a 429. */
export async function countAuthFailure(request: Request, env: Env): Promise<void> {
  if (!env.AUTH_FAILURE_LIMITER) return;
  const address = addressOf(request);
  const { success } = await env.AUTH_FAILURE_LIMITER.limit({ key: address });
  if (success) return;
  if (overBudget.size >= 10_000) overBudget.delete(overBudget.keys().next().value as string);
  overBudget.set(address, Date.now() + RATE_LIMIT_PERIOD_SECONDS * 1000);
  throw rateLimited(RATE_LIMIT_PERIOD_SECONDS, OVER_BUDGET);
}

/** The per-credential budget (`RATE_LIMITER`), after authentication and before the scope check. */
export async function rateLimit(env: Env, caller: Caller): Promise<void> {
  if (!env.RATE_LIMITER) return;
  const { success } = await env.RATE_LIMITER.limit({ key: caller.id });
  if (!success) throw rateLimited(RATE_LIMIT_PERIOD_SECONDS, "This token has used its request budget; retry later.");
}

/** The workspace's own budget, spent by every request in it. */
export async function limitWorkspace(env: Env, workspace: string): Promise<void> {
  if (!env.WORKSPACE_RATE_LIMITER) return;
  const { success } = await env.WORKSPACE_RATE_LIMITER.limit({ key: workspace });
  if (!success) throw rateLimited(RATE_LIMIT_PERIOD_SECONDS, "This workspace has used its request budget; retry later.");
}
