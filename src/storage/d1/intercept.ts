/**
 * The one wrapper of a D1 binding put between the app and D1: the API key check
 * (./d1-key-check.ts), the call counter of the access log and the tests (./d1-call-counter.ts),
 * the tests' fault injector (test/support/faulty-d1.ts) and session recorder
 * (test/support/d1-sessions.ts), and the bench's meter (bench/worker/d1-meter.ts) are each a
 * few hooks over it. Every round trip passes through a hook: a `batch`, or one statement run on
 * its own (`first`, `all`, `run`, `raw`), or `exec`. A session opened through the wrapper
 * (`withSession`) is wrapped too, so whatever a request does in its session is seen.
 */

export type StatementMethod = "first" | "all" | "run" | "raw";

export interface D1Hooks {
  /** A batch; `send` sends the statements given (D1's own objects, never the wrappers). */
  batch?: (statements: D1PreparedStatement[], send: (statements: D1PreparedStatement[]) => Promise<D1Result[]>) => Promise<D1Result[]>;
  /** One statement run on its own; `send` runs it as the caller asked. */
  statement?: (method: StatementMethod, statement: D1PreparedStatement, args: unknown[], send: () => Promise<unknown>) => Promise<unknown>;
  /** `exec` of raw SQL. */
  exec?: (query: string, send: () => Promise<D1ExecResult>) => Promise<D1ExecResult>;
  /** Preparing a statement (before anything is sent). */
  prepare?: (query: string, prepare: (query: string) => D1PreparedStatement) => D1PreparedStatement;
  /** A session being opened, with its constraint or bookmark: the hooks of its calls (these same hooks when none are given). */
  session?: (constraintOrBookmark: string | undefined) => D1Hooks | undefined;
}

const RAW = Symbol("unwrapped statement");
const METHODS = new Set<string | symbol>(["first", "all", "run", "raw"]);

type Wrapped = D1PreparedStatement & { [RAW]?: D1PreparedStatement };

/** D1's own statement behind a wrapper (D1 refuses anything else in a batch). */
export const unwrap = (statement: D1PreparedStatement) => (statement as Wrapped)[RAW] ?? statement;

/**
 * What `method(...args)` answers, made from the full result of the same statement (as `all()`
 * or a batch gives it); for `raw()`, rows become arrays of their values (so a query must not
 * name two result columns alike).
 */
export function shapeResult(method: StatementMethod, args: unknown[], result: D1Result<Record<string, unknown>>): unknown {
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
}

export function d1Intercept(db: D1Database, hooks: D1Hooks): D1Database {
  const wrapStatement = (statement: D1PreparedStatement): D1PreparedStatement =>
    new Proxy(statement, {
      get(target, property) {
        if (property === RAW) return target;
        if (property === "bind") return (...values: unknown[]) => wrapStatement(target.bind(...values));
        const value: unknown = Reflect.get(target, property);
        if (typeof value !== "function") return value;
        if (METHODS.has(property) && hooks.statement) {
          const method = property as StatementMethod;
          return (...args: unknown[]) => hooks.statement?.(method, target, args, () => value.apply(target, args));
        }
        return value.bind(target);
      },
    });

  const prepare = (query: string) => db.prepare(query);
  const send = (statements: D1PreparedStatement[]) => db.batch(statements);
  return new Proxy(db, {
    get(target, property) {
      if (property === "prepare") return (query: string) => wrapStatement(hooks.prepare ? hooks.prepare(query, prepare) : prepare(query));
      if (property === "batch") {
        return (statements: D1PreparedStatement[]) => {
          const own = statements.map(unwrap);
          return hooks.batch ? hooks.batch(own, send) : send(own);
        };
      }
      if (property === "exec" && hooks.exec) return (query: string) => hooks.exec?.(query, () => target.exec(query));
      if (property === "withSession") {
        return (constraintOrBookmark?: string) => {
          const own = hooks.session?.(constraintOrBookmark) ?? hooks;
          // A session has prepare, batch and getBookmark: the same surface, minus exec.
          return d1Intercept(target.withSession(constraintOrBookmark) as unknown as D1Database, own);
        };
      }
      const value: unknown = Reflect.get(target, property);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
