import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  check,
  customType,
  doublePrecision,
  index,
  integer,
  json,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import { RESOURCE_TYPES } from "../../domain/history";
import { LIMITS, STAGE_TYPES } from "../../domain/pipeline";

export * from "./webhook-schema";

/**
 * The PostgreSQL schema: the same tables as the D1 one (../d1/schema.ts), in PostgreSQL's own
 * types. Times are `timestamptz(3)` (milliseconds, as the API shows them); names sort by code
 * point (`COLLATE "C"`), as SQLite's BINARY does, so pages come in the same order on both
 * backends. Writes are PL/pgSQL functions, and the counter trigger is one too, in functions/ (applied after
 * the migrations by scripts/postgres.ts): drizzle-kit does not model them.
 */

/** Text compared by code point, whatever the database's locale. */
const codePointText = customType<{ data: string }>({ dataType: () => 'text COLLATE "C"' });

const at = (name: string) => timestamp(name, { precision: 3, withTimezone: true, mode: "string" });

/**
 * Workspaces (docs/workspaces.md): `deleted_at` marks one whose deletion has begun, unreachable
 * from then on. Every table that carries a `workspace` refuses a row for a workspace that is not
 * live (the trigger of src/storage/postgres/functions/workspaces.sql), and every index on those
 * tables leads with it. Ids sort by code point, as on D1, so the list pages alike.
 */
export const workspaces = pgTable("workspaces", {
  id: codePointText("id").primaryKey(),
  displayName: text("display_name").notNull(),
  createdAt: at("created_at").notNull(),
  deletedAt: at("deleted_at"),
});

/** The owning workspace: no default (the migration that brought workspaces filled it with `default`). */
const workspaceColumn = () => codePointText("workspace").notNull();

export const pipelines = pgTable(
  "pipelines",
  {
    id: text("id").primaryKey(),
    workspace: workspaceColumn(),
    name: codePointText("name").notNull(),
    archived: boolean("archived").notNull().default(false),
    version: integer("version").notNull().default(1),
    createdAt: at("created_at").notNull(),
    updatedAt: at("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("pipelines_active_name_key").on(t.workspace, t.name).where(sql`NOT archived`),
    index("pipelines_archived_name_idx").on(t.workspace, t.archived, t.name, t.id),
    index("pipelines_archived_created_idx").on(t.workspace, t.archived, t.createdAt, t.id),
    index("pipelines_archived_updated_idx").on(t.workspace, t.archived, t.updatedAt, t.id),
    index("pipelines_name_idx").on(t.workspace, t.name, t.id),
    index("pipelines_created_idx").on(t.workspace, t.createdAt, t.id),
    index("pipelines_updated_idx").on(t.workspace, t.updatedAt, t.id),
    check("pipelines_version_positive", sql`version >= 1`),
  ],
);

export const pipelineStages = pgTable(
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
    enabled: boolean("enabled").notNull().default(true),
    parallelProcessing: boolean("parallel_processing").notNull().default(false),
    chunkSize: integer("chunk_size"),
    createdAt: at("created_at").notNull(),
    updatedAt: at("updated_at").notNull(),
  },
  (t) => [
    index("pipeline_stages_pipeline_position_idx").on(t.pipelineId, t.position),
    check("pipeline_stages_type_known", sql`stage_type IN (${sql.raw(STAGE_TYPES.map((type) => `'${type}'`).join(", "))})`),
    check("pipeline_stages_position_range", sql`position BETWEEN 0 AND ${sql.raw(String(LIMITS.stages - 1))}`),
  ],
);

export const stageParameters = pgTable(
  "stage_parameters",
  {
    stageId: text("stage_id")
      .notNull()
      .references(() => pipelineStages.id, { onDelete: "cascade" }),
    key: codePointText("key").notNull(),
    value: text("value").notNull(),
  },
  (t) => [primaryKey({ columns: [t.stageId, t.key] })],
);

/** Configuration entries; `config.<key>=<value>` filters find their pipelines through (key, value). */
export const pipelineConfiguration = pgTable(
  "pipeline_configuration",
  {
    pipelineId: text("pipeline_id")
      .notNull()
      .references(() => pipelines.id, { onDelete: "cascade" }),
    key: codePointText("key").notNull(),
    value: text("value").notNull(),
  },
  (t) => [primaryKey({ columns: [t.pipelineId, t.key] }), index("pipeline_configuration_entry_idx").on(t.key, t.value, t.pipelineId)],
);

const counter = (name: string) => bigint(name, { mode: "number" });

/** The members of a recorded metrics, as the latest one and each one of the history keep them. */
const metricsColumns = () => ({
  bytesProcessed: counter("bytes_processed").notNull(),
  bytesTotal: counter("bytes_total").notNull(),
  chunksProcessed: counter("chunks_processed").notNull(),
  chunksTotal: counter("chunks_total").notNull(),
  startTime: at("start_time"),
  endTime: at("end_time"),
  processingDurationMs: counter("processing_duration_ms").notNull(),
  throughputBytesPerSecond: doublePrecision("throughput_bytes_per_second").notNull(),
  compressionRatio: doublePrecision("compression_ratio"),
  errorCount: counter("error_count").notNull(),
  warningCount: counter("warning_count").notNull(),
  inputFileSizeBytes: counter("input_file_size_bytes").notNull(),
  outputFileSizeBytes: counter("output_file_size_bytes").notNull(),
  inputFileChecksum: text("input_file_checksum"),
  outputFileChecksum: text("output_file_checksum"),
  updatedAt: at("updated_at").notNull(),
});

export const processingMetrics = pgTable("processing_metrics", {
  pipelineId: text("pipeline_id")
    .primaryKey()
    .references(() => pipelines.id, { onDelete: "cascade" }),
  ...metricsColumns(),
});

