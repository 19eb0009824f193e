import { grantorsOf } from "../../domain/api-key";
import { KeyRefusedError } from "../../domain/errors";
import { WorkspaceNotFoundError } from "../../domain/workspace";
import type { WorkspaceCheck } from "../shared/key-check";
import { domainError, guardError } from "../shared/refusals";
import { type SQL, sql } from "../shared/sql";
import { type Check, firstFailure, INSERT_GUARD } from "./guard";
import { d1Intercept, shapeResult } from "./intercept";
import { prepare } from "./statement";

/** The first failing check of the workspace's and the key's rows (NULL when all hold), as a guard or a SELECT. */
function checkStatement(db: D1Database, check: WorkspaceCheck): D1PreparedStatement {
  const live = sql`LEFT JOIN workspaces w ON w.id = ${check.workspace} AND w.deleted_at IS NULL`;
  const checks: Check[] = [];
  let rows: SQL = sql`FROM (SELECT 1) ${live}`;
  if (check.key) {
    const held = sql.join(
      grantorsOf(check.key.scope).map((scope) => sql`instr(' ' || k.scopes || ' ', ${` ${scope} `}) > 0`),
      " OR ",
    );
    checks.push(
      [sql`k.id IS NULL`, "key_invalid"],
      [sql`w.id IS NULL OR k.workspace <> w.id`, "workspace_missing"],
      [sql`NOT (${held})`, "key_scope"],
    );
    rows = sql`FROM (SELECT 1) LEFT JOIN api_keys k ON k.id = ${check.key.id} AND k.key_hash = ${check.key.hash} AND k.revoked_at IS NULL ${live}`;
  } else {
    checks.push([sql`w.id IS NULL`, "workspace_missing"]);
  }
  const failure = firstFailure(checks);
  return prepare(db, check.mode === "write" ? sql`${INSERT_GUARD} SELECT ${failure} ${rows}` : sql`SELECT ${failure} AS reason ${rows}`);
}

/**
 * A D1 binding (a request's session) that checks the workspace, and the API key if any, in the
 * same round trip as each call made through it: a batch gets the check at its head, and a
 * statement run on its own becomes the batch [check, statement], answered in the shape its
 * method promises. So the stores stay unaware of the check, and it costs no call of its own.
 */
export function d1WorkspaceCheck(db: D1Database, check: WorkspaceCheck) {
  let sent = false;

  async function withCheck(statements: D1PreparedStatement[]): Promise<D1Result[]> {
    sent = true;
    let results: D1Result[];
    try {
      results = await db.batch([checkStatement(db, check), ...statements]);
    } catch (error) {
      const refusal = domainError(error);
      throw refusal instanceof KeyRefusedError || refusal instanceof WorkspaceNotFoundError ? refusal : error;
    }
    const reason = (results[0]?.results[0] as { reason?: string | null } | undefined)?.reason;
    if (reason) throw guardError(reason) ?? new Error(`the workspace check gave an unmapped reason: ${reason}`);
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
    get sent() {
      return sent;
    },
    verify: async () => {
      await withCheck([]);
    },
  };
}
