import type { Storage, WorkspaceStorage } from "../../domain/storage";
import type { Checked, WorkspaceCheck } from "./key-check";

/** What each backend's repository needs to know of the deployment's settings. */
export interface RepositorySettings {
  /** How many of each pipeline's newest revisions are kept (`REVISIONS_KEEP`). */
  revisionsKeep: number;
  /** Pipelines a workspace may hold, archived ones included (`WORKSPACE_MAX_PIPELINES`; `WORKSPACE_DEFAULTS.maxPipelines` when left out). */
  maxPipelines?: number;
  /** Pipelines one step of a workspace's deletion deletes (with all they own). */
  deleteStepPipelines?: number;
}

/** How a request (or a job run) opens storage. */
export interface OpenOptions extends RepositorySettings {
  /** The client's `X-Consistency-Token`, already checked for shape. */
  token?: string;
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
  /** The consistency token after the request's work: D1's bookmark, or PostgreSQL's WAL position. */
  token(): string | undefined;
  /** Ends the request's connection; absent when there is none (D1), so nothing waits on it. */
  readonly close?: () => Promise<void>;
}
