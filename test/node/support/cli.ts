import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inject } from "vitest";
import { main } from "../../../packages/cli/src/main";
import { createClient, type NewPipeline, type RegistryClient } from "../../../packages/client/src/index";

/** The operator token the Node tests' Worker runs with (test/node/support/worker.ts). */
export const OPERATOR_TOKEN = "node-tests-admin-token";

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** A workspace of its own for one test, with a client in it and the command pointed at it. */
export interface Scene {
  workspace: string;
  client: RegistryClient;
  /** Runs `pipeline-registry <argv>` in-process, as a CI job would (no terminal); `fetch` stands in for the network. */
  cli: (argv: string[], fetch?: (request: Request) => Promise<Response>) => Promise<Run>;
  /** A scratch folder, removed with the scene. */
  folder: (name: string) => string;
  dispose: () => void;
}

let scenes = 0;

export async function scene(): Promise<Scene> {
  const url = inject("workerUrl");
  const workspace = `cli-${process.pid}-${++scenes}-${Date.now().toString(36)}`;
  await createClient({ url, token: OPERATOR_TOKEN }).workspaces.create({ id: workspace });
  const client = createClient({ url, token: OPERATOR_TOKEN, workspace });
  const scratch = mkdtempSync(join(tmpdir(), "cli-test-"));
  const env = { PIPELINE_REGISTRY_URL: url, PIPELINE_REGISTRY_TOKEN: OPERATOR_TOKEN, PIPELINE_REGISTRY_WORKSPACE: workspace };
  return {
    workspace,
    client,
    folder: (name) => join(scratch, name),
    dispose: () => rmSync(scratch, { recursive: true, force: true }),
    async cli(argv, fetch) {
      const out: string[] = [];
      const err: string[] = [];
      const io = { stdout: (text: string) => void out.push(text), stderr: (text: string) => void err.push(text), env, isTTY: false };
      const code = await main(argv, fetch ? { ...io, fetch } : io);
      return { code, stdout: out.join(""), stderr: err.join("") };
    },
  };
}

export const pipeline = (name: string, algorithm = "gzip", configuration: Record<string, string> = {}): NewPipeline => ({
  name,
  configuration,
  stages: [
    { name: "compress", stageType: "compression", algorithm, chunkSize: 1048576, parameters: { level: "3" } },
    { name: "sum", stageType: "checksum", algorithm: "sha256" },
  ],
});
