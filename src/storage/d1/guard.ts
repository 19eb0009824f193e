import type { GuardReason } from "../shared/refusals";
import { type SQL, sql } from "../shared/sql";

/**
 * The write guard, a view defined in the migrations (outside the drizzle-kit schema on
 * purpose). D1 has no interactive transactions, so a batch cannot branch on its own reads:
 * instead its first statement inserts the reason its precondition fails (or NULL) into this
 * view, and the view's one INSTEAD OF trigger aborts the whole batch with
 * `RAISE(ABORT, 'guard:' || reason)`. A batch runs serially and atomically, so nothing can
 * change between the guard and the writes after it.
 */
export const INSERT_GUARD = sql.raw("INSERT INTO write_guard (reason)");

/** A precondition's failure: the condition (SQL over the current rows) and the reason it gives. */
export type Check = readonly [condition: SQL, reason: GuardReason];

/** A reason as SQL, typed so that only the reasons of ../refusals.ts can be written. */
export const reason = (name: GuardReason) => sql.raw(`'${name}'`);

/** `CASE WHEN <condition> THEN <reason> ... END`: the first failing precondition, or NULL. */
export function firstFailure(checks: readonly Check[]): SQL {
  const whens = checks.map(([condition, name]) => sql`WHEN ${condition} THEN ${reason(name)}`);
  return sql`CASE ${sql.join(whens, " ")} END`;
}
