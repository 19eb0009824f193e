import { beforeAll, expect, it } from "vitest";
import { BUILD_TIME_ONLY, BUNDLE_BUDGET_BYTES, buildWorker, byPackage, type WorkerBundle } from "../../scripts/bundle-size.ts";

/** The Worker's script as `wrangler deploy` builds it: every cold start parses and evaluates all of it. */

let bundle: WorkerBundle;
// wrangler bundles the whole Worker: a few seconds, more on a busy machine.
beforeAll(() => {
  bundle = buildWorker();
}, 180_000);

it("stays within the bundle budget, uncompressed", () => {
  const largest = byPackage(bundle.inputs)
    .slice(0, 12)
    .map(([name, bytes]) => `${(bytes / 1024).toFixed(1)} KiB ${name}`)
    .join("\n");
  expect(bundle.bytes, `${(bundle.bytes / 1024).toFixed(1)} KiB; largest parts (npm run bundle:size):\n${largest}`).toBeLessThanOrEqual(
    BUNDLE_BUDGET_BYTES,
  );
});

it("leaves out what only the build needs: the OpenAPI generator, drizzle's PostgreSQL builder, node-postgres's pool", () => {
  const modules = Object.keys(bundle.inputs);
  expect(modules.length).toBeGreaterThan(50);
  expect(BUILD_TIME_ONLY.flatMap((excluded) => modules.filter((module) => module.includes(excluded)))).toEqual([]);
});
