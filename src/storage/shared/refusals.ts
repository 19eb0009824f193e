import {
  KeyRefusedError,
  nameTaken,
  pipelineArchived,
  pipelineNotFound,
  quotaExceeded,
  revisionNotFound,
  ValidationError,
  versionMismatch,
  webhookLimitReached,
} from "../../domain/errors";
import { LIMITS } from "../../domain/pipeline";
import { MAX_WEBHOOKS } from "../../domain/webhook";
import { workspaceNotFound } from "../../domain/workspace";

/**
 * How the databases refuse a write, for both backends: a D1 batch's guard (./db/guard.ts) and
 * a PostgreSQL function (src/storage/postgres/functions/) abort with the message `guard:<reason>`, and the
 * partial unique index on active names backs the name check.
 */

/**
 * Every reason a guard may give, and the domain error it means: the one place that spells
 * them. A reason missing here still aborts the batch (the trigger raises whatever it is
 * given), and then reaches the client as an unexpected error, never as a silent success.
 */
const REASONS = {
  not_found: (id) => pipelineNotFound(id),
  version_mismatch: () => versionMismatch(),
  archived: () => pipelineArchived(),
  name_taken: () => nameTaken(),
  foreign_stage: () => new ValidationError([{ path: "/stages", message: "a stage id must be the id of one of this pipeline's stages" }]),
  revision_not_found: (id) => revisionNotFound(id),
  quota_exceeded: () => quotaExceeded(),
  webhook_limit: () => webhookLimitReached(MAX_WEBHOOKS),
  // A workspace that does not exist, or whose deletion has begun: the live-workspace triggers
  // (migrations/0008), the workspace check of every call, and a key of another workspace.
  workspace_missing: () => workspaceNotFound(),
  too_many_entries: () => new ValidationError([{ path: "/configuration", message: `at most ${LIMITS.mapEntries} entries` }]),
  // The workspace and API key check (src/storage/d1/key-check.ts, registry_check_workspace on PostgreSQL), in every call.
  key_invalid: () => new KeyRefusedError("invalid", "The API key is not valid (unknown or revoked)."),
  key_scope: () => new KeyRefusedError("scope", "The API key lacks the scope this route needs."),
} satisfies Record<string, (id: string) => Error>;

export type GuardReason = keyof typeof REASONS;

const messageChain = (error: unknown): string => {
  const parts: string[] = [];
  for (let e: unknown = error; e instanceof Error && parts.length < 5; e = e.cause) parts.push(e.message);
  return parts.join("\n");
};

const GUARD_MESSAGE = /guard:([a-z_]+)/;

/** The domain error a guard's reason means, or undefined for a reason nobody mapped. */
export const guardError = (name: string, id = ""): Error | undefined =>
  Object.hasOwn(REASONS, name) ? REASONS[name as GuardReason](id) : undefined;

/** Turns the database's refusals into the domain's errors; anything else stays unexpected. */
export function domainError(error: unknown, id = ""): unknown {
  const message = messageChain(error);
  const name = GUARD_MESSAGE.exec(message)?.[1];
  const refusal = name === undefined ? undefined : guardError(name, id);
  if (refusal) return refusal;
  // The unique index on active names backs the guard's name check (and is the only check on
  // creates and restores): D1 names the column, PostgreSQL the index.
  if (message.includes("UNIQUE constraint failed: pipelines.workspace, pipelines.name") || message.includes('"pipelines_active_name_key"'))
    return nameTaken();
  return error;
}
