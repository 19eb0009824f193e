import { type SQL, sql } from "drizzle-orm";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import { sqliteTable, text } from "drizzle-orm/sqlite-core";
import {
  KeyRefusedError,
  nameTaken,
  pipelineArchived,
  pipelineNotFound,
  revisionNotFound,
  ValidationError,
  versionMismatch,
} from "../../domain/errors";
import { LIMITS } from "../../domain/pipeline";

/**
 * The write guard, a view defined in the migrations (outside the drizzle-kit schema on
 * purpose). D1 has no interactive transactions, so a batch cannot branch on its own reads:
 * instead its first statement inserts the reason its precondition fails (or NULL) into this
 * view, and the view's one INSTEAD OF trigger aborts the whole batch with
 * `RAISE(ABORT, 'guard:' || reason)`. A batch runs serially and atomically, so nothing can
 * change between the guard and the writes after it.
 */
export const writeGuard = sqliteTable("write_guard", { reason: text("reason") });

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
  too_many_entries: () => new ValidationError([{ path: "/configuration", message: `at most ${LIMITS.mapEntries} entries` }]),
  // The API key check of ../d1-key-check.ts, at the head of every call a key makes.
  key_invalid: () => new KeyRefusedError("invalid", "The API key is not valid (unknown or revoked)."),
  key_scope: () => new KeyRefusedError("scope", "The API key lacks the scope this route needs."),
} satisfies Record<string, (id: string) => Error>;

export type GuardReason = keyof typeof REASONS;

/** A reason as SQL, typed so that only the reasons above can be written. */
export const reason = (name: GuardReason) => sql.raw(`'${name}'`);

/** `CASE WHEN <condition> THEN <reason> ... END`: the first failing precondition, or NULL. */
export function firstFailure(checks: ReadonlyArray<readonly [condition: SQL, reason: GuardReason]>): SQL {
  return sql`CASE ${sql.join(
    checks.map(([condition, name]) => sql`WHEN ${condition} THEN ${reason(name)}`),
    sql` `,
  )} END`;
}

/** The guard statement: aborts the batch when `failure` (SQL over the current rows) is not NULL. */
export const guard = <S extends Record<string, unknown>>(db: DrizzleD1Database<S>, failure: SQL) =>
  db.insert(writeGuard).select(sql`SELECT ${failure}`);

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
  // The unique index on active names backs the guard's name check (and is the only check on creates and restores).
  if (message.includes("UNIQUE constraint failed: pipelines.name")) return nameTaken();
  return error;
}
