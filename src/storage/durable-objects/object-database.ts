import { type StatementMethod, shapeResult } from "../d1/intercept";
import type { SentStatement, SqlValue, StatementAnswer } from "./protocol";

/** Sends one round trip's statements to the object and answers what it ran (a refusal is thrown). */
export type SendBatch = (statements: SentStatement[]) => Promise<{ results: StatementAnswer[] }>;

/** D1 binds booleans as 1 and 0, and refuses undefined; the object is given the same. */
function bindable(value: unknown): SqlValue {
  if (typeof value === "boolean") return value ? 1 : 0;
  if (value === null || typeof value === "string" || typeof value === "number" || value instanceof ArrayBuffer) return value;
  throw new TypeError(`D1_TYPE_ERROR: Type '${typeof value}' not supported for value '${String(value)}'`);
}

/** An answer as D1 gives a statement's result: rows as objects (a later column of a name wins, as on D1). */
function toD1Result(answer: StatementAnswer): D1Result<Record<string, unknown>> {
  const results = answer.rows.map((row) => Object.fromEntries(answer.columns.map((column, i) => [column, row[i]])));
  return {
    results,
    success: true,
    meta: {
      duration: 0,
      size_after: 0,
      rows_read: answer.rowsRead,
      rows_written: answer.rowsWritten,
      last_row_id: 0,
      changed_db: answer.rowsWritten > 0,
      changes: answer.rowsWritten,
    },
  };
}

class ObjectStatement {
  constructor(
    readonly send: (statements: ObjectStatement[]) => Promise<D1Result[]>,
    readonly sql: string,
    readonly params: SqlValue[] = [],
  ) {}

  bind(...values: unknown[]) {
    return new ObjectStatement(this.send, this.sql, values.map(bindable));
  }

  async #alone(method: StatementMethod, args: unknown[]) {
    const [result] = await this.send([this]);
    return shapeResult(method, args, result as D1Result<Record<string, unknown>>);
  }

  first(column?: string) {
    return this.#alone("first", column === undefined ? [] : [column]);
  }
  all() {
    return this.#alone("all", []);
  }
  run() {
    return this.#alone("run", []);
  }
  raw(options?: { columnNames?: boolean }) {
    return this.#alone("raw", [options]);
  }
}

/**
 * A workspace's object behind the surface of a D1 binding that the D1 stores use (prepare, bind,
 * first, all, run, raw, batch), so the D1 backend's statements, guard, projection and key check
 * run unchanged over it: each `batch`, and each statement run on its own, is one call to the
 * object, which runs it as one transaction.
 */
export function objectDatabase(send: SendBatch): D1Database {
  const sendStatements = async (statements: ObjectStatement[]): Promise<D1Result[]> => {
    const answer = await send(statements.map(({ sql, params }) => ({ sql, params })));
    return answer.results.map(toD1Result);
  };
  const database = {
    prepare: (query: string) => new ObjectStatement(sendStatements, query),
    batch: (statements: ObjectStatement[]) => sendStatements(statements),
  };
  // The D1 stores call nothing else (d1/storage.ts stands a session in for the binding alike).
  return database as unknown as D1Database;
}
