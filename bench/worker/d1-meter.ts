import { interceptD1 } from "../../src/infrastructure/d1-intercept";

/** What one request cost the database, from D1's own `meta` of every result. */
export interface D1Usage {
  calls: number;
  rowsRead: number;
  rowsWritten: number;
}

/**
 * Wraps a D1 binding and adds up, per wrapper, the round trips (each statement run on its own,
 * each `batch`, each `exec`) and the rows D1 reports read and written. `first()` and `raw()` do
 * not hand back D1's meta, so the meter runs them as `all()` and shapes the answer itself: the
 * same query, so the same rows read, and the same conversion drizzle-orm applies to batch results.
 */
export function meterD1(db: D1Database): { db: D1Database; usage: D1Usage } {
  const usage: D1Usage = { calls: 0, rowsRead: 0, rowsWritten: 0 };
  const record = (result: D1Result) => {
    usage.rowsRead += result.meta.rows_read ?? 0;
    usage.rowsWritten += result.meta.rows_written ?? 0;
  };
  const wrapped = interceptD1(db, {
    async batch(statements, send) {
      usage.calls++;
      const results = await send(statements);
      results.forEach(record);
      return results;
    },
    async statement(method, statement, args) {
      usage.calls++;
      const result = await statement.all<Record<string, unknown>>();
      record(result);
      const { results } = result;
      if (method === "all" || method === "run") return result;
      if (method === "first") {
        const [row] = results;
        const column = args[0] as string | undefined;
        if (row === undefined) return null;
        return column === undefined ? row : (row[column] ?? null);
      }
      const rows: unknown[][] = results.map((row) => Object.values(row));
      if ((args[0] as { columnNames?: boolean } | undefined)?.columnNames)
        rows.unshift(results[0] === undefined ? [] : Object.keys(results[0]));
      return rows;
    },
    exec(_query, send) {
      usage.calls++;
      return send();
    },
  });
  return { db: wrapped, usage };
}
