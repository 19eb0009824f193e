import { d1Intercept } from "../../src/storage/d1/intercept";

/**
 * A D1 binding for fault injection. With no fault planned it is the binding itself; with one,
 * the next batch (or the k-th prepare) fails in the planned way:
 *
 * - `replace`: statement `at` is replaced by one that fails when it runs (the ones before it
 *   have run by then);
 * - `after`: a statement that breaks a constraint is put after statement `at` (so statement
 *   `at` itself has run); `at: "last"` fails after every real statement;
 * - `throw`: batch() throws before sending anything, with SQL in the message (it must never
 *   reach a client);
 * - `prepare`: the `call`-th prepare() throws, while the write is still being put together.
 *
 * A planned position past the end of the batch runs nothing and throws NoSuchStatement, so a
 * test can try every position until the batch is exhausted.
 */
export type Fault = { kind: "replace" | "after"; at: number | "last" } | { kind: "throw" } | { kind: "prepare"; call: number };

export class NoSuchStatement extends Error {}

/** Fails when it runs (json() of malformed JSON), not when it is prepared. */
const RUNTIME_FAILURE = "SELECT json('injected fault')";
/** Fails on a constraint: the counter row for archived = 0 always exists. */
const CONSTRAINT_FAILURE = "INSERT INTO pipeline_counts (archived, total) VALUES (0, 0)";
export const INJECTED_MESSAGE = "D1_ERROR: injected: no such table: secrets (SELECT * FROM secrets WHERE token = ?): SQLITE_ERROR";

export function faultyD1(db: D1Database) {
  let fault: Fault | undefined;
  let injected = false;
  let prepares = 0;
  /** The number of statements of each batch sent, faulty or not. */
  const batches: number[] = [];

  const binding = d1Intercept(db, {
    batch: async (statements, send) => {
      batches.push(statements.length);
      const planned = fault;
      if (planned === undefined || planned.kind === "prepare") return send(statements);
      // One batch only: what the app does after the failure (such as recording it) runs normally.
      fault = undefined;
      if (planned.kind === "throw") {
        injected = true;
        throw new Error(INJECTED_MESSAGE);
      }
      const at = planned.at === "last" ? statements.length - 1 : planned.at;
      if (at >= statements.length) throw new NoSuchStatement(`the batch has ${statements.length} statements, none at ${at}`);
      injected = true;
      const changed =
        planned.kind === "replace"
          ? statements.map((s, i) => (i === at ? db.prepare(RUNTIME_FAILURE) : s))
          : [...statements.slice(0, at + 1), db.prepare(CONSTRAINT_FAILURE), ...statements.slice(at + 1)];
      return send(changed);
    },
    prepare: (query, prepare) => {
      prepares++;
      if (fault?.kind === "prepare" && prepares === fault.call) {
        injected = true;
        throw new Error(INJECTED_MESSAGE);
      }
      return prepare(query);
    },
  });

  return {
    db: binding,
    /** Plans the fault of the next request (undefined: none). */
    plan(next: Fault | undefined) {
      fault = next;
      injected = false;
      prepares = 0;
      batches.length = 0;
    },
    /** Whether the planned fault happened. */
    get injected() {
      return injected;
    },
    batches,
  };
}
