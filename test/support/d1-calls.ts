import { type D1Hooks, interceptD1 } from "../../src/infrastructure/intercept-d1";

/** Hooks that call `count` on each round trip: a batch, or a statement run on its own. */
export const countingHooks = (count: () => void): D1Hooks => ({
  batch: (statements, send) => {
    count();
    return send(statements);
  },
  statement: (_method, _statement, _args, send) => {
    count();
    return send();
  },
});

/** Wraps a D1 binding and counts round trips: each `batch`, and each statement run on its own. */
export function countingD1(db: D1Database) {
  let calls = 0;
  const wrapped = interceptD1(db, countingHooks(() => calls++));
  return {
    db: wrapped,
    get calls() {
      return calls;
    },
    reset() {
      calls = 0;
    },
  };
}
