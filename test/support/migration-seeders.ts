/** Rows for every table the migrations know, at each step of test/reliability/migrations.test.ts. */

export type Row = Record<string, string | number | null>;

export interface ColumnInfo {
  name: string;
  type: string;
  notnull: number;
  dflt_value: string | null;
  pk: number;
}

export interface ForeignKey {
  table: string;
  from: string;
  to: string;
}

export const quoteId = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** A ULID-shaped id (so the app can read it back), unique across the whole test. */
let seeds = 0;
export const seedId = (..._where: unknown[]) => `01SEED${String(seeds++).padStart(20, "0")}`;
export const T0 = 1_764_158_400_000; // 2025-11-26T12:00:00Z, beyond 32 bits

/** Latest metrics for the first two of the step's pipelines, as processing_metrics holds them. */
const metricsRows = (parents: Map<string, Row[]>): Row[] =>
  (parents.get("pipelines") ?? []).slice(0, 2).map((p, i) => ({
    pipeline_id: p.id ?? null,
    bytes_processed: 500,
    bytes_total: Number.MAX_SAFE_INTEGER,
    chunks_processed: 1,
    chunks_total: 2,
    start_time: i === 0 ? T0 : null,
    end_time: i === 0 ? T0 + 1500 : null,
    processing_duration_ms: 1500,
    throughput_bytes_per_second: 333.33333333333331,
    compression_ratio: i === 0 ? 0.1 : null,
    error_count: 0,
    warning_count: 2,
    input_file_size_bytes: 1000,
    output_file_size_bytes: 420,
    input_file_checksum: i === 0 ? "sha256:abc" : null,
    output_file_checksum: null,
    updated_at: T0,
  }));

/**
 * Rows for the tables the migrations know today, as their columns are at this step; columns a
 * later migration adds to them are filled by type. `parents` holds rows seeded at this step.
 */
