const RAW = Symbol("raw statement");

/**
 * Wraps a D1 binding so that every round trip calls `onCall`: each statement run on its own
 * (`first`, `all`, `run`, `raw`) and each `batch` is one call to the database. The access log
 * counts a request's calls with it; tests use it to hold endpoints to one call each.
 */
export function countD1Calls(db: D1Database, onCall: () => void): D1Database {
  const terminal = new Set(["first", "all", "run", "raw"]);
  const wrapStatement = (statement: D1PreparedStatement): D1PreparedStatement =>
    new Proxy(statement, {
      get(target, property, receiver) {
        if (property === RAW) return target;
        const value = Reflect.get(target, property, receiver);
        if (typeof value !== "function") return value;
        if (property === "bind") return (...args: unknown[]) => wrapStatement(value.apply(target, args));
        if (terminal.has(String(property))) {
          return (...args: unknown[]) => {
            onCall();
            return value.apply(target, args);
          };
        }
        return value.bind(target);
      },
    });
  return new Proxy(db, {
    get(target, property, receiver) {
      if (property === "prepare") return (query: string) => wrapStatement(target.prepare(query));
      if (property === "batch") {
        return (statements: D1PreparedStatement[]) => {
          onCall();
          // The statements are our proxies; D1 needs its own objects back.
          return target.batch(statements.map((s) => (s as unknown as { [RAW]?: D1PreparedStatement })[RAW] ?? s));
        };
      }
      const value = Reflect.get(target, property, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
