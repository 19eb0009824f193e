import { countingHooks } from "../../src/storage/d1/call-counter";
import { d1Intercept } from "../../src/storage/d1/intercept";

export interface RecordedSession {
  /** What `withSession` was given: a constraint or a bookmark. */
  constraint: string | undefined;
  /** Round trips made through this session. */
  calls: number;
}

/**
 * A D1 binding that records every session opened on it (its constraint and its calls) and
 * counts the calls made on the binding itself, outside any session.
 */
export function sessionRecorder(db: D1Database) {
  const sessions: RecordedSession[] = [];
  let outside = 0;
  const wrapped = d1Intercept(db, {
    ...countingHooks(() => outside++),
    session: (constraint) => {
      const session: RecordedSession = { constraint, calls: 0 };
      sessions.push(session);
      return countingHooks(() => session.calls++);
    },
  });
  return {
    db: wrapped,
    sessions,
    get outside() {
      return outside;
    },
    reset() {
      sessions.length = 0;
      outside = 0;
    },
  };
}
