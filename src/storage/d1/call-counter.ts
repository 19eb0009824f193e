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

/** What a request's round trips came to, for its consistency token. */
export interface CallOutcome {
  /** Whether any round trip was sent. */
  made: boolean;
  /** Whether the last one failed (a batch a trigger aborted): D1 then gives no new bookmark. */
  lastFailed: boolean;
}

/** Wraps a D1 binding so that `outcome` follows its round trips, and `onCall` hears of each. */
export function d1CallOutcome(db: D1Database, onCall?: () => void): { db: D1Database; outcome: CallOutcome } {
  const outcome: CallOutcome = { made: false, lastFailed: false };
  const follow = <T>(sent: () => Promise<T>): Promise<T> => {
    outcome.made = true;
    onCall?.();
    return sent().then(
      (result) => {
        outcome.lastFailed = false;
        return result;
      },
      (error: unknown) => {
        outcome.lastFailed = true;
        throw error;
      },
    );
  };
  const wrapped = d1Intercept(db, {
    batch: (statements, send) => follow(() => send(statements)),
    statement: (_method, _statement, _args, send) => follow(send),
  });
  return { db: wrapped, outcome };
}
