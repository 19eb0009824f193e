import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, inject, it } from "vitest";
import { OPERATOR_TOKEN } from "./support/cli";
import { root, tsc } from "./support/typecheck";

/**
 * The two packages as a user gets them: `npm pack` tarballs, installed with npm into scratch
 * projects outside the repository, type-checked and run there against the Worker.
 */

const work = mkdtempSync(join(tmpdir(), "packages-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const tarballs = join(work, "tarballs");

function sh(command: string, args: string[], cwd: string, env: Record<string, string> = {}) {
  const result = spawnSync(command, args, { cwd, encoding: "utf8", env: { ...process.env, ...env } });
  return { code: result.status, out: `${result.stdout}${result.stderr}`, stdout: result.stdout };
}

const tarball = (name: string) => join(tarballs, readdirSync(tarballs).find((file) => file.startsWith(name)) ?? name);
const listing = (file: string) => sh("tar", ["tzf", file], work).stdout.split("\n").filter(Boolean).sort();

/** A fresh npm project with the tarballs installed, and this repository's TypeScript and Node types linked in. */
function project(name: string, packages: string[]): string {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name, private: true, type: "module" }));
  const installed = sh("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", ...packages.map(tarball)], dir);
  expect(installed.code, installed.out).toBe(0);
  mkdirSync(join(dir, "node_modules/@types"), { recursive: true });
  sh("ln", ["-s", join(root, "node_modules/@types/node"), join(dir, "node_modules/@types/node")], dir);
  return dir;
}

beforeAll(() => {
  mkdirSync(tarballs);
  const packed = sh("npm", ["pack", "-w", "packages/client", "-w", "packages/cli", "--pack-destination", tarballs], root);
  expect(packed.code, packed.out).toBe(0);
}, 120_000);

it("the packed client holds its README, package.json and the built modules with their declarations, nothing else", () => {
  const files = listing(tarball("pipeline-registry-client-"));
  expect(files).toContain("package/README.md");
  expect(files).toContain("package/dist/index.js");
  expect(files).toContain("package/dist/index.d.ts");
  expect(files.filter((file) => !/^package\/(README\.md|package\.json|dist\/[\w/-]+\.(js|d\.ts))$/.test(file))).toEqual([]);
  expect(files.filter((file) => /\.ts$/.test(file) && !file.endsWith(".d.ts"))).toEqual([]);
  const manifest = JSON.parse(readFileSync(join(root, "packages/client/package.json"), "utf8"));
  expect(manifest.exports["."]).toEqual({ types: "./dist/index.d.ts", default: "./dist/index.js" });
});

it("the packed command holds its README, package.json, its bin and the built modules, nothing else", () => {
  const files = listing(tarball("pipeline-registry-cli-"));
  expect(files).toContain("package/bin/pipeline-registry.js");
  expect(files).toContain("package/dist/main.js");
  expect(files.filter((file) => !/^package\/(README\.md|package\.json|bin\/pipeline-registry\.js|dist\/[\w/-]+\.js)$/.test(file))).toEqual(
    [],
  );
});

/** The README's program, from a `tsc --init` project: it type-checks under nodenext and runs against the registry. */
it("the client README's program type-checks in a fresh tsc --init project (nodenext) and runs against the registry", () => {
  const dir = project("nodenext-consumer", ["pipeline-registry-client-"]);
  const init = sh(join(root, "node_modules/.bin/tsc"), ["--init", "--types", "node"], dir);
  expect(init.code, init.out).toBe(0);
  const readme = readFileSync(join(root, "packages/client/README.md"), "utf8");
  writeFileSync(join(dir, "index.ts"), /```ts\n([\s\S]*?)```/.exec(readme)?.[1] ?? "");
  const compiled = sh(join(root, "node_modules/.bin/tsc"), ["-p", dir], dir);
  expect(compiled.code, compiled.out).toBe(0);
  const ran = sh(process.execPath, ["index.js"], dir, {
    PIPELINE_REGISTRY_URL: inject("workerUrl"),
    PIPELINE_REGISTRY_TOKEN: OPERATOR_TOKEN,
  });
  expect(ran.code, ran.out).toBe(0);
  expect(ran.stdout).toMatch(/^nightly-backup-\d+ 2\n/);
});

const TYPED = `
import { createClient, RegistryError, type Pipeline } from "@pipeline-registry/client";
const client = createClient({ url: "http://localhost:8787", token: "t" });
export async function checks(): Promise<number> {
  // @ts-expect-error stageType is one of five: the types are the API's, not any
  await client.pipelines.create({ name: "x", stages: [{ name: "a", stageType: "zip", algorithm: "a" }] });
  const pipeline: Pipeline = await client.pipelines.get("01JD3ZK5Q8W7V6T5S4R3P2N1M0");
  // @ts-expect-error a name is a string
  const wrong: number = pipeline.name;
  for await (const page of client.pipelines.list({ archived: "all" })) page.data.map((p) => p.version);
  const error = new RegistryError({ status: 404 });
  return pipeline.version + error.status + String(wrong).length;
}
`;

it("a client program type-checks under moduleResolution bundler and node16 too, with DOM types and no Workers or Node types", () => {
  const dir = project("bundler-consumer", ["pipeline-registry-client-"]);
  writeFileSync(join(dir, "checks.ts"), TYPED);
  const base = { target: "ES2022", lib: ["ES2022", "DOM", "DOM.Iterable"], types: [], strict: true, noEmit: true, skipLibCheck: false };
  for (const [module, moduleResolution] of [
    ["ESNext", "Bundler"],
    ["Node16", "Node16"],
  ]) {
    const config = join(dir, `tsconfig.${moduleResolution}.json`);
    writeFileSync(config, JSON.stringify({ compilerOptions: { ...base, module, moduleResolution }, files: ["checks.ts"] }));
    expect(tsc(config), moduleResolution).toBe("");
  }
});

it("the command installed from its tarball answers --help, and reads the registry", () => {
  const dir = project("cli-consumer", ["pipeline-registry-client-", "pipeline-registry-cli-"]);
  const bin = join(dir, "node_modules/.bin/pipeline-registry");
  const help = sh(bin, ["--help"], dir);
  expect(help.code, help.out).toBe(0);
  expect(help.stdout).toContain("Usage: pipeline-registry");
  const listed = sh(bin, ["list", "--json"], dir, { PIPELINE_REGISTRY_URL: inject("workerUrl"), PIPELINE_REGISTRY_TOKEN: OPERATOR_TOKEN });
  expect(listed.code, listed.out).toBe(0);
  expect(Array.isArray(JSON.parse(listed.stdout))).toBe(true);
});

it("npx pipeline-registry --help works from the repository's root", () => {
  const help = sh("npx", ["--no-install", "pipeline-registry", "--help"], root);
  expect(help.code, help.out).toBe(0);
  expect(help.stdout).toContain("apply [options] <path...>");
});
