import { sql } from "drizzle-orm";
import { check, index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { RESOURCE_TYPES } from "../../domain/history";
import { LIMITS, STAGE_TYPES } from "../../domain/pipeline";

export * from "./webhook-schema";
/**
 * The D1 schema. Times are epoch milliseconds (integers sort and compare exactly);
 * the repository turns them into RFC 3339 strings. Every lookup the API makes has an
 * index, and every list sort has one with `id` as the tie-break, with and without the
 * `archived` prefix (for `archived=false|true` and for `archived=all`).
 * Triggers, the pipeline counter and the write guard live in hand-written migrations
 * (see migrations/0001_*.sql): drizzle-kit does not model them.
 *
 * Workspaces (migrations/0008): every row a workspace owns carries its `workspace`, and every
 * index leads with it, so a workspace's reads walk its own part of each index. A pipeline's
 * stages, parameters, metrics (and their history) and revisions carry it through their pipeline: they are reached
 * only by the pipeline's id, and deleted with it (ON DELETE CASCADE). Rules that stay global
 * are those of random identities (ULIDs, key hashes), never of names. `workspace` has a default
 * only because SQLite adds a NOT NULL column no other way; an insert that left it out would
 * fail the triggers that require a live workspace.
 */

/** Workspaces (docs/workspaces.md): `deleted_at` marks one whose deletion has begun, unreachable from then on. */
export const workspaces = sqliteTable("workspaces", {
  id: text("id").primaryKey(),
  displayName: text("display_name").notNull(),
  createdAt: integer("created_at").notNull(),
  deletedAt: integer("deleted_at"),
});
const workspaceColumn = () => text("workspace").notNull().default("default");

export const pipelines = sqliteTable(
  "pipelines",
  {
    id: text("id").primaryKey(),
    workspace: workspaceColumn(),
    name: text("name").notNull(),
    archived: integer("archived", { mode: "boolean" }).notNull().default(false),
    version: integer("version").notNull().default(1),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("pipelines_active_name_key").on(t.workspace, t.name).where(sql`archived = 0`),
    index("pipelines_archived_name_idx").on(t.workspace, t.archived, t.name, t.id),
    index("pipelines_archived_created_idx").on(t.workspace, t.archived, t.createdAt, t.id),
    index("pipelines_archived_updated_idx").on(t.workspace, t.archived, t.updatedAt, t.id),
    index("pipelines_name_idx").on(t.workspace, t.name, t.id),
    index("pipelines_created_idx").on(t.workspace, t.createdAt, t.id),
    index("pipelines_updated_idx").on(t.workspace, t.updatedAt, t.id),
    check("pipelines_version_positive", sql`version >= 1`),
  ],
);

export const pipelineStages = sqliteTable(
  "pipeline_stages",
  {
    id: text("id").primaryKey(),
    pipelineId: text("pipeline_id")
      .notNull()
      .references(() => pipelines.id, { onDelete: "cascade" }),
    position: integer("position").notNull(),
    name: text("name").notNull(),
    stageType: text("stage_type", { enum: STAGE_TYPES }).notNull(),
    algorithm: text("algorithm").notNull(),
    enabled: integer("enabled", { mode: "boolean" }).notNull().default(true),
    parallelProcessing: integer("parallel_processing", { mode: "boolean" }).notNull().default(false),
    chunkSize: integer("chunk_size"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    index("pipeline_stages_pipeline_position_idx").on(t.pipelineId, t.position),
    // sql.raw: the constants are written into the constraint's text, as the migrations have them.
    check("pipeline_stages_type_known", sql`stage_type IN (${sql.raw(STAGE_TYPES.map((type) => `'${type}'`).join(", "))})`),
    check("pipeline_stages_position_range", sql`position BETWEEN 0 AND ${sql.raw(String(LIMITS.stages - 1))}`),
  ],
);

export const stageParameters = sqliteTable(
  "stage_parameters",
  {
    stageId: text("stage_id")
      .notNull()
      .references(() => pipelineStages.id, { onDelete: "cascade" }),
    key: text("key").notNull(),
    value: text("value").notNull(),
  },
  (t) => [primaryKey({ columns: [t.stageId, t.key] })],
);

/**
 * Configuration entries, with copies of their pipeline's list keys (`pipeline_*`), kept by
 * triggers (migrations/0004), so that a `config.<key>=<value>` listing walks one index in
 * the page's order: each filter/sort pair has an index ending in the id tie-break, with and
 * without the `archived` prefix, like the pipelines' own. The copies are nullable without a
 * default: the inserts leave them out (drizzle writes NULL, binding no parameter) and the
 * insert trigger fills them in at once.
 */
export const pipelineConfiguration = sqliteTable(
  "pipeline_configuration",
  {
    pipelineId: text("pipeline_id")
      .notNull()
      .references(() => pipelines.id, { onDelete: "cascade" }),
    key: text("key").notNull(),
    value: text("value").notNull(),
    pipelineWorkspace: text("pipeline_workspace"),
    pipelineArchived: integer("pipeline_archived", { mode: "boolean" }),
    pipelineName: text("pipeline_name"),
    pipelineCreatedAt: integer("pipeline_created_at"),
    pipelineUpdatedAt: integer("pipeline_updated_at"),
  },
  (t) => [
    primaryKey({ columns: [t.pipelineId, t.key] }),
    index("pipeline_configuration_archived_name_idx").on(
      t.pipelineWorkspace,
      t.key,
      t.value,
      t.pipelineArchived,
      t.pipelineName,
      t.pipelineId,
    ),
    index("pipeline_configuration_archived_created_idx").on(
      t.pipelineWorkspace,
      t.key,
      t.value,
      t.pipelineArchived,
      t.pipelineCreatedAt,
      t.pipelineId,
    ),
    index("pipeline_configuration_archived_updated_idx").on(
      t.pipelineWorkspace,
      t.key,
      t.value,
      t.pipelineArchived,
      t.pipelineUpdatedAt,
      t.pipelineId,
    ),
    index("pipeline_configuration_name_idx").on(t.pipelineWorkspace, t.key, t.value, t.pipelineName, t.pipelineId),
    index("pipeline_configuration_created_idx").on(t.pipelineWorkspace, t.key, t.value, t.pipelineCreatedAt, t.pipelineId),
    index("pipeline_configuration_updated_idx").on(t.pipelineWorkspace, t.key, t.value, t.pipelineUpdatedAt, t.pipelineId),
  ],
);

/** The members of a recorded metrics, as the latest one and each one of the history keep them. */
const metricsColumns = () => ({
  bytesProcessed: integer("bytes_processed").notNull(),
  bytesTotal: integer("bytes_total").notNull(),
  chunksProcessed: integer("chunks_processed").notNull(),
  chunksTotal: integer("chunks_total").notNull(),
  startTime: integer("start_time"),
  endTime: integer("end_time"),
  processingDurationMs: integer("processing_duration_ms").notNull(),
  throughputBytesPerSecond: real("throughput_bytes_per_second").notNull(),
  compressionRatio: real("compression_ratio"),
  errorCount: integer("error_count").notNull(),
  warningCount: integer("warning_count").notNull(),
  inputFileSizeBytes: integer("input_file_size_bytes").notNull(),
  outputFileSizeBytes: integer("output_file_size_bytes").notNull(),
  inputFileChecksum: text("input_file_checksum"),
  outputFileChecksum: text("output_file_checksum"),
  updatedAt: integer("updated_at").notNull(),
});

export const processingMetrics = sqliteTable("processing_metrics", {
  pipelineId: text("pipeline_id")
    .primaryKey()
    .references(() => pipelines.id, { onDelete: "cascade" }),
  ...metricsColumns(),
});

/**
 * The metrics history: every recorded metrics, `seq` the order of recording (the page position),
 * at most METRICS_KEEP per pipeline (the write that adds one prunes the oldest); deleted with its pipeline.
 */
export const metricsHistory = sqliteTable(
  "metrics_history",
  {
    seq: integer("seq").primaryKey({ autoIncrement: true }),
    pipelineId: text("pipeline_id")
      .notNull()
      .references(() => pipelines.id, { onDelete: "cascade" }),
    ...metricsColumns(),
  },
  (t) => [index("metrics_history_pipeline_idx").on(t.pipelineId, t.seq)],
);

/** Row counts per workspace and `archived` value, kept by triggers so an unfiltered count reads one or two rows. */
export const pipelineCounts = sqliteTable(
  "pipeline_counts",
  {
    workspace: text("workspace").notNull(),
    archived: integer("archived", { mode: "boolean" }).notNull(),
    total: integer("total").notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspace, t.archived] })],
);

