import { interceptD1 } from "./intercept-d1";

/** Wraps a D1 binding and counts round trips: each `batch`, and each statement run on its own. */
export function countingD1(db: D1Database) {
  let calls = 0;
  const wrapped = interceptD1(db, {
    batch: (statements, send) => {
      calls++;
      return send(statements);
    },
    statement: (_method, _statement, _args, send) => {
      calls++;
      return send();
    },
  });
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
