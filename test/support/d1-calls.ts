import { countD1Calls } from "../../src/infrastructure/d1-call-counter";

/** A D1 binding that counts its round trips (src/infrastructure/d1-call-counter.ts), with the count and a reset. */
export function countingD1(db: D1Database) {
  let calls = 0;
  return {
    db: countD1Calls(db, () => calls++),
    get calls() {
      return calls;
    },
    reset() {
      calls = 0;
    },
  };
}