/** API keys: only the SHA-256 of the key is stored; `prefix` lets people tell keys apart. */
export const apiKeys = sqliteTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    workspace: workspaceColumn(),
    name: text("name").notNull(),
    /** Space-separated scopes: read, write, admin. */
    scopes: text("scopes").notNull(),
    prefix: text("prefix").notNull(),
    keyHash: text("key_hash").notNull().unique("api_keys_key_hash_key"),
    createdAt: integer("created_at").notNull(),
    revokedAt: integer("revoked_at"),
  },
  (t) => [index("api_keys_workspace_created_idx").on(t.workspace, t.createdAt, t.id)],
);

/** Responses kept for `Idempotency-Key` replays, per caller (`scope`) and key, for 24 hours. */
export const idempotencyKeys = sqliteTable(
  "idempotency_keys",
  {
    workspace: text("workspace").notNull(),
    scope: text("scope").notNull(),
    key: text("key").notNull(),
    /** SHA-256 of the request (method, path, body) the key was first used with. */
    fingerprint: text("fingerprint").notNull(),
    /** The request that owns the row; the batch that inserted it writes only if it still matches. */
    nonce: text("nonce").notNull(),
    /** The response to replay, as JSON: status, headers, body. */
    response: text("response").notNull(),
    createdAt: integer("created_at").notNull(),
    expiresAt: integer("expires_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspace, t.scope, t.key] }), index("idempotency_keys_expires_idx").on(t.workspace, t.expiresAt)],
);

/** One row per run of the archive job, from cron or from POST /v1/workspaces/{workspace}/archive-runs. */
export const archiveRuns = sqliteTable(
  "archive_runs",
  {
    id: text("id").primaryKey(),
    workspace: workspaceColumn(),
    trigger: text("trigger", { enum: ["cron", "manual"] }).notNull(),
    cutoff: integer("cutoff").notNull(),
    archivedCount: integer("archived_count").notNull(),
    status: text("status", { enum: ["succeeded", "failed"] }).notNull(),
    startedAt: integer("started_at").notNull(),
    finishedAt: integer("finished_at").notNull(),
    error: text("error"),
  },
  (t) => [
    index("archive_runs_started_idx").on(t.workspace, t.startedAt, t.id),
    check("archive_runs_trigger_known", sql`"trigger" IN ('cron', 'manual')`),
    check("archive_runs_status_known", sql`status IN ('succeeded', 'failed')`),
  ],
);

/**
 * Revisions: each version of a pipeline as the API answered it (`pipeline`, the projection's
 * JSON), recorded in the same batch as the change, so version n has exactly one revision n
 * (the primary key). Deleted with their pipeline. `write_id` names the write that recorded the
 * revision (never shown): the write's audit events are inserted from its own revisions.
 */
export const pipelineRevisions = sqliteTable(
  "pipeline_revisions",
  {
    pipelineId: text("pipeline_id")
      .notNull()
      .references(() => pipelines.id, { onDelete: "cascade" }),
    version: integer("version").notNull(),
    change: text("change", { enum: ["created", "replaced", "patched", "archived", "restored", "rolledBack"] }).notNull(),
    actorType: text("actor_type", { enum: ["admin", "apiKey", "system"] }).notNull(),
    actorId: text("actor_id"),
    requestId: text("request_id").notNull(),
    changedAt: integer("changed_at").notNull(),
    pipeline: text("pipeline").notNull(),
    writeId: text("write_id").notNull(),
  },
  (t) => [primaryKey({ columns: [t.pipelineId, t.version] })],
);

/**
 * The audit log: one row per change (by the API, the archive job or a webhook delivery), in the same batch
 * as the change. `seq` is the order of commit (D1 runs one write at a time); `id` is the event's public id.
 */
export const auditEvents = sqliteTable(
  "audit_events",
  {
    seq: integer("seq").primaryKey({ autoIncrement: true }),
    id: text("id").notNull().unique("audit_events_id_key"),
    workspace: workspaceColumn(),
    at: integer("at").notNull(),
    action: text("action").notNull(),
    actorType: text("actor_type", { enum: ["admin", "apiKey", "system"] }).notNull(),
    actorId: text("actor_id"),
    resourceType: text("resource_type", { enum: RESOURCE_TYPES }).notNull(),
    resourceId: text("resource_id").notNull(),
    version: integer("version"),
    requestId: text("request_id").notNull(),
  },
  (t) => [
    index("audit_events_workspace_idx").on(t.workspace, t.seq),
    index("audit_events_resource_idx").on(t.workspace, t.resourceId, t.seq),
    index("audit_events_action_idx").on(t.workspace, t.action, t.seq),
    index("audit_events_actor_idx").on(t.workspace, t.actorId, t.seq),
    index("audit_events_at_idx").on(t.at),
  ],
);

/**
 * Change events (docs/events.md): one row per change of a pipeline, in the same batch as the
 * change and its audit event (whose id it takes), with the pipeline as GET answers it after the
 * change (null after a delete). `seq` is the order of commit (an autoincrement: D1 runs one write
 * at a time, and AUTOINCREMENT never hands a seq out twice, even after the rows are deleted), and
 * the feed's position. Kept as long as the audit log keeps its events; deleted with the workspace.
 */
export const changeEvents = sqliteTable(
  "change_events",
  {
    seq: integer("seq").primaryKey({ autoIncrement: true }),
    id: text("id").notNull(),
    workspace: workspaceColumn(),
    type: text("type").notNull(),
    at: integer("at").notNull(),
    actorType: text("actor_type", { enum: ["admin", "apiKey", "system"] }).notNull(),
    actorId: text("actor_id"),
    requestId: text("request_id").notNull(),
    resourceType: text("resource_type", { enum: ["pipeline"] }).notNull(),
    resourceId: text("resource_id").notNull(),
    version: integer("version"),
    /** The projection's JSON (../d1/projection.ts), or NULL after a delete. */
    pipeline: text("pipeline"),
  },
  (t) => [
    uniqueIndex("change_events_id_key").on(t.workspace, t.id),
    index("change_events_workspace_idx").on(t.workspace, t.seq),
    index("change_events_type_idx").on(t.workspace, t.type, t.seq),
    index("change_events_resource_idx").on(t.workspace, t.resourceId, t.seq),
    index("change_events_at_idx").on(t.workspace, t.at),
  ],
);

/**
 * Each workspace's feed beside its events: `pruned_through` is the highest seq retention has
 * pruned, so a cursor before it is known to have missed events (410). Made by the first pruning.
 */
export const changeFeeds = sqliteTable("change_feeds", {
  workspace: text("workspace").primaryKey(),
  prunedThrough: integer("pruned_through").notNull().default(0),
});
