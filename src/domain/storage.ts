import type { ApiKey, NewApiKey } from "./api-key";
import type { ArchiveBatch, ArchiveRun, PendingArchiveRun } from "./archive-run";
import type { WriteContext } from "./history";
import type { PipelineRepository } from "./repository";

/**
 * Everything the API stores, as one request sees it: the pipelines' repository beside API
 * keys and archive runs. Each backend (D1, PostgreSQL; src/storage/open-storage.ts picks)
 * implements all of it, every method one database round trip.
 */
export interface Storage {
  pipelines: PipelineRepository;
  apiKeys: ApiKeyStore;
  archiveRuns: ArchiveRunStore;
  /** A round trip that touches no table: liveness. */
  ping(): Promise<void>;
}

export interface ApiKeyStore {
  /** Creates a key with its audit event; the plain key is returned here only and never stored. */
  create(input: NewApiKey, now: Date, context: WriteContext): Promise<{ apiKey: ApiKey; key: string }>;
  /** Newest first. */
  list(): Promise<ApiKey[]>;
  /** Revokes at once (only the first revocation is an audit event); false for an unknown id. */
  revoke(id: string, now: Date, context: WriteContext): Promise<boolean>;
  /** The active key with this hash, or null: how a key of the old format (no id in it) is identified. */
  findActive(keyHash: string): Promise<Pick<ApiKey, "id" | "scopes"> | null>;
}

export interface ArchiveRunStore {
  /**
   * Archives up to `batchSize` active pipelines updated strictly before the cutoff, oldest
   * first, as a manual archive does (a revision and an event each), records the run and its
   * event, and prunes audit events past their retention: atomic, one round trip.
   */
  archiveStale(run: PendingArchiveRun, batch: ArchiveBatch): Promise<ArchiveRun>;
  /** Records a run that did not archive (a failed one), with its event. */
  record(run: ArchiveRun, context: WriteContext): Promise<void>;
  /** The most recent runs, newest first; `limit` is kept within 1 to 100. */
  list(limit: number): Promise<ArchiveRun[]>;
}
