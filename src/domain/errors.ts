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

/** The caller's expected version (If-Match) is not the stored one. */
export class VersionMismatchError extends Error {
  readonly kind = "version_mismatch";
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

export type DomainError = NotFoundError | ConflictError | VersionMismatchError | ValidationError;

export const pipelineNotFound = (id: string) => new NotFoundError(`No pipeline has the id ${id}.`);
export const revisionNotFound = (id: string) =>
  new NotFoundError(`Pipeline ${id} has no such revision (it never existed, or it was pruned).`);
export const metricsNotRecorded = (id: string) => new NotFoundError(`No metrics were recorded for pipeline ${id}.`);
export const nameTaken = () => new ConflictError("An active pipeline already has this name.");
export const pipelineArchived = () => new ConflictError("The pipeline is archived; restore it before changing it.");
export const versionMismatch = () => new VersionMismatchError("The pipeline has changed since the version given in If-Match.");
