import type { Scope } from "../../domain/api-key";

/** An API key to check in every database call of one request, and how (both backends). */
export interface KeyCheck {
  id: string;
  /** SHA-256 of the whole key, as stored. */
  hash: string;
  /** The scope the request's route needs. */
  scope: Scope;
  /**
   * `write`: the check aborts the call's write when it fails (D1: a guard at the head of the
   * batch; PostgreSQL: the key's row locked until the write commits), so a write with a key
   * revoked before it commits never commits. `read`: the check's verdict is read in the same
   * call (a read replica can run no guard) and judged before any row is handed back.
   */
  mode: "read" | "write";
}

/** A request's database with a key check in every call, as both backends give it. */
export interface KeyChecked {
  /** Whether a call (with its check) has been sent: a request refused before any is checked by `verify`. */
  readonly sent: boolean;
  /** The check alone, in one call: for a request that made none, so a revoked key is a 401 whatever else is wrong. */
  verify(): Promise<void>;
}
