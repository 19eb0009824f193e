import { exports } from "cloudflare:workers";
import type { NewPipeline } from "../../src/domain/pipeline";
import { assertContract } from "./contract";

export const ADMIN_TOKEN = "test-admin-token";
export const BASE = "https://registry.test";

export interface CallOptions {
  body?: unknown;
  headers?: Record<string, string>;
  /** Bearer token; null sends no Authorization header. */
  token?: string | null;
  contentType?: string;
}

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  // biome-ignore lint: test convenience
  body: any;
}

export function request(method: string, path: string, options: CallOptions = {}): Request {
  const { body, token = ADMIN_TOKEN } = options;
  const headers: Record<string, string> = {};
  if (token !== null) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers["Content-Type"] = options.contentType ?? "application/json";
  return new Request(`${BASE}${path}`, {
    method,
    headers: { ...headers, ...options.headers },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
}

async function reply(request: Request, response: Response): Promise<Reply> {
  const text = await response.text();
  assertContract(request, response.status, response.headers, text);
  const type = response.headers.get("Content-Type") ?? "";
  return { status: response.status, headers: response.headers, text, body: type.includes("json") && text ? JSON.parse(text) : undefined };
}

/** One request through the Worker's real fetch handler (routing, middleware, D1), its response held to the OpenAPI document. */
export async function call(method: string, path: string, options: CallOptions = {}): Promise<Reply> {
  const sent = request(method, path, options);
  return reply(sent, await exports.default.fetch(sent.clone()));
}

export async function callWith(
  fetcher: (request: Request) => Response | Promise<Response>,
  method: string,
  path: string,
  options: CallOptions = {},
) {
  const sent = request(method, path, options);
  return reply(sent, await fetcher(sent.clone()));
}

export const stage = (name: string, stageType = "transform", algorithm = "custom", extra: object = {}) => ({
  name,
  stageType,
  algorithm,
  ...extra,
});

export function pipelineBody(name: string, extra: Partial<Record<keyof NewPipeline, unknown>> = {}) {
  return {
    name,
    configuration: { env: "prod" },
    stages: [stage("compress", "compression", "zstd", { parameters: { level: "3" } }), stage("seal", "encryption", "aes-256-gcm")],
    ...extra,
  };
}

export async function createPipeline(name: string, extra: Partial<Record<keyof NewPipeline, unknown>> = {}) {
  const created = await call("POST", "/v1/workspaces/default/pipelines", { body: pipelineBody(name, extra) });
  if (created.status !== 201) throw new Error(`create failed: ${created.status} ${created.text}`);
  return created.body;
}

export function metricsBody(overrides: object = {}) {
  return {
    bytesProcessed: 10,
    bytesTotal: 20,
    chunksProcessed: 1,
    chunksTotal: 2,
    startTime: "2026-11-26T12:00:00Z",
    endTime: "2026-11-26T12:00:01.5Z",
    processingDurationMs: 1500,
    throughputBytesPerSecond: 6.67,
    compressionRatio: 0.5,
    errorCount: 0,
    warningCount: 0,
    inputFileSizeBytes: 20,
    outputFileSizeBytes: 10,
    inputFileChecksum: "sha256:abc",
    outputFileChecksum: null,
    ...overrides,
  };
}
