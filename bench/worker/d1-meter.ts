/** What one request cost the database, from D1's own `meta` of every result. */
export interface D1Usage {
  calls: number;
  rowsRead: number;
  rowsWritten: number;
}

const RAW = Symbol("unwrapped statement");

type Unwrappable = D1PreparedStatement & { [RAW]?: D1PreparedStatement };

/**
 * Wraps a D1 binding and adds up, per wrapper, the round trips (each statement run on its own,
 * each `batch`) and the rows D1 reports read and written. `first()` and `raw()` do not hand
 * back D1's meta, so the meter runs them as `all()` and shapes the answer itself: the same
 * query, so the same rows read, and the same conversion drizzle-orm applies to batch results.
 */
export function meterD1(db: D1Database): { db: D1Database; usage: D1Usage } {
  const usage: D1Usage = { calls: 0, rowsRead: 0, rowsWritten: 0 };
  const record = (result: D1Result) => {
    usage.rowsRead += result.meta.rows_read ?? 0;
    usage.rowsWritten += result.meta.rows_written ?? 0;
  };
  const all = async <T>(statement: D1PreparedStatement) => {
    usage.calls++;
    const result = await statement.all<T>();
    record(result);
    return result;
  };

  const wrapStatement = (statement: D1PreparedStatement): D1PreparedStatement =>
    new Proxy(statement, {
      get(target, property) {
        if (property === RAW) return target;
        if (property === "bind") return (...values: unknown[]) => wrapStatement(target.bind(...values));
        if (property === "all") return () => all(target);
        if (property === "run") return () => all(target);
        if (property === "first") {
          return async (column?: string) => {
            const [row] = (await all<Record<string, unknown>>(target)).results;
            if (row === undefined) return null;
            return column === undefined ? row : (row[column] ?? null);
          };
        }
        if (property === "raw") {
          return async (options?: { columnNames?: boolean }) => {
            const { results } = await all<Record<string, unknown>>(target);
            const rows: unknown[][] = results.map((row) => Object.values(row));
            if (options?.columnNames) rows.unshift(results[0] === undefined ? [] : Object.keys(results[0]));
            return rows;
          };
        }
        const value: unknown = Reflect.get(target, property);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });

  const wrapped = new Proxy(db, {
    get(target, property) {
      if (property === "prepare") return (query: string) => wrapStatement(target.prepare(query));
      if (property === "batch") {
        return async (statements: Unwrappable[]) => {
          usage.calls++;
          // D1 wants its own statement objects back, not the proxies.
          const results = await target.batch(statements.map((statement) => statement[RAW] ?? statement));
          results.forEach(record);
          return results;
        };
      }
      if (property === "exec") {
        return async (query: string) => {
          usage.calls++;
          return target.exec(query);
        };
      }
      const value: unknown = Reflect.get(target, property);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { db: wrapped, usage };
}