export const SEEDERS: Record<string, (step: number, parents: Map<string, Row[]>) => Row[]> = {
  pipelines: (step) => [
    { id: seedId(step, "pipelines", 0), name: `pipé-${step}-😀`, archived: 0, version: 1, created_at: T0 + step, updated_at: T0 + step },
    {
      id: seedId(step, "pipelines", 1),
      name: `e\u0301 ${step} 'quoted' "double" %_`,
      archived: 1,
      version: 3,
      created_at: T0 - 1,
      updated_at: T0 + 2 ** 33,
    },
    { id: seedId(step, "pipelines", 2), name: `خط ${step}`, archived: 0, version: 7, created_at: 0, updated_at: T0 },
  ],
  pipeline_stages: (step, parents) =>
    (parents.get("pipelines") ?? []).flatMap((p, i) => [
      {
        id: seedId(step, "pipeline_stages", 2 * i),
        pipeline_id: p.id ?? null,
        position: 0,
        name: "compress ✓",
        stage_type: "compression",
        algorithm: "zstd",
        enabled: 1,
        parallel_processing: 0,
        chunk_size: null,
        created_at: T0,
        updated_at: T0 + 1,
      },
      {
        id: seedId(step, "pipeline_stages", 2 * i + 1),
        pipeline_id: p.id ?? null,
        position: 1,
        name: "seal",
        stage_type: "encryption",
        algorithm: "aes-256-gcm",
        enabled: 0,
        parallel_processing: 1,
        chunk_size: 104_857_600,
        created_at: T0,
        updated_at: T0,
      },
    ]),
  stage_parameters: (_, parents) =>
    (parents.get("pipeline_stages") ?? []).flatMap((s) => [
      { stage_id: s.id ?? null, key: "level", value: "3" },
      { stage_id: s.id ?? null, key: "dots.and-dashes_", value: `'%_"\\ 😀 ${"v".repeat(4096 - 12)}` },
    ]),
  pipeline_configuration: (_, parents) =>
    (parents.get("pipelines") ?? []).flatMap((p) => [
      { pipeline_id: p.id ?? null, key: "env", value: "prod" },
      { pipeline_id: p.id ?? null, key: "a.b", value: "50%_off = 'yes' & more" },
    ]),
  processing_metrics: (_, parents) => metricsRows(parents),
  // Two entries for each of those pipelines, above the seqs the migration's copy gave the older ones.
  metrics_history: (step, parents) =>
    metricsRows(parents).flatMap((row, i) => [0, 1].map((j) => ({ ...row, seq: 4000 + 10 * step + 2 * i + j, updated_at: T0 + j }))),
  api_keys: (step) => [
    {
      id: seedId(step, "api_keys", 0),
      name: "reader ✓",
      scopes: "read",
      prefix: "plk_abcdefgh",
      key_hash: `${step}`.padStart(64, "a"),
      created_at: T0,
      revoked_at: null,
    },
    {
      id: seedId(step, "api_keys", 1),
      name: "revoked",
      scopes: "read write admin",
      prefix: "plk_ijklmnop",
      key_hash: `${step}`.padStart(64, "b"),
      created_at: T0,
      revoked_at: T0 + 1,
    },
  ],
  idempotency_keys: (step) => [
    {
      scope: "admin",
      key: `key-${step}`,
      fingerprint: "f".repeat(64),
      nonce: seedId(step, "nonce", 0),
      response: '{"status":201,"headers":{},"body":{"name":"é"}}',
      created_at: T0,
      expires_at: T0 + 86_400_000,
    },
  ],
  // Versions far above the pipelines' own, so the backfill of their current revisions (0007) is checked beside them.
  pipeline_revisions: (step, parents) =>
    (parents.get("pipelines") ?? []).map((p, i) => ({
      pipeline_id: p.id ?? null,
      version: 100 + i,
      change: i === 0 ? "rolledBack" : "patched",
      actor_type: i === 0 ? "apiKey" : "admin",
      actor_id: i === 0 ? seedId(step, "actor", 0) : null,
      request_id: `req-${step}-😀`,
      changed_at: T0 + i,
      pipeline: JSON.stringify({ id: p.id, name: "as it was ✓", configuration: { "a.b": "x" }, stages: [] }),
      write_id: seedId(step, "write", i),
    })),
  audit_events: (step) => [
    {
      seq: 1000 + step,
      id: seedId(step, "audit_events", 0),
      at: T0,
      action: "pipeline.created",
      actor_type: "system",
      actor_id: null,
      resource_type: "pipeline",
      resource_id: seedId(step, "gone", 0),
      version: 1,
      request_id: "r",
    },
    {
      seq: 2000 + step,
      id: seedId(step, "audit_events", 1),
      at: T0 + 1,
      action: "apiKey.revoked",
      actor_type: "apiKey",
      actor_id: seedId(step, "actor", 1),
      resource_type: "apiKey",
      resource_id: seedId(step, "key", 0),
      version: null,
      request_id: "r ✓",
    },
  ],
  change_events: (step) => [
    {
      seq: 3000 + step,
      id: seedId(step, "change_events", 0),
      type: "pipeline.patched",
      at: T0 + 2,
      actor_type: "apiKey",
      actor_id: seedId(step, "actor", 2),
      request_id: `req-${step} ✓`,
      resource_type: "pipeline",
      resource_id: seedId(step, "changed", 0),
      version: 2,
      pipeline: JSON.stringify({ id: seedId(step, "changed", 0), name: "as it was then ✓", configuration: {}, stages: [] }),
    },
    {
      seq: 4000 + step,
      id: seedId(step, "change_events", 1),
      type: "pipeline.deleted",
      at: T0 + 3,
      actor_type: "system",
      actor_id: null,
      request_id: "r",
      resource_type: "pipeline",
      resource_id: seedId(step, "changed", 0),
      version: null,
      pipeline: null,
    },
  ],
  webhook_endpoints: (step) => [
    {
      seq: 5000 + step,
      id: seedId(step, "webhook_endpoints", 0),
      url: "https://hooks.example.com/p?x=✓",
      types: JSON.stringify(["pipeline.*"]),
      description: null,
      status: "disabled",
      secret: "whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0",
      previous_secret: null,
      previous_secret_until: null,
      created_at: T0,
      disabled_reason: "gone",
      failing_since: T0 + 1,
    },
  ],
  webhook_outbox: (step) => [
    {
      endpoint_id: seedId(step, "outbox-endpoint", 0),
      event_id: seedId(step, "outbox-event", 0),
      event_seq: null,
      type: "webhook.ping",
      payload: JSON.stringify({ ping: "✓" }),
      created_at: T0,
      sent_at: null,
      status: "pending",
    },
  ],
  webhook_deliveries: (step) => [
    {
      seq: 6000 + step,
      id: seedId(step, "webhook_deliveries", 0),
      endpoint_id: seedId(step, "delivery-endpoint", 0),
      event_id: seedId(step, "delivery-event", 0),
      attempt: 3,
      status: "failed",
      response_status: null,
      duration_ms: 10_000,
      at: T0 + 2 ** 33,
      error: "no answer within 10 s",
    },
  ],
  // The feed of the workspace this step seeds (one row per workspace).
  change_feeds: (step) => [{ workspace: `team-${step}`, pruned_through: 2000 + step }],
  workspaces: (step) => [
    { id: `team-${step}`, display_name: `Team ${step} ✓`, created_at: T0 + step, deleted_at: null },
    { id: `going-${step}`, display_name: "being deleted", created_at: T0, deleted_at: T0 + 1 },
  ],
  archive_runs: (step) => [
    {
      id: seedId(step, "archive_runs", 0),
      trigger: "cron",
      cutoff: T0 - 90 * 86_400_000,
      archived_count: 12,
      status: "succeeded",
      started_at: T0,
      finished_at: T0 + 5,
      error: null,
    },
    {
      id: seedId(step, "archive_runs", 1),
      trigger: "manual",
      cutoff: 0,
      archived_count: 0,
      status: "failed",
      started_at: T0 + 10,
      finished_at: T0 + 11,
      error: "Invalid archive configuration: 'x'.",
    },
  ],
};

/** A value for a column no seeder knows, from its declared type. */
export function genericValue(column: ColumnInfo, table: string, i: number): string | number {
  // Rows go into a workspace that exists: the live-workspace triggers (migrations/0008) refuse any other.
  if (column.name === "workspace" || column.name === "pipeline_workspace") return "default";
  const type = column.type.toUpperCase();
  if (type.includes("INT")) return 1000 + i;
  if (type.includes("REAL") || type.includes("FLOA") || type.includes("DOUB")) return 0.25 + i;
  return `seed ${table}.${column.name} ${i} ✓`;
}