/**
 * The metrics history: every recorded metrics, `seq` the order of recording (the page position),
 * at most METRICS_KEEP per pipeline (the write that adds one prunes the oldest); deleted with its pipeline.
 */
export const metricsHistory = pgTable(
  "metrics_history",
  {
    seq: bigint("seq", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    pipelineId: text("pipeline_id")
      .notNull()
      .references(() => pipelines.id, { onDelete: "cascade" }),
    ...metricsColumns(),
  },
  (t) => [index("metrics_history_pipeline_idx").on(t.pipelineId, t.seq)],
);

/**
 * Row counts per workspace and `archived` value, kept by a trigger so an unfiltered count (and
 * the quota) reads one or two rows. A workspace's two rows are made with it and deleted last.
 */
export const pipelineCounts = pgTable(
  "pipeline_counts",
  {
    workspace: workspaceColumn(),
    archived: boolean("archived").notNull(),
    total: bigint("total", { mode: "number" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspace, t.archived] })],
);

/** API keys: only the SHA-256 of the key is stored; `prefix` lets people tell keys apart. */
export const apiKeys = pgTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    workspace: workspaceColumn(),
    name: text("name").notNull(),
    /** Space-separated scopes: read, write, admin. */
    scopes: text("scopes").notNull(),
    prefix: text("prefix").notNull(),
    keyHash: text("key_hash").notNull().unique("api_keys_key_hash_key"),
    createdAt: at("created_at").notNull(),
    revokedAt: at("revoked_at"),
  },
  (t) => [index("api_keys_workspace_created_idx").on(t.workspace, t.createdAt, t.id)],
);

/** Responses kept for `Idempotency-Key` replays, per workspace, caller (`scope`) and key, for 24 hours. */
export const idempotencyKeys = pgTable(
  "idempotency_keys",
  {
    workspace: workspaceColumn(),
    scope: text("scope").notNull(),
    key: text("key").notNull(),
    fingerprint: text("fingerprint").notNull(),
    nonce: text("nonce").notNull(),
    response: text("response").notNull(),
    createdAt: at("created_at").notNull(),
    expiresAt: at("expires_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspace, t.scope, t.key] }), index("idempotency_keys_expires_idx").on(t.workspace, t.expiresAt)],
);

export const archiveRuns = pgTable(
  "archive_runs",
  {
    id: text("id").primaryKey(),
    workspace: workspaceColumn(),
    trigger: text("trigger", { enum: ["cron", "manual"] }).notNull(),
    cutoff: at("cutoff").notNull(),
    archivedCount: integer("archived_count").notNull(),
    status: text("status", { enum: ["succeeded", "failed"] }).notNull(),
    startedAt: at("started_at").notNull(),
    finishedAt: at("finished_at").notNull(),
    error: text("error"),
  },
  (t) => [
    index("archive_runs_started_idx").on(t.workspace, t.startedAt, t.id),
    check("archive_runs_trigger_known", sql`"trigger" IN ('cron', 'manual')`),
    check("archive_runs_status_known", sql`status IN ('succeeded', 'failed')`),
  ],
);

/**
 * Revisions: each version as the API answered it. `json` (not `jsonb`) keeps the text as the
 * projection wrote it, members in the API's order.
 */
export const pipelineRevisions = pgTable(
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
    changedAt: at("changed_at").notNull(),
    pipeline: json("pipeline").notNull(),
  },
  (t) => [primaryKey({ columns: [t.pipelineId, t.version] })],
);

/**
 * The audit log. `seq` is the order of commit: every write takes the same transaction-level
 * advisory lock before it records anything (src/storage/postgres/functions/), so sequence numbers are
 * handed out in the order the writes commit, as D1's one-writer-at-a-time gives.
 */
export const auditEvents = pgTable(
  "audit_events",
  {
    seq: bigint("seq", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    id: text("id").notNull().unique("audit_events_id_key"),
    workspace: workspaceColumn(),
    at: at("at").notNull(),
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
    // Retention prunes every workspace at once (the archive job).
    index("audit_events_at_idx").on(t.at),
  ],
);

/**
 * Change events (docs/events.md), as on D1. `seq` comes from the column's sequence, but only after
 * the write has locked its workspace's feed row (registry_lock_feed, functions/history.sql), which
 * it holds to its commit: a sequence alone hands numbers out in the order transactions ask, not
 * the order they commit, and a consumer paging past a lower seq that commits later would miss it.
 * Under the lock a workspace's seqs are handed out in the order its writes commit. The sequence
 * is shared by every workspace, so seqs never start again (a workspace made again under an old
 * id starts above any cursor of the old one).
 */
export const changeEvents = pgTable(
  "change_events",
  {
    seq: bigint("seq", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    id: text("id").notNull(),
    workspace: workspaceColumn(),
    type: text("type").notNull(),
    at: at("at").notNull(),
    actorType: text("actor_type", { enum: ["admin", "apiKey", "system"] }).notNull(),
    actorId: text("actor_id"),
    requestId: text("request_id").notNull(),
    resourceType: text("resource_type", { enum: ["pipeline"] }).notNull(),
    resourceId: text("resource_id").notNull(),
    version: integer("version"),
    /** The projection (registry_pipeline_json), or NULL after a delete. */
    pipeline: json("pipeline"),
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
 * Each workspace's feed: the row every write that makes change events locks first (the order of
 * commit), and `pruned_through`, the highest seq retention has pruned (a cursor before it is a 410).
 */
export const changeFeeds = pgTable("change_feeds", {
  workspace: codePointText("workspace").primaryKey(),
  prunedThrough: bigint("pruned_through", { mode: "number" }).notNull().default(0),
});
