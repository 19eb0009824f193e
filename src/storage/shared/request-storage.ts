import type { Storage, WorkspaceStorage } from "../../domain/storage";
import type { Checked, WorkspaceCheck } from "./key-check";

/** What each backend's repository needs to know of the deployment's settings. */
export interface RepositorySettings {
  /** How many of each pipeline's newest revisions are kept (`REVISIONS_KEEP`). */
  revisionsKeep: number;
  /** How many of each pipeline's newest recorded metrics its history keeps (`METRICS_KEEP`; `METRICS_DEFAULTS.keep` when left out). */
  metricsKeep?: number;
  /** Pipelines a workspace may hold, archived ones included (`WORKSPACE_MAX_PIPELINES`; `WORKSPACE_DEFAULTS.maxPipelines` when left out). */
  maxPipelines?: number;
  /** Pipelines one step of a workspace's deletion deletes (with all they own). */
  deleteStepPipelines?: number;
}

/**
 * How new a state a request must see: at least a backend position (a D1 bookmark, a PostgreSQL
 * WAL position), or at least the primary's newest state when the promise was made ("primary":
 * what a request whose calls came back with no position saw, such as a write refused inside the
 * database, since every write is sent to the primary).
 */
export type Freshness = { readonly position: string } | "primary";

/** How a request (or a job run) opens storage. */
export interface OpenOptions extends RepositorySettings {
  /** What the client's `X-Consistency-Token` promised (the HTTP layer verifies and reads it). */
  token?: Freshness;
  /** GET and HEAD: may be served by a replica. */
  readOnly: boolean;
  /** Called once per database round trip (the access log counts them). */
  onCall?: () => void;
}

/** One request's (or one job run's) view of storage, whichever the backend. */
export interface RequestStorage {
  /** Everything the API stores, over this request's session; a workspace's stores check only that it exists. */
  readonly storage: Storage;
  /** One workspace's stores with `check` in every call, in that call's own round trip. */
  scope(check: WorkspaceCheck): Checked<WorkspaceStorage>;
  /**
   * The freshness of what the request saw, after its work: the position of its last call, or
   * "primary" when that call came back with none (refused inside the database); the freshness it
   * was opened with when it made no call.
   */
  token(): Freshness | undefined;
  /** Ends the request's connection; absent when there is none (D1), so nothing waits on it. */
  readonly close?: () => Promise<void>;
}
