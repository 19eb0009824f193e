import { type D1Hooks, d1Intercept } from "./intercept";

/** Hooks that call `onCall` on each round trip: a batch, or a statement run on its own. */
export const countingHooks = (onCall: () => void): D1Hooks => ({
  batch: (statements, send) => {
    onCall();
    return send(statements);
  },
  statement: (_method, _statement, _args, send) => {
    onCall();
    return send();
  },
});

/**
 * Wraps a D1 binding so that every round trip calls `onCall`: each statement run on its own
 * (`first`, `all`, `run`, `raw`) and each `batch` is one call to the database. The access log
 * counts a request's calls with it; tests use it to hold endpoints to one call each.
 */
export function d1CallCounter(db: D1Database, onCall: () => void): D1Database {
  return d1Intercept(db, countingHooks(onCall));
}
