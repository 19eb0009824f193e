import { type SQL, sql } from "drizzle-orm";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import { sqliteTable, text } from "drizzle-orm/sqlite-core";
import type { GuardReason } from "../refusals";

/**
 * The write guard, a view defined in the migrations (outside the drizzle-kit schema on
 * purpose). D1 has no interactive transactions, so a batch cannot branch on its own reads:
 * instead its first statement inserts the reason its precondition fails (or NULL) into this
 * view, and the view's one INSTEAD OF trigger aborts the whole batch with
 * `RAISE(ABORT, 'guard:' || reason)`. A batch runs serially and atomically, so nothing can
 * change between the guard and the writes after it.
 */
export const writeGuard = sqliteTable("write_guard", { reason: text("reason") });

/** A reason as SQL, typed so that only the reasons of ../refusals.ts can be written. */
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
