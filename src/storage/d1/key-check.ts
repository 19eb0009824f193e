import { grantorsOf } from "../../domain/api-key";
import { KeyRefusedError } from "../../domain/errors";
import type { KeyCheck } from "../shared/key-check";
import { domainError, guardError } from "../shared/refusals";
import { sql } from "../shared/sql";
import { firstFailure, INSERT_GUARD } from "./guard";
import { d1Intercept, shapeResult } from "./intercept";
import { prepare } from "./statement";

/** The first failing check of the key's row (NULL when it is active, its own and scoped), as a guard or a SELECT. */
function checkStatement(db: D1Database, check: KeyCheck): D1PreparedStatement {
  const held = sql.join(
    grantorsOf(check.scope).map((scope) => sql`instr(' ' || k.scopes || ' ', ${` ${scope} `}) > 0`),
    " OR ",
  );
  const failure = firstFailure([
    [sql`k.id IS NULL`, "key_invalid"],
    [sql`NOT (${held})`, "key_scope"],
  ]);
  const row = sql`FROM (SELECT 1) LEFT JOIN api_keys k ON k.id = ${check.id} AND k.key_hash = ${check.hash} AND k.revoked_at IS NULL`;
  return prepare(db, check.mode === "write" ? sql`${INSERT_GUARD} SELECT ${failure} ${row}` : sql`SELECT ${failure} AS reason ${row}`);
}

/**
 * A D1 binding (a request's session) that checks an API key in the same round trip as each
 * call made through it: a batch gets the check at its head, and a statement run on its own
 * becomes the batch [check, statement], answered in the shape its method promises. So the
 * repository and the routes stay unaware of keys, and a key costs no call of its own.
 */
export function d1KeyCheck(db: D1Database, check: KeyCheck) {
  let sent = false;

  async function withCheck(statements: D1PreparedStatement[]): Promise<D1Result[]> {
    sent = true;
    let results: D1Result[];
    try {
      results = await db.batch([checkStatement(db, check), ...statements]);
    } catch (error) {
      const refusal = domainError(error);
      throw refusal instanceof KeyRefusedError ? refusal : error;
    }
    const reason = (results[0]?.results[0] as { reason?: string | null } | undefined)?.reason;
    if (reason) throw guardError(reason) ?? new Error(`the key check gave an unmapped reason: ${reason}`);
    return results.slice(1);
  }

  return {
    db: d1Intercept(db, {
      batch: (statements) => withCheck(statements),
      statement: async (method, statement, args) => {
        const [result] = await withCheck([statement]);
        return shapeResult(method, args, result as D1Result<Record<string, unknown>>);
      },
    }),
    /** Whether a call (with its check) has been sent: a request refused before any is checked by `verify`. */
    get sent() {
      return sent;
    },
    /** The check alone, in one call: for a request that made none, so a revoked key is a 401 whatever else is wrong. */
    verify: async () => {
      await withCheck([]);
    },
  };
}
