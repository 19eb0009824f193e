import { OPERATOR_TOKEN } from "./cli.ts";

/**
 * A small world for the console's browser test, made through the API as any client would:
 * workspace A with an admin key, seven pipelines (one of them with three versions and three
 * recorded metrics), and workspace B with a pipeline that A's key must never see.
 */
export interface ConsoleSeed {
  a: string;
  b: string;
  key: string;
  /** A's pipeline with history and metrics. */
  alpha: string;
  /** B's pipeline. */
  secret: { id: string; name: string };
  metricsKept: number;
  request: <T>(method: string, path: string, body?: unknown, headers?: Record<string, string>) => Promise<T>;
}

const stages = (algorithm: string) => [
  { name: "compress", stageType: "compression", algorithm, chunkSize: 1048576, parameters: { level: "3" } },
  { name: "sum", stageType: "checksum", algorithm: "sha256" },
];

const metrics = (n: number) => ({
  bytesProcessed: 1000 * n,
  bytesTotal: 4000,
  chunksProcessed: n,
  chunksTotal: 4,
  startTime: `2026-11-26T12:0${n}:00Z`,
  endTime: `2026-11-26T12:0${n}:30Z`,
  processingDurationMs: 30000,
  throughputBytesPerSecond: 100 * n,
  compressionRatio: 0.4 + n / 10,
  errorCount: n - 1,
  warningCount: 0,
  inputFileSizeBytes: 4000,
  outputFileSizeBytes: 2000,
  inputFileChecksum: null,
  outputFileChecksum: null,
});

export async function seedConsole(base: string): Promise<ConsoleSeed> {
  const request = async <T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${OPERATOR_TOKEN}`,
        ...(body === undefined ? {} : { "Content-Type": "application/json" }),
        ...headers,
      },
      body: body === undefined ? null : JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return (response.status === 204 ? null : await response.json()) as T;
  };
  const stamp = `${process.pid}-${Date.now().toString(36)}`;
  const [a, b] = [`console-a-${stamp}`, `console-b-${stamp}`];
  await request("POST", "/v1/workspaces", { id: a });
  await request("POST", "/v1/workspaces", { id: b });
  const { key } = await request<{ key: string }>("POST", `/v1/workspaces/${a}/api-keys`, { name: "console", scopes: ["admin"] });
  const pipelines = ["beta", "delta", "epsilon", "eta", "gamma", "zeta"].map((name) => ({ name: `${name}-job`, stages: stages("lz4") }));
  await request("POST", `/v1/workspaces/${a}/pipelines/import`, { pipelines });
  const created = await request<{ id: string; stages: { id: string }[] }>("POST", `/v1/workspaces/${a}/pipelines`, {
    name: "alpha-ingest",
    configuration: { env: "prod" },
    stages: stages("gzip"),
  });
  const alpha = `/v1/workspaces/${a}/pipelines/${created.id}`;
  // An edit of the compression stage that keeps the stages (their ids): version 2 differs from 1 in one algorithm.
  const edited = stages("zstd").map((stage, index) => ({ ...stage, id: created.stages[index]?.id }));
  await request("PUT", alpha, { name: "alpha-ingest", configuration: { env: "prod" }, stages: edited });
  await request("PATCH", alpha, { configuration: { owner: "data-team" } });
  const metricsKept = 3;
  for (let n = 1; n <= metricsKept; n++) await request("PUT", `${alpha}/metrics`, metrics(n));
  const secret = await request<{ id: string; name: string }>("POST", `/v1/workspaces/${b}/pipelines`, {
    name: "bravo-secret",
    stages: stages("gzip"),
  });
  return { a, b, key, alpha: created.id, secret, metricsKept, request };
}
