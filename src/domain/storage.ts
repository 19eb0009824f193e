import type { ApiKey, NewApiKey, Scope } from "./api-key";
import type { ArchiveBatch, ArchiveRun, PendingArchiveRun } from "./archive-run";
import type { WriteContext } from "./history";
import type { PipelineRepository } from "./repository";
import type { AttemptOutcome, DeliveryStatus, WebhookDelivery, WebhookEndpoint, WebhookPatch, WebhookType } from "./webhook";
import type { NewWorkspace, Workspace, WorkspacePage, WorkspaceQuery, WorkspaceWithCount } from "./workspace";

/**
 * Everything the API stores, as one request sees it. Each backend (D1, PostgreSQL;
 * src/storage/open-storage.ts picks) implements all of it, every method one database round trip.
 * Rows are reached through one workspace's stores only (`workspace(id)`): each of their calls
 * checks, in its own round trip, that the workspace exists, and a workspace that does not is a
 * NotFoundError (`workspaceNotFound`) whatever the call.
 */
export interface Storage {
  /** One workspace's stores; nothing they read or write belongs to another. */
  workspace(id: string): WorkspaceStorage;
  /** The operator's view: the workspaces themselves. */
  workspaces: WorkspaceStore;
  /** The active key with this hash, in whichever workspace: how a key of the old format (no id in it) is identified. */
  findKeyByHash(keyHash: string): Promise<FoundKey | null>;
  /** A round trip that touches no table: liveness. */
  ping(): Promise<void>;
}

/** What one workspace stores. */
export interface WorkspaceStorage {
  pipelines: PipelineRepository;
  apiKeys: ApiKeyStore;
  archiveRuns: ArchiveRunStore;
  webhooks: WebhookStore;
  /** The workspace itself, with its pipeline count. */
  describe(): Promise<WorkspaceWithCount>;
}

/** How far a workspace's deletion has got. */
export type DeletionProgress = "deleted" | "more";

export interface WorkspaceStore {
  /** A ConflictError when the id is taken (by a workspace, or by one still being deleted). */
  create(input: NewWorkspace, now: Date): Promise<Workspace>;
  /** By id. */
  list(query: WorkspaceQuery): Promise<WorkspacePage>;
  /**
   * One bounded step of deleting a workspace and every row it owns. The first step makes it
   * unreachable at once (its keys refused, its paths 404); each step deletes at most a bounded
   * number of rows, and the last one removes the workspace itself, after which the id is free.
   * A step that fails changes nothing, and the next one resumes. A NotFoundError for an id that
   * is neither a workspace nor one being deleted.
   */
  deleteStep(id: string, now: Date): Promise<DeletionProgress>;
  /** Up to `limit` ids of workspaces whose deletion was begun and not finished (the archive job finishes them). */
  unfinishedDeletions(limit: number): Promise<string[]>;
  /** Workspaces with an active pipeline updated before `cutoff`, by id after `after`: where the archive job has work. */
  withStalePipelines(cutoff: string, query: WorkspaceQuery): Promise<string[]>;
  /** Workspaces with a webhook outbox row made before `cutoff` whose message was never sent, by id after `after`. */
  withUnsentWebhooks(cutoff: Date, query: WorkspaceQuery): Promise<string[]>;
  /** Deletes audit events and change events recorded before `cutoff`, in every workspace. */
  pruneAuditEvents(cutoff: string): Promise<void>;
}

export interface ApiKeyStore {
  /** Creates a key with its audit event; the plain key is returned here only and never stored. */
  create(input: NewApiKey, now: Date, context: WriteContext): Promise<{ apiKey: ApiKey; key: string }>;
  /** Newest first. */
  list(): Promise<ApiKey[]>;
  /** Revokes at once (only the first revocation is an audit event); false for an unknown id. */
  revoke(id: string, now: Date, context: WriteContext): Promise<boolean>;
}

/** An active key found by its hash, with the workspace it belongs to. */
export interface FoundKey {
  id: string;
  workspace: string;
  scopes: Scope[];
}

