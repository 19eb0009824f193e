import { d1CallCounter } from "../../src/storage/d1/call-counter";

/** A D1 binding that counts its round trips (src/storage/d1/call-counter.ts), with the count and a reset. */
export function countingD1(db: D1Database) {
  let calls = 0;
  return {
    db: d1CallCounter(db, () => calls++),
    get calls() {
      return calls;
    },
    reset() {
      calls = 0;
    },
  };
}
