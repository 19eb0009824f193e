import type { SchemaName } from "./components";

/** One example per named schema (a test checks each against its schema); the document puts them on every body. */

const at = "2026-11-26T12:00:00.000Z";
const later = "2026-11-27T08:30:00.000Z";

const stage = {
  id: "01JD3ZK5Q8W7V6T5S4R3P2N1M1",
  name: "compress",
  stageType: "compression",
  algorithm: "zstd",
  enabled: true,
  parallelProcessing: false,
  chunkSize: 1048576,
  order: 0,
  parameters: { level: "3" },
  createdAt: at,
  updatedAt: at,
};

const pipeline = {
  id: "01JD3ZK5Q8W7V6T5S4R3P2N1M0",
  name: "nightly-backup",
  archived: false,
  configuration: { env: "prod", owner: "data-team" },
  stages: [
    stage,
    {
      ...stage,
      id: "01JD3ZK5Q8W7V6T5S4R3P2N1M2",
      name: "seal",
      stageType: "encryption",
      algorithm: "aes-256-gcm",
      chunkSize: null,
      order: 1,
      parameters: {},
    },
  ],
  version: 1,
  createdAt: at,
  updatedAt: at,
};

const newStages = [
  { name: "compress", stageType: "compression", algorithm: "zstd", chunkSize: 1048576, parameters: { level: "3" } },
  { name: "seal", stageType: "encryption", algorithm: "aes-256-gcm" },
];
const newPipeline = { name: "nightly-backup", configuration: { env: "prod", owner: "data-team" }, stages: newStages };

const metricsInput = {
  bytesProcessed: 524288,
  bytesTotal: 1048576,
  chunksProcessed: 1,
  chunksTotal: 2,
  startTime: at,
  endTime: "2026-11-26T12:00:01.500Z",
  processingDurationMs: 1500,
  throughputBytesPerSecond: 349525.33,
  compressionRatio: 0.42,
  errorCount: 0,
  warningCount: 1,
  inputFileSizeBytes: 1048576,
  outputFileSizeBytes: 440402,
  inputFileChecksum: "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
  outputFileChecksum: null,
};

const apiKey = {
  id: "01JD40AXJ2M1G4Z7Q5T6V8W9X0",
  name: "ci-reader",
  scopes: ["read"],
  prefix: "plk_Xb3kP9qZ",
  createdAt: at,
};

const archiveRun = {
  id: "01JD41B7C8D9E0F1G2H3J4K5M6",
  trigger: "manual",
  cutoff: "2026-08-28T08:30:00.000Z",
  archivedCount: 3,
  status: "succeeded",
  startedAt: later,
  finishedAt: later,
};

const actor = { type: "apiKey", id: apiKey.id };
const revisionSummary = {
  pipelineId: pipeline.id,
  version: 2,
  change: "patched",
  actor,
  requestId: "01JD43D4E5F6G7H8J9K0M1N2P3",
  changedAt: later,
};
const auditEvent = {
  id: "01JD44E5F6G7H8J9K0M1N2P3Q4",
  at: later,
  action: "pipeline.patched",
  actor,
  resource: { type: "pipeline", id: pipeline.id },
  version: 2,
  requestId: revisionSummary.requestId,
};

export const EXAMPLES: Record<SchemaName, unknown> = {
  Pipeline: pipeline,
  Stage: stage,
  PipelinePage: { data: [pipeline], nextCursor: "eyJzb3J0IjoibmFtZSJ9" },
  PipelineList: { data: [pipeline] },
  Count: { count: 42 },
  Metrics: { ...metricsInput, pipelineId: pipeline.id, updatedAt: later },
  ApiKey: { ...apiKey, revokedAt: null },
  CreatedApiKey: { ...apiKey, key: "plk_Xb3kP9qZr7Lm2Nc8Vd4Wf6Yh1Jk5Tg0Ua3Sb9Qe2Rw4" },
  ApiKeyList: { data: [{ ...apiKey, revokedAt: null }] },
  ArchiveRun: archiveRun,
  ArchiveRunList: { data: [archiveRun] },
  Health: { status: "ok" },
  Actor: actor,
  RevisionSummary: revisionSummary,
  Revision: { ...revisionSummary, pipeline: { ...pipeline, configuration: { env: "staging" }, version: 2, updatedAt: later } },
  RevisionPage: { data: [revisionSummary, { ...revisionSummary, version: 1, change: "created", changedAt: at }], nextCursor: null },
  Diff: {
    from: 1,
    to: 2,
    operations: [
      { op: "remove", path: "/configuration/owner" },
      { op: "replace", path: "/configuration/env", value: "staging" },
    ],
  },
  AuditEvent: auditEvent,
  AuditPage: { data: [auditEvent], nextCursor: "eyJiZWZvcmUiOjQyfQ" },
  Problem: {
    type: "urn:pipeline-registry:problem:validation",
    title: "Validation failed",
    status: 400,
    detail: "The request is invalid; see errors.",
    requestId: "01JD42C3D4E5F6G7H8J9K0M1N2",
    errors: [{ path: "/stages/0/algorithm", message: "a compression stage takes one of brotli, gzip, zstd, lz4, deflate" }],
  },
  NewPipeline: newPipeline,
  NewStage: newStages[0],
  PipelineReplacement: { ...newPipeline, stages: [{ id: stage.id, ...newStages[0] }, newStages[1]] },
  ReplacementStage: { id: stage.id, ...newStages[0] },
  PipelinePatch: { configuration: { owner: "platform-team", legacy: null } },
  PipelineImport: { pipelines: [newPipeline, { ...newPipeline, name: "hourly-sync" }] },
  MetricsInput: metricsInput,
  NewApiKey: { name: "ci-reader", scopes: ["read"] },
  ArchiveRunRequest: { olderThanDays: 90 },
  RollbackRequest: { version: 1 },
};
