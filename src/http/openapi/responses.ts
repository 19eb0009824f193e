import type * as v from "valibot";
import { PROBLEM_TYPE_BASE, ProblemSchema } from "../problem";
import { CONSISTENCY_TOKEN } from "../shared/consistency-tokens";
import { EXAMPLES, schemaName } from "./named";
import type { Header, MediaType, Ref, Response } from "./types";

/** Response headers, as `components.headers`; responses name the ones they carry. */
export const HEADERS = {
  "X-Request-Id": {
    description: "The request's id: a valid incoming `X-Request-Id` (1 to 128 visible ASCII characters) echoed, or a new ULID.",
    required: true,
    schema: { type: "string", maxLength: 128 },
  },
  "X-Consistency-Token": {
    description:
      "Opaque token for the database state this request saw (after its write, for a write). Send it back unchanged in `X-Consistency-Token` to read at least that fresh. On every /v1 response, errors included.",
    schema: { type: "string", pattern: CONSISTENCY_TOKEN.source },
  },
  "Cache-Control": { description: "`no-store` on every /v1 response.", required: true, schema: { type: "string", const: "no-store" } },
  ETag: {
    description: 'The pipeline\'s version as a strong entity tag: `"<version>"`.',
    required: true,
    schema: { type: "string", pattern: '^"[1-9][0-9]*"$' },
  },
  Location: {
    description: "The new pipeline's path: `/v1/workspaces/{workspace}/pipelines/{id}`.",
    required: true,
    schema: { type: "string", format: "uri-reference" },
  },
  Link: { description: 'The next page\'s URL, `<…>; rel="next"`; absent on the last page.', schema: { type: "string" } },
  "Idempotent-Replayed": {
    description: "`true` when this is the stored response of an earlier request with the same `Idempotency-Key`.",
    schema: { type: "string", const: "true" },
  },
  "WWW-Authenticate": { description: '`Bearer realm="pipeline-registry"`.', required: true, schema: { type: "string" } },
  "Retry-After": {
    description:
      "Seconds after which the caller is let in again: never fewer than the real wait (the full window when how the limiter counts is not known).",
    required: true,
    schema: { type: "integer", minimum: 0 },
  },
} satisfies Record<string, Header>;

export type HeaderName = keyof typeof HEADERS;

const headerRefs = (names: readonly HeaderName[]): Record<string, Ref> =>
  Object.fromEntries(names.map((name) => [name, { $ref: `#/components/headers/${name}` }]));

const schemaRef = (schema: v.GenericSchema): Ref => ({ $ref: `#/components/schemas/${schemaName(schema)}` });

/** A body of a named schema, with its example. */
export function jsonContent(schema: v.GenericSchema, mediaType = "application/json"): Record<string, MediaType> {
  return { [mediaType]: { schema: schemaRef(schema), example: EXAMPLES[schemaName(schema)] } };
}

/** A success with a JSON body; the headers beyond the ones every response has are named. */
export const json = (description: string, schema: v.GenericSchema, headers: HeaderName[] = []): Response => ({
  description,
  headers: headerRefs(headers),
  content: jsonContent(schema),
});

export const empty = (description: string, headers: HeaderName[] = []): Response => ({ description, headers: headerRefs(headers) });

/** Per status: title, problem type and what it means in this API. */
const PROBLEMS = {
  400: [
    "Bad request",
    "validation",
    "Malformed JSON, failed validation (every failing field in `errors`, at most 100, then `errorsTruncated`; strings must be well-formed Unicode), a bad query parameter, or a malformed header.",
  ],
  401: ["Unauthorized", "unauthorized", "No, malformed or unknown bearer token."],
  403: ["Forbidden", "forbidden", "The token lacks the scope."],
  404: ["Not found", "not-found", "No such resource."],
  409: ["Conflict", "conflict", "An active pipeline already has the name, or the pipeline is archived."],
  410: [
    "Cursor expired",
    "cursor-expired",
    "The cursor is older than what is kept: events after it were pruned. Start again without `after`.",
  ],
  412: ["Precondition failed", "precondition-failed", "`If-Match` does not match the current ETag."],
  413: ["Payload too large", "payload-too-large", "Body over 256 KiB."],
  415: ["Unsupported media type", "unsupported-media-type", "Not a JSON content type."],
  422: ["Idempotency key reused", "idempotency-key-reused", "`Idempotency-Key` reused with a different request."],
  429: ["Too many requests", "rate-limited", "Rate limit hit."],
} as const;

type ProblemStatus = keyof typeof PROBLEMS;

const PROBLEM_HEADERS: Partial<Record<ProblemStatus, HeaderName[]>> = { 401: ["WWW-Authenticate"], 429: ["Retry-After"] };

function problem(status: ProblemStatus): Response {
  const [title, slug, description] = PROBLEMS[status];
  const { errors, ...base } = EXAMPLES[schemaName(ProblemSchema)] as { errors: unknown };
  const example = {
    ...base,
    type: `${PROBLEM_TYPE_BASE}${slug}`,
    title,
    status,
    detail: description,
    ...(status === 400 ? { errors } : {}),
  };
  return {
    description,
    headers: headerRefs(PROBLEM_HEADERS[status] ?? []),
    content: { "application/problem+json": { schema: schemaRef(ProblemSchema), example } },
  };
}

/** The problem+json responses of the given statuses, keyed by status. */
export const problemResponses = (...statuses: ProblemStatus[]): Record<string, Response> =>
  Object.fromEntries(statuses.map((status) => [String(status), problem(status)]));

/**
 * Shared error sets, spread into the routes. Every /v1 request can fail authentication, scope,
 * rate limit, and header or query checks (400); one that names a resource can miss it; one with
 * a body can be malformed, too large or of the wrong type.
 */
export const readErrors = problemResponses(400, 401, 403, 429);
export const itemErrors = problemResponses(400, 401, 403, 404, 429);
export const bodyErrors = problemResponses(400, 401, 403, 413, 415, 429);
export const conflictError = problemResponses(409);
export const preconditionError = problemResponses(412);
export const notFoundError = problemResponses(404);
export const idempotencyError = problemResponses(422);
export const goneError = problemResponses(410);
