import type { Scope } from "../../domain/api-key";

/**
 * What every database call of one request in a workspace checks, in that call's own round trip
 * (both backends): that the workspace exists and is not being deleted, and for an API key, that
 * the key is active, of this workspace, and holds the scope. The first failure is, in order:
 * an invalid key (401), a missing workspace or a key of another one (the same 404), a missing
 * scope (403).
 */
export interface WorkspaceCheck {
  workspace: string;
  /**
   * `write`: the check aborts the call's write when it fails (D1: a guard at the head of the
   * batch; PostgreSQL: the rows locked until the write commits), so a write with a key revoked,
   * or into a workspace deleted, before it commits never commits. `read`: the check's verdict is
   * read in the same call (a read replica can run no guard) and judged before any row is handed back.
   */
  mode: "read" | "write";
  key?: KeyCheck;
}

/** An API key to check: its row must have this id and hash, be active, and hold a grantor of `scope`. */
export interface KeyCheck {
  id: string;
  /** SHA-256 of the whole key, as stored. */
  hash: string;
  /** The scope the request's route needs. */
  scope: Scope;
}

/** One workspace's storage with the check in every call, as both backends give it. */
export interface Checked<T> {
  readonly storage: T;
  /** Whether a call (with its check) has been sent: a request refused before any is checked by `verify`. */
  readonly sent: boolean;
  /** The check alone, in one call: for a request that made none, so a revoked key is a 401 and a missing workspace a 404 whatever else is wrong. */
  verify(): Promise<void>;
}
