import { d1Intercept, shapeResult } from "../../src/storage/d1/intercept";

/** What one request cost the database, from D1's own `meta` of every result. */
export interface D1Usage {
  calls: number;
  rowsRead: number;
  rowsWritten: number;
  /** Calls that wrote, and the milliseconds the Worker waited on them (its clock moves across I/O only). */
  writeCalls: number;
  writeMs: number;
}

/**
 * Wraps a D1 binding and adds up, per wrapper, the round trips (each statement run on its own,
 * each `batch`, each `exec`) and the rows D1 reports read and written. `first()` and `raw()` do
 * not hand back D1's meta, so the meter runs them as `all()` and shapes the answer as the method
 * would have (`shapeResult`): the same query, so the same rows read.
 */
export function meterD1(db: D1Database): { db: D1Database; usage: D1Usage } {
  const usage: D1Usage = { calls: 0, rowsRead: 0, rowsWritten: 0, writeCalls: 0, writeMs: 0 };
  const record = (result: D1Result) => {
    usage.rowsRead += result.meta.rows_read ?? 0;
    usage.rowsWritten += result.meta.rows_written ?? 0;
  };
  const timed = (started: number, results: D1Result[]) => {
    if (results.some((result) => (result.meta.rows_written ?? 0) > 0)) {
      usage.writeCalls++;
      usage.writeMs += performance.now() - started;
    }
  };
  const wrapped = d1Intercept(db, {
    async batch(statements, send) {
      usage.calls++;
      const started = performance.now();
      const results = await send(statements);
      timed(started, results);
      results.forEach(record);
      return results;
    },
    async statement(method, statement, args) {
      usage.calls++;
      const started = performance.now();
      const result = await statement.all<Record<string, unknown>>();
      timed(started, [result]);
      record(result);
      return shapeResult(method, args, result);
    },
    exec(_query, send) {
      usage.calls++;
      return send();
    },
  });
  return { db: wrapped, usage };
}
