import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { copyDocsAssets } from "../../../scripts/docs-assets.ts";
import { freePort, startWranglerDev } from "../../../scripts/wrangler-dev.ts";

declare module "vitest" {
  export interface ProvidedContext {
    /** Where the Worker runs under `wrangler dev`, static assets included (test/node only). */
    workerUrl: string;
  }
}

/**
 * Global set-up of the Node tests: the Worker under `wrangler dev`, as `npm run dev` runs it
 * (workerd, the /docs assets, the built bundle), on free ports with its own empty local state.
 */
export default async function setup(project: TestProject) {
  copyDocsAssets();
  const state = mkdtempSync(join(tmpdir(), "worker-state-"));
  const worker = await startWranglerDev([
    "--ip",
    "127.0.0.1",
    "--port",
    String(await freePort()),
    "--inspector-port",
    String(await freePort()),
    "--persist-to",
    state,
    "--var",
    "ADMIN_TOKEN:node-tests-admin-token",
  ]);
  project.provide("workerUrl", worker.url);
  return async () => {
    await worker.stop();
    rmSync(state, { recursive: true, force: true });
  };
}
