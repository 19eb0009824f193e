import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { expect, it } from "vitest";

/**
 * The layout docs/architecture.md describes, held by the source itself: the layers import
 * downwards only (domain ← storage ← http and jobs), a backend's folder imports no other
 * backend's (only storage/shared/), and an HTTP resource's folder imports no other
 * resource's (what they share is in http/shared/).
 */

const root = resolve(import.meta.dirname, "../..");

/** Every .ts file under `dir` (relative to the project) with the project-relative paths it imports. */
function importsUnder(dir: string): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const entry of readdirSync(join(root, dir), { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith(".ts")) continue;
    const file = relative(root, join(entry.parentPath, entry.name));
    const text = readFileSync(join(root, file), "utf8");
    const specifiers = [...text.matchAll(/^(?:import|export)[^"']*?from\s+["'](\.{1,2}\/[^"']+)["']/gm)].map((m) => m[1] ?? "");
    found.set(
      file,
      specifiers.map((specifier) =>
        relative(root, resolve(root, dirname(file), specifier))
          .replace(/(\.js)?$/, (ext) => (ext ? ".ts" : ""))
          .replace(/(?<!\.ts)$/, ".ts"),
      ),
    );
  }
  return found;
}

/** Where a source file sits: its layer, and the folder that is its unit within the layer (a backend, a resource). */
function placeOf(file: string): { layer: string; unit?: string } {
  const [, layer = "", unit] = file.split("/");
  if (layer.endsWith(".ts")) return { layer: layer.replace(/\.ts$/, "") };
  const units = layer === "storage" || layer === "http";
  return { layer, unit: units && unit && !unit.endsWith(".ts") ? unit : undefined };
}

/** What each layer may import besides itself. */
const ALLOWED: Record<string, readonly string[]> = {
  domain: [],
  env: [],
  settings: ["domain", "env"],
  storage: ["domain", "env"],
  jobs: ["domain", "storage", "settings", "env"],
  http: ["domain", "storage", "settings", "env", "jobs"],
  // The main module exports the Durable Object class, which the runtime finds only there.
  index: ["http", "jobs", "env", "storage"],
};
/** Backends built on another's statements: Durable Objects run D1's SQL, in each workspace's own SQLite. */
const BUILT_ON: Record<string, readonly string[]> = { "durable-objects": ["d1"] };
/** Folders any unit of a layer may share. */
const SHARED_UNITS = new Set(["shared", "middleware", "openapi"]);

/** Every import that breaks the layout, as "from → to". */
function violations(imports: Map<string, string[]>): string[] {
  const found: string[] = [];
  for (const [file, targets] of imports) {
    const from = placeOf(file);
    for (const target of targets) {
      if (!target.startsWith("src/")) continue;
      const to = placeOf(target);
      const sameLayer = from.layer === to.layer;
      if (!sameLayer && !(ALLOWED[from.layer] ?? []).includes(to.layer)) found.push(`${file} → ${target}`);
      const otherUnit = from.unit && to.unit && from.unit !== to.unit && !SHARED_UNITS.has(to.unit);
      const builtOn = (BUILT_ON[from.unit ?? ""] ?? []).includes(to.unit ?? "");
      if (sameLayer && otherUnit && !builtOn && !SHARED_UNITS.has(from.unit ?? "")) found.push(`${file} → ${target}`);
    }
  }
  return found;
}

it("every import of src/ follows the layers, and no backend or resource folder imports another", () => {
  expect(violations(importsUnder("src"))).toEqual([]);
});

it("the layout check catches a resource importing another, a backend importing another, and a layer importing upwards", () => {
  const planted = new Map([
    ["src/http/history/handlers.ts", ["src/http/pipelines/handlers.ts", "src/http/shared/paging.ts"]],
    ["src/storage/postgres/storage.ts", ["src/storage/d1/time.ts", "src/storage/shared/sql.ts"]],
    ["src/domain/pipeline.ts", ["src/storage/d1/schema.ts"]],
    ["src/storage/d1/storage.ts", ["src/http/context.ts"]],
  ]);
  expect(violations(planted)).toEqual([
    "src/http/history/handlers.ts → src/http/pipelines/handlers.ts",
    "src/storage/postgres/storage.ts → src/storage/d1/time.ts",
    "src/domain/pipeline.ts → src/storage/d1/schema.ts",
    "src/storage/d1/storage.ts → src/http/context.ts",
  ]);
});

const MAX_LINES = 350;

it(`no source, console, test, bench, script or package file is over ${MAX_LINES} lines`, () => {
  const packages = [...importsUnder("packages/client/src").keys(), ...importsUnder("packages/cli/src").keys()];
  // The client's generated API types are built output, as the OpenAPI document is.
  const written = packages.filter((file) => !file.includes("/generated/"));
  const long = [
    ...importsUnder("src").keys(),
    ...importsUnder("console").keys(),
    ...importsUnder("test").keys(),
    ...importsUnder("bench").keys(),
    ...importsUnder("scripts").keys(),
    ...written,
  ]
    .map((file) => ({ file, lines: readFileSync(join(root, file), "utf8").split("\n").length - 1 }))
    .filter(({ lines }) => lines > MAX_LINES);
  expect(long).toEqual([]);
});

it("the Worker imports nothing of the client or command packages, so neither lands in its bundle", () => {
  const reaching = [...importsUnder("src")].filter(([, imports]) => imports.some((path) => path.startsWith("packages/")));
  const byName = [...importsUnder("src").keys()].filter((file) =>
    /from\s+["']@pipeline-registry\//.test(readFileSync(join(root, file), "utf8")),
  );
  expect([...reaching.map(([file]) => file), ...byName]).toEqual([]);
});

it("the console imports nothing of the Worker but the domain, and the Worker nothing of the console", () => {
  const reaching = [...importsUnder("console")].flatMap(([file, imports]) =>
    imports.filter((path) => path.startsWith("src/") && !path.startsWith("src/domain/")).map((path) => `${file} → ${path}`),
  );
  const back = [...importsUnder("src")].flatMap(([file, imports]) =>
    imports.filter((path) => path.startsWith("console/")).map((path) => `${file} → ${path}`),
  );
  expect([...reaching, ...back]).toEqual([]);
});
