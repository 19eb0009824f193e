import type { ChangeEventPage, ChangeEventQuery } from "./events";
import {
  type AuditPage,
  type AuditQuery,
  INTERNAL_WRITE,
  type Revision,
  type RevisionPage,
  type RevisionQuery,
  type WriteContext,
} from "./history";
import type { Metrics, MetricsHistoryPage, MetricsHistoryQuery, MetricsInput } from "./metrics";
import type { NewPipeline, Pipeline, PipelinePatch, PipelineReplacement } from "./pipeline";

/**
 * The storage port of the registry. Three implementations keep the same contract
 * (test/contract): D1, PostgreSQL, and an in-memory model. Every write is atomic, and
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
  readonly items: Pipeline[];
  /** Where the next page starts, or null on the last page. */
  readonly next: Keyset | null;
  /**
   * The items as a JSON array, when the backend has them as text (D1 builds each pipeline's JSON
   * in SQL): an answer takes it as it is, and `items` are parsed only if read (see `pageOfJson`).
   */
  readonly itemsJson?: string;
}

/**
 * Where the page after one ending at `last` starts: its sort value and id, when the backend
 * found more rows than the page holds (it reads `limit + 1`); null on the last page.
 */
export const nextKeyset = (last: Pipeline | undefined, field: SortField, more: boolean): Keyset | null =>
  more && last ? { value: last[field], id: last.id } : null;

/**
 * A page from its items' JSON texts: `items` parsed on first read, `itemsJson` the texts joined,
 * so a list answers with the JSON the database built and never parses a page it only passes
 * on. `itemsJson` is not enumerable, so the page compares and copies like one built from
 * parsed items.
 */
export function pageOfJson(texts: readonly string[], next: Keyset | null): Page {
  let items: Pipeline[] | undefined;
  const page = {
    get items() {
      items ??= texts.map((text) => JSON.parse(text) as Pipeline);
      return items;
    },
    next,
  };
  return Object.defineProperty(page, "itemsJson", { value: `[${texts.join(",")}]` });
}

/**
 * Who writes and for which request: every change records it in its revision and audit event.
 * Left out, the write is the system's (`INTERNAL_WRITE`).
 */
export type WriteMeta = Partial<WriteContext>;

/** The context a write records: the meta given, the system's (`INTERNAL_WRITE`) for what is left out. */
export const writeContextOf = (meta: WriteMeta = {}): WriteContext => ({
  actor: meta.actor ?? INTERNAL_WRITE.actor,
  requestId: meta.requestId ?? INTERNAL_WRITE.requestId,
});

export interface WriteOptions extends WriteMeta {
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
  /** All or nothing. */
  saveMany(inputs: NewPipeline[], meta?: WriteMeta): Promise<Pipeline[]>;
  /** saveMany under an idempotency claim: creates only if the key is free (or expired). */
  saveManyOnce(inputs: NewPipeline[], claim: IdempotencyClaim, meta?: WriteMeta): Promise<IdempotentOutcome>;
  findById(id: string): Promise<Pipeline | null>;
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
  /** Null when none were recorded; a NotFoundError for an unknown pipeline. */
  getMetrics(pipelineId: string): Promise<Metrics | null>;
  /**
   * A NotFoundError for an unknown pipeline, a ConflictError for an archived one. Adds the metrics
   * to the pipeline's history and prunes it to the newest `metricsKeep`, in the same write.
   */
  putMetrics(pipelineId: string, input: MetricsInput, meta?: WriteMeta): Promise<Metrics>;
  /** The metrics history, newest first; a NotFoundError for an unknown pipeline. */
  listMetricsHistory(pipelineId: string, query: MetricsHistoryQuery): Promise<MetricsHistoryPage>;
  /**
   * Makes revision `version`'s name, configuration and stages (with their ids) the current
   * content, as a new version. PUT's rules; a NotFoundError for a version that is not kept.
   */
  rollback(id: string, version: number, options?: WriteOptions): Promise<Pipeline>;
  /** Newest first; a NotFoundError for an unknown pipeline. */
  listRevisions(pipelineId: string, query: RevisionQuery): Promise<RevisionPage>;
  /** The kept revisions among `versions` (at most two: one read or one diff), in no particular order. */
  getRevisions(pipelineId: string, versions: readonly number[]): Promise<Revision[]>;
  /** The pipelines' audit events (API keys and archive runs add theirs), newest first in commit order. */
  listAuditEvents(query: AuditQuery): Promise<AuditPage>;
  /** The change feed (./events.ts), oldest first in commit order; a CursorExpiredError for a position older than what is kept. */
  listChangeEvents(query: ChangeEventQuery): Promise<ChangeEventPage>;
}

/**
 * The operations of the design this registry comes from (save, find by name, list archived,
 * find by configuration), as thin compositions over the port: both implementations share
 * them, and the port stays small.
 */
const ONE: Omit<ListQuery, keyof PipelineFilter> = { sort: { field: "name", descending: false }, limit: 1 };

export async function save(repository: PipelineRepository, input: NewPipeline, meta?: WriteMeta): Promise<Pipeline> {
  const [pipeline] = await repository.saveMany([input], meta);
  if (!pipeline) throw new Error("saveMany returned nothing for one input");
  return pipeline;
}

/** The active pipeline with this name (active names are unique). */
export async function findByName(repository: PipelineRepository, name: string): Promise<Pipeline | null> {
  const { items } = await repository.list({ ...ONE, archived: "false", name, config: [] });
  return items[0] ?? null;
}

export const listArchived = (repository: PipelineRepository, query: Omit<ListQuery, "archived">) =>
  repository.list({ ...query, archived: "true" });

export const findByConfig = (repository: PipelineRepository, config: PipelineFilter["config"], query: Omit<ListQuery, "config">) =>
  repository.list({ ...query, config });
