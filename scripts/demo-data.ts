// The demo data set of `npm run db:seed`: two workspaces, `data-platform` and `analytics`, with
// pipelines as such teams might keep them (one name in both, which workspaces allow), written
// through the API, so every rule and trigger applies. Idempotent: a workspace or a pipeline that
// exists is left as it is; only new pipelines get their metrics and, where the demo says so, are archived.

type Stage = {
  name: string;
  stageType: string;
  algorithm: string;
  chunkSize?: number;
  parallelProcessing?: boolean;
  parameters?: Record<string, string>;
};
interface Demo {
  workspace: "data-platform" | "analytics";
  name: string;
  configuration: Record<string, string>;
  stages: Stage[];
  archived?: boolean;
  metrics?: { bytesTotal: number; ratio: number; seconds: number };
}

const zstd = (level: string): Stage => ({
  name: "compress",
  stageType: "compression",
  algorithm: "zstd",
  chunkSize: 4194304,
  parameters: { level },
});
const seal: Stage = {
  name: "encrypt",
  stageType: "encryption",
  algorithm: "aes-256-gcm",
  parameters: { keyRef: "kms://data-platform/backup" },
};
const sum: Stage = { name: "checksum", stageType: "checksum", algorithm: "blake3" };

export const DEMO_PIPELINES: Demo[] = [
  {
    workspace: "data-platform",
    name: "nightly-postgres-backup",
    configuration: { env: "prod", owner: "data-platform", region: "eu-west" },
    stages: [zstd("9"), seal, sum],
    metrics: { bytesTotal: 48_318_382_080, ratio: 0.31, seconds: 1840 },
  },
  {
    workspace: "analytics",
    name: "hourly-log-shipping",
    configuration: { env: "prod", owner: "observability", region: "us-east" },
    stages: [
      { name: "redact", stageType: "transform", algorithm: "pii-redact", parallelProcessing: true },
      { ...zstd("3"), chunkSize: 1048576 },
    ],
    metrics: { bytesTotal: 2_147_483_648, ratio: 0.12, seconds: 95 },
  },
  {
    workspace: "analytics",
    name: "media-archive-cold",
    configuration: { env: "prod", owner: "media", tier: "cold" },
    stages: [sum, { name: "pack", stageType: "compression", algorithm: "brotli", parameters: { quality: "11" } }, seal],
  },
  {
    workspace: "data-platform",
    name: "invoice-export-sftp",
    configuration: { env: "prod", owner: "finance", schedule: "daily" },
    stages: [
      { name: "to-csv", stageType: "transform", algorithm: "json-to-csv" },
      { name: "gzip", stageType: "compression", algorithm: "gzip" },
      { name: "pgp", stageType: "encryption", algorithm: "chacha20-poly1305" },
    ],
    metrics: { bytesTotal: 73_400_320, ratio: 0.22, seconds: 12 },
  },
  {
    workspace: "data-platform",
    name: "ml-feature-snapshots",
    configuration: { env: "staging", owner: "ml-platform", region: "us-east" },
    stages: [
      { ...zstd("6"), parallelProcessing: true },
      { name: "sha", stageType: "checksum", algorithm: "sha256" },
    ],
  },
  {
    workspace: "analytics",
    name: "clickstream-raw",
    configuration: { env: "staging", owner: "analytics" },
    stages: [{ name: "lz4", stageType: "compression", algorithm: "lz4", chunkSize: 65536 }],
  },
  {
    workspace: "data-platform",
    name: "dev-sandbox-copy",
    configuration: { env: "dev", owner: "data-platform" },
    stages: [{ name: "noop", stageType: "passthrough", algorithm: "copy" }],
  },
  {
    workspace: "analytics",
    name: "dev-sandbox-copy",
    configuration: { env: "dev", owner: "analytics" },
    stages: [{ name: "noop", stageType: "passthrough", algorithm: "copy" }],
  },
  {
    workspace: "data-platform",
    name: "legacy-ftp-mirror",
    configuration: { env: "prod", owner: "it-ops", deprecated: "true" },
    stages: [{ name: "deflate", stageType: "compression", algorithm: "deflate" }],
    archived: true,
  },
  {
    workspace: "data-platform",
    name: "q3-audit-bundle",
    configuration: { env: "prod", owner: "finance", retention: "7y" },
    stages: [zstd("19"), seal, { name: "sha512", stageType: "checksum", algorithm: "sha512" }],
    archived: true,
    metrics: { bytesTotal: 10_737_418_240, ratio: 0.28, seconds: 640 },
  },
];

async function api(base: string, token: string, method: string, path: string, body?: unknown, allowed: number[] = []) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok && !allowed.includes(response.status)) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/** Writes the demo data set through the API at `base`; returns how many pipelines it created. */
export async function seedDemoData(base: string, token: string): Promise<number> {
  let created = 0;
  for (const [id, displayName] of [
    ["data-platform", "Data platform"],
    ["analytics", "Analytics"],
  ]) {
    // 409: it exists already.
    await api(base, token, "POST", "/v1/workspaces", { id, displayName }, [409]);
  }
  for (const demo of DEMO_PIPELINES) {
    const pipelines = `/v1/workspaces/${demo.workspace}/pipelines`;
    const found = await api(base, token, "GET", `${pipelines}?archived=all&name=${encodeURIComponent(demo.name)}`);
    if (found.data.length > 0) continue;
    const pipeline = await api(base, token, "POST", pipelines, {
      name: demo.name,
      configuration: demo.configuration,
      stages: demo.stages,
    });
    created++;
    if (demo.metrics) {
      const { bytesTotal, ratio, seconds } = demo.metrics;
      const output = Math.round(bytesTotal * ratio);
      await api(base, token, "PUT", `${pipelines}/${pipeline.id}/metrics`, {
        bytesProcessed: bytesTotal,
        bytesTotal,
        chunksProcessed: Math.ceil(bytesTotal / 4194304),
        chunksTotal: Math.ceil(bytesTotal / 4194304),
        startTime: "2026-11-26T02:00:00.000Z",
        endTime: new Date(Date.parse("2026-11-26T02:00:00.000Z") + seconds * 1000).toISOString(),
        processingDurationMs: seconds * 1000,
        throughputBytesPerSecond: Math.round(bytesTotal / seconds),
        compressionRatio: ratio,
        errorCount: 0,
        warningCount: demo.name.startsWith("hourly") ? 2 : 0,
        inputFileSizeBytes: bytesTotal,
        outputFileSizeBytes: output,
        inputFileChecksum: null,
        outputFileChecksum: null,
      });
    }
    if (demo.archived) await api(base, token, "POST", `${pipelines}/${pipeline.id}/archive`);
  }
  return created;
}
