import type { Metrics, MetricsInput } from "./metrics";
import type { NewPipeline, Pipeline, PipelinePatch, PipelineReplacement } from "./pipeline";

/**
 * The storage port of the registry. Two implementations keep the same contract
 * (test/contract): D1 through Drizzle, and an in-memory model. Every write is atomic, and
 * failures are the typed errors of ./errors: NotFoundError, ConflictError (taken name,
 * archived pipeline), VersionMismatchError (stale expectedVersion), ValidationError.
 */

export type ArchivedFilter = "false" | "true" | "all";
export type SortField = "name" | "createdAt" | "updatedAt";

export interface Sort {
  field: SortField;
  descending: boolean;
}

/** Position of the last row of a page: the sort field's value and the id tie-break. */
export interface Keyset {
  value: string;
  id: string;
}

export interface PipelineFilter {
  archived: ArchivedFilter;
  name?: string;
  /** Configuration entries that must all be present with exactly these values. */
  config: ReadonlyArray<readonly [key: string, value: string]>;
}

export interface ListQuery extends PipelineFilter {
  sort: Sort;
  limit: number;
  /** Keyset paging: rows strictly after this position. */
  after?: Keyset;
  /** Offset paging, the simple alternative to `after`. */
  offset?: number;
}

export interface Page {
  items: Pipeline[];
  /** Where the next page starts, or null on the last page. */
  next: Keyset | null;
}

export interface WriteOptions {
  /** When set, the write happens only if the stored version equals it. */
  expectedVersion?: number;
}

/**
 * An `Idempotency-Key` claim on a create: the first request with (scope, key) creates and
 * stores `record(created)`; a later one with the same key finds that record instead of
 * creating anything. Claim and creation are one atomic write.
 */
export interface IdempotencyClaim {
  scope: string;
  key: string;
  /** Identifies the request the key was first used with. */
  fingerprint: string;
  expiresAt: string;
  /** What to keep for replays (the HTTP layer stores the response), given what was created. */
  record: (created: Pipeline[]) => string;
}

export type IdempotentOutcome =
  | { kind: "created"; pipelines: Pipeline[] }
  | { kind: "claimed-before"; fingerprint: string; record: string };

export interface PipelineRepository {
  save(input: NewPipeline): Promise<Pipeline>;
  /** All or nothing. */
  saveMany(inputs: NewPipeline[]): Promise<Pipeline[]>;
  /** saveMany under an idempotency claim: creates only if the key is free (or expired). */
  saveManyOnce(inputs: NewPipeline[], claim: IdempotencyClaim): Promise<IdempotentOutcome>;
  findById(id: string): Promise<Pipeline | null>;
  /** The active pipeline with this name. */
  findByName(name: string): Promise<Pipeline | null>;
  /** Replace name, configuration and stages (stages carrying an existing id keep it and its createdAt). */
  update(id: string, input: PipelineReplacement, options?: WriteOptions): Promise<Pipeline>;
  /** Merge-patch name and configuration. */
  patch(id: string, input: PipelinePatch, options?: WriteOptions): Promise<Pipeline>;
  delete(id: string, options?: WriteOptions): Promise<void>;
  /** Idempotent: archiving an archived pipeline returns it unchanged. */
  archive(id: string, options?: WriteOptions): Promise<Pipeline>;
  /** Idempotent; a ConflictError if an active pipeline now has its name. */
  restore(id: string, options?: WriteOptions): Promise<Pipeline>;
  exists(id: string): Promise<boolean>;
  count(filter: PipelineFilter): Promise<number>;
  list(query: ListQuery): Promise<Page>;
  listArchived(query: Omit<ListQuery, "archived">): Promise<Page>;
  findByConfig(config: PipelineFilter["config"], query: Omit<ListQuery, "config">): Promise<Page>;
  /** Null when none were recorded; a NotFoundError for an unknown pipeline. */
  getMetrics(pipelineId: string): Promise<Metrics | null>;
  /** A NotFoundError for an unknown pipeline, a ConflictError for an archived one. */
  putMetrics(pipelineId: string, input: MetricsInput): Promise<Metrics>;
}
