import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import * as v from "valibot";
import {
  ConflictError,
  CursorExpiredError,
  type FieldIssue,
  keyRefusalIn,
  NotFoundError,
  QuotaExceededError,
  ValidationError,
  VersionMismatchError,
} from "../domain/errors";
import type { AppEnv } from "./context";
import { forbidden, HttpError, unauthorized } from "./errors";
import { named } from "./openapi/named";

/**
 * Refusing a request must cost no more than reading it, however many issues its body has: a
 * problem lists at most MAX_ISSUES issues, each text is clipped, and the whole stays under
 * MAX_PROBLEM_BYTES (issues that would not fit are left off, with `errorsTruncated: true`).
 */
export const MAX_ISSUES = 100;
export const MAX_PROBLEM_BYTES = 64 * 1024;
/** Characters of a path, message or detail shown; paths and details can echo what the client sent. */
const MAX_TEXT = 500;
/** Room for the members around the issues: `,"errors":[]` and `,"errorsTruncated":true`. */
const ENVELOPE_BYTES = 64;

/** RFC 9457 problem details: the one shape of every error this API returns. */
export const ProblemSchema = named(
  "Problem",
  v.object({
    type: v.string(),
    title: v.string(),
    status: v.pipe(v.number(), v.integer()),
    detail: v.string(),
    requestId: v.string(),
    errors: v.optional(v.array(v.object({ path: v.pipe(v.string(), v.description("JSON pointer")), message: v.string() }))),
    errorsTruncated: v.optional(
      v.pipe(v.literal(true), v.description(`Present when \`errors\` lists only the first of the issues found (at most ${MAX_ISSUES}).`)),
    ),
  }),
  {
    type: "urn:pipeline-registry:problem:validation",
    title: "Validation failed",
    status: 400,
    detail: "The request is invalid; see errors.",
    requestId: "01JD42C3D4E5F6G7H8J9K0M1N2",
    errors: [{ path: "/stages/0/algorithm", message: "a compression stage takes one of brotli, gzip, zstd, lz4, deflate" }],
  },
);

export type Problem = v.InferOutput<typeof ProblemSchema>;

export const PROBLEM_TYPE_BASE = "urn:pipeline-registry:problem:";

const encoder = new TextEncoder();
const bytesOf = (value: unknown) => encoder.encode(JSON.stringify(value)).length;
const clip = (text: string) => (text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…` : text);

function boundedIssues(issues: readonly FieldIssue[], budget: number) {
  const errors: FieldIssue[] = [];
  let used = 0;
  for (const issue of issues.slice(0, MAX_ISSUES)) {
    const shown = { path: clip(issue.path), message: clip(issue.message) };
    const size = bytesOf(shown) + 1;
    if (used + size > budget) break;
    errors.push(shown);
    used += size;
  }
  return errors.length < issues.length ? { errors, errorsTruncated: true as const } : { errors };
}

interface Mapped {
  status: ContentfulStatusCode;
  slug: string;
  title: string;
  detail: string;
  errors?: FieldIssue[];
  headers?: Record<string, string>;
}

/** The single mapping from every error the app can raise to its status and problem type. */
function mapError(error: unknown): Mapped | null {
  if (error instanceof ValidationError) {
    return { status: 400, slug: "validation", title: "Validation failed", detail: error.message, errors: error.issues };
  }
  if (error instanceof NotFoundError) return { status: 404, slug: "not-found", title: "Not found", detail: error.message };
  if (error instanceof QuotaExceededError) {
    return { status: 409, slug: "conflict/quota-exceeded", title: "Quota exceeded", detail: error.message };
  }
  if (error instanceof ConflictError) return { status: 409, slug: "conflict", title: "Conflict", detail: error.message };
  if (error instanceof CursorExpiredError) return { status: 410, slug: "cursor-expired", title: "Cursor expired", detail: error.message };
  if (error instanceof VersionMismatchError) {
    return { status: 412, slug: "precondition-failed", title: "Precondition failed", detail: error.message };
  }
  // Judged by the database in the request's own call: the same answers as the checks made before it.
  const refusal = keyRefusalIn(error);
  if (refusal) return mapError(refusal.reason === "invalid" ? unauthorized(refusal.message) : forbidden(refusal.message));
  if (error instanceof HttpError) {
    return { status: error.status, slug: error.slug, title: error.title, detail: error.message, headers: error.headers };
  }
  if (error instanceof HTTPException) return fromHttpException(error);
  return null;
}

/** Titles of the statuses Hono's own middleware throws (HTTPException); others get a generic one. */
const HTTP_TITLES: Partial<Record<number, string>> = {
  400: "Bad request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not found",
  408: "Request timeout",
  413: "Payload too large",
  415: "Unsupported media type",
  429: "Too many requests",
};

/**
 * Hono's middleware (body limit, timeout, bearer auth, ...) throws HTTPException: its status
 * and message become a problem, keeping the headers its response carried (WWW-Authenticate).
 * A status below 400 is not an error to report, so it counts as an unexpected one.
 */
function fromHttpException(error: HTTPException): Mapped | null {
  if (error.status < 400) return null;
  const title = HTTP_TITLES[error.status] ?? (error.status >= 500 ? "Server error" : "Request refused");
  const headers: Record<string, string> = {};
  error.res?.headers.forEach((value, name) => {
    if (!/^content-(type|length)$/i.test(name)) headers[name] = value;
  });
  return { status: error.status, slug: `http-${error.status}`, title, detail: error.message || title, headers };
}

export function problemResponse(c: Context<AppEnv>, error: unknown): Response {
  const requestId = c.get("requestId") ?? "unknown";
  const mapped = mapError(error);
  if (!mapped) {
    // Unexpected: log everything with the request id, tell the client nothing internal.
    console.error(
      JSON.stringify({
        level: "error",
        requestId,
        method: c.req.method,
        path: c.req.path,
        error: error instanceof Error ? { name: error.name, message: error.message, stack: error.stack } : String(error),
      }),
    );
  }
  const { status, slug, title, detail, errors, headers } = mapped ?? {
    status: 500,
    slug: "internal",
    title: "Internal server error",
    detail: `Something went wrong on our side; quote request id ${requestId} when reporting it.`,
  };
  const base: Problem = { type: `${PROBLEM_TYPE_BASE}${slug}`, title, status, detail: clip(detail), requestId };
  const body: Problem = errors ? { ...base, ...boundedIssues(errors, MAX_PROBLEM_BYTES - ENVELOPE_BYTES - bytesOf(base)) } : base;
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/problem+json", ...headers },
  });
}
