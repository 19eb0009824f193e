import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { buildDocsAssets } from "../../../scripts/docs-assets.ts";
import { startOnFreePorts } from "../../../scripts/wrangler-dev.ts";
import { root } from "./typecheck.ts";

declare module "vitest" {
  export interface ProvidedContext {
    /** Where the Worker runs under `wrangler dev`, static assets included (test/node only). */
    workerUrl: string;
  }
}

/**
 * Global set-up of the Node tests: the Worker under `wrangler dev`, as `npm run dev` runs it
 * (workerd, the /docs assets, the built bundle), on free ports with its own local state: a D1
 * with the migrations applied and nothing stored, for the client and command tests.
 */
export default async function setup(project: TestProject) {
  await buildDocsAssets();
  const state = mkdtempSync(join(tmpdir(), "worker-state-"));
  const migrate = spawnSync(
    join(root, "node_modules/.bin/wrangler"),
    ["d1", "migrations", "apply", "DB", "--local", "--persist-to", state],
    {
      cwd: root,
      encoding: "utf8",
      env: { ...process.env, CI: "true" },
    },
  );
  if (migrate.status !== 0) throw new Error(`wrangler d1 migrations apply failed:\n${migrate.stdout}${migrate.stderr}`);
  // As `npm run dev` does: webhooks may reach a receiver of the tests on 127.0.0.1.
  const worker = await startOnFreePorts("node-tests-admin-token", ["--persist-to", state, "--var", "WEBHOOK_ALLOW_LOOPBACK:true"]);
  project.provide("workerUrl", worker.url);
  return async () => {
    await worker.stop();
    rmSync(state, { recursive: true, force: true });
  };
}
