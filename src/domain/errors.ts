/**
 * The domain's error vocabulary. The HTTP layer maps each kind to one status in
 * `src/http/problem.ts`; nothing else decides how an error looks to a client.
 */

/** One invalid field: `path` is a JSON pointer into the request (`/stages/2/algorithm`). */
export interface FieldIssue {
  path: string;
  message: string;
}

export class NotFoundError extends Error {
  readonly kind = "not_found";
}

/** The write collides with current state: a taken name, or a write to an archived pipeline. */
export class ConflictError extends Error {
  readonly kind = "conflict";
}

/** A create or import that would take the workspace past its pipeline quota (or its webhook endpoints past theirs): nothing is written. */
export class QuotaExceededError extends ConflictError {
  readonly subtype = "quota-exceeded";
}

/** The caller's expected version (If-Match) is not the stored one. */
export class VersionMismatchError extends Error {
  readonly kind = "version_mismatch";
}

/** A feed position older than what retention keeps: events after it were pruned unseen (docs/events.md). */
export class CursorExpiredError extends Error {
  readonly kind = "cursor_expired";
}

export class ValidationError extends Error {
  readonly kind = "validation";
  constructor(
    readonly issues: FieldIssue[],
    message = "The request is invalid; see errors.",
  ) {
    super(message);
  }
}

/**
 * The caller's API key, as the database judged it in the request's own call: no active key
 * with this id and hash (`invalid`: unknown, forged or revoked), or one without the scope.
 */
export class KeyRefusedError extends Error {
  readonly kind = "key_refused";
  constructor(
    readonly reason: "invalid" | "scope",
    message: string,
  ) {
    super(message);
  }
}

/** The key refusal behind `error`, which may be wrapped (a refusal as the cause of another error). */
export function keyRefusalIn(error: unknown): KeyRefusedError | undefined {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e instanceof KeyRefusedError) return e;
  }
  return undefined;
}

export const pipelineNotFound = (id: string) => new NotFoundError(`No pipeline has the id ${id}.`);
export const revisionNotFound = (id: string) =>
  new NotFoundError(`Pipeline ${id} has no such revision (it never existed, or it was pruned).`);
export const metricsNotRecorded = (id: string) => new NotFoundError(`No metrics were recorded for pipeline ${id}.`);
export const nameTaken = () => new ConflictError("An active pipeline already has this name.");
export const pipelineArchived = () => new ConflictError("The pipeline is archived; restore it before changing it.");
export const quotaExceeded = () =>
  new QuotaExceededError("The workspace holds as many pipelines as its quota allows (archived ones count); delete some first.");
export const webhookLimitReached = (max: number) =>
  new QuotaExceededError(`The workspace holds ${max} webhook endpoints, the most it may; delete one first.`);
export const versionMismatch = () => new VersionMismatchError("The pipeline has changed since the version given in If-Match.");
export const cursorExpired = () =>
  new CursorExpiredError("Events after this cursor are past their retention and were pruned; start again from a full list.");
