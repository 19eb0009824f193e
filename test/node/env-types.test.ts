import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, expect, it } from "vitest";

// `Env` comes from `wrangler types` (package.json's `types` script writes worker-configuration.d.ts):
// this checks the committed file is what wrangler would write for wrangler.toml now.
const root = resolve(import.meta.dirname, "../..");
const script = (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts.types ?? "";
const work = mkdtempSync(join(tmpdir(), "env-types-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** `wrangler types` with the script's own flags, `--check` added when asked, run in `cwd` on its wrangler.toml. */
function wranglerTypes(cwd: string, { check }: { check: boolean }) {
  const args = [...script.split(" ").slice(1), ...(check ? ["--check"] : [])];
  const result = spawnSync(join(root, "node_modules/.bin/wrangler"), args, {
    cwd,
    encoding: "utf8",
    env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

it("worker-configuration.d.ts is what `npm run types` writes for wrangler.toml", () => {
  expect(script).toMatch(/^wrangler types /);
  const result = wranglerTypes(root, { check: true });
  expect(result.status, `${result.output}\nRun \`npm run types\` and commit worker-configuration.d.ts.`).toBe(0);
});

it("the check fails once wrangler.toml gains a binding the declarations lack", () => {
  const config = readFileSync(join(root, "wrangler.toml"), "utf8");
  writeFileSync(join(work, "wrangler.toml"), config);
  expect(wranglerTypes(work, { check: false }).status).toBe(0);
  expect(wranglerTypes(work, { check: true }).status).toBe(0);
  writeFileSync(join(work, "wrangler.toml"), config.replace("[vars]\n", '[vars]\nA_NEW_SETTING = "1"\n'));
  const stale = wranglerTypes(work, { check: true });
  expect(stale.status).not.toBe(0);
  expect(stale.output).toContain("out of date");
});