export interface ArchiveRunStore {
  /**
   * Archives up to `batchSize` active pipelines updated strictly before the cutoff, oldest
   * first, as a manual archive does (a revision and an event each), records the run and its
   * event, and prunes audit and change events past their retention: atomic, one round trip.
   */
  archiveStale(run: PendingArchiveRun, batch: ArchiveBatch): Promise<ArchiveRun>;
  /** Records a run that did not archive (a failed one), with its event. */
  record(run: ArchiveRun, context: WriteContext): Promise<void>;
  /** The most recent runs, newest first; `limit` is kept within 1 to 100. */
  list(limit: number): Promise<ArchiveRun[]>;
}

/** A newest-first page: `next` is the position the next page starts before, null on the last. */
export interface NewestFirstPage<T> {
  items: T[];
  next: number | null;
}

/** One event for one endpoint: an outbox row, and the body of its queue message (with the workspace). */
export interface OutboxKey {
  endpoint: string;
  event: string;
}

/** What a delivery attempt needs, read in one call: the endpoint as it now is, and the body to send. */
export interface PendingDelivery {
  url: string;
  status: WebhookEndpoint["status"];
  /** The current secret, then the previous one while it still signs. */
  secrets: string[];
  failingSince: number | null;
  /** The outbox row's status: a delivery that succeeded is not sent again. */
  outboxStatus: DeliveryStatus;
  /** `{type, timestamp, data}` as JSON. */
  body: string;
}

/**
 * A workspace's webhook endpoints. Each change of an endpoint records its audit event
 * (`webhook.*`, resource `webhook`) in the same write, and only when it did change one.
 */
export interface WebhookStore {
  /** A QuotaExceededError when the workspace already holds MAX_WEBHOOKS endpoints: nothing is written. */
  create(
    input: { id: string; url: string; types: WebhookType[]; description: string | null; secret: string },
    now: Date,
    context: WriteContext,
  ): Promise<WebhookEndpoint>;
  /** Newest first; `before` is a position from an earlier page. */
  list(query: { limit: number; before?: number }): Promise<NewestFirstPage<WebhookEndpoint>>;
  /** With its newest delivery attempt; null for an unknown id. */
  get(id: string): Promise<(WebhookEndpoint & { lastDelivery: WebhookDelivery | null }) | null>;
  /** Enabling clears why it was disabled and its failures; null for an unknown id. */
  update(id: string, patch: WebhookPatch, now: Date, context: WriteContext): Promise<WebhookEndpoint | null>;
  /** With its outbox rows and deliveries: nothing more is delivered. False for an unknown id. */
  delete(id: string, now: Date, context: WriteContext): Promise<boolean>;
  /** The new secret signs from now on; the old one too until `previousUntil`. Null for an unknown id. */
  rotateSecret(
    id: string,
    secret: { secret: string; previousUntil: Date },
    now: Date,
    context: WriteContext,
  ): Promise<WebhookEndpoint | null>;
  /** Puts a `webhook.ping` event with id `eventId` into the endpoint's outbox; false for an unknown id. */
  ping(id: string, eventId: string, now: Date): Promise<boolean>;
  /** An endpoint's attempts, newest first; null for an unknown endpoint. */
  deliveries(id: string, query: { limit: number; before?: number }): Promise<NewestFirstPage<WebhookDelivery> | null>;
  /** Up to `limit` outbox rows whose message was not sent, made before `before` when given. */
  unsent(limit: number, before?: Date): Promise<OutboxKey[]>;
  markSent(keys: OutboxKey[], now: Date): Promise<void>;
  /** The endpoint and body of an outbox row, its secrets as they sign at `now`; null when the row or its endpoint is gone. */
  pending(key: OutboxKey, now: Date): Promise<PendingDelivery | null>;
  /**
   * Records an attempt and what it leads to, in one write: the delivery row, the outbox row's
   * status, the endpoint's failures (cleared by a success, begun by a first failure) and its
   * disabling (`disable`), whose `webhook.disabled` event (actor SYSTEM) only the attempt that
   * turns an enabled endpoint into a disabled one records.
   */
  recordAttempt(key: OutboxKey, attempt: AttemptRecord, now: Date): Promise<void>;
}

export interface AttemptRecord extends AttemptOutcome {
  id: string;
  attempt: number;
  status: DeliveryStatus;
  disable?: "gone" | "failing";
}
