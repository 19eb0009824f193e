// The Worker's bundle as `wrangler deploy` builds it (wrangler.toml: minified), its size against
// the budget and what it is made of, by package. Workers parse and evaluate the whole script on
// every cold start, at every location. `npm run bundle:size` prints the table;
// test/node/bundle-size.test.ts holds the bundle to the budget.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

/** At most this many bytes of script, uncompressed: what a cold start parses. */
export const BUNDLE_BUDGET_BYTES = 300 * 1024;

/**
 * Modules that only the build or the tooling needs, never a request: the OpenAPI generator
 * (scripts/openapi.ts runs it), its components and their JSON Schema converter, drizzle-orm (its schemas are
 * drizzle-kit's and the tests'; the Worker writes SQL with src/storage/shared/sql.ts), the
 * Drizzle schemas themselves, node-postgres's pool.
 */
export const BUILD_TIME_ONLY = [
  "node_modules/@valibot/to-json-schema/",
  "src/http/openapi/document.ts",
  "src/http/openapi/components.ts",
  "node_modules/drizzle-orm/",
  "src/storage/d1/schema.ts",
  "src/storage/postgres/schema.ts",
  "node_modules/pg-pool/",
];

export interface WorkerBundle {
  /** The script's size in bytes, as uploaded. */
  bytes: number;
  /** The modules in it (paths as esbuild names them) and the bytes each adds. */
  inputs: Record<string, number>;
}

const root = resolve(import.meta.dirname, "..");

/** Builds the Worker exactly as `wrangler deploy` does (this wrangler.toml), without uploading it. */
export function buildWorker(): WorkerBundle {
  const outdir = mkdtempSync(join(tmpdir(), "worker-bundle-"));
  try {
    const metafile = join(outdir, "meta.json");
    const build = spawnSync(
      join(root, "node_modules/.bin/wrangler"),
      ["deploy", "--dry-run", "--outdir", join(outdir, "dist"), "--metafile", metafile],
      { cwd: root, encoding: "utf8", env: { ...process.env, WRANGLER_LOG: "warn", WRANGLER_SEND_METRICS: "false" } },
    );
    if (build.status !== 0) throw new Error(`wrangler deploy --dry-run failed:\n${build.stdout}${build.stderr}`);
    const meta = JSON.parse(readFileSync(metafile, "utf8")) as {
      outputs: Record<string, { entryPoint?: string; inputs: Record<string, { bytesInOutput: number }> }>;
    };
    const [name, output] = Object.entries(meta.outputs).find(([, output]) => output.entryPoint) ?? [];
    if (!name || !output) throw new Error("the metafile names no entry point");
    const inputs = Object.fromEntries(Object.entries(output.inputs).map(([path, { bytesInOutput }]) => [path, bytesInOutput]));
    return { bytes: statSync(join(outdir, "dist", name.split("/").pop() ?? "")).size, inputs };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** Bytes by package (`drizzle-orm/<entry>` apart, pg-core from sqlite-core), and the project's own by directory. */
export function byPackage(inputs: Record<string, number>): [string, number][] {
  const groups = new Map<string, number>();
  for (const [path, bytes] of Object.entries(inputs)) {
    const dependency = /node_modules\/((?:@[^/]+\/)?[^/]+)(?:\/([^/]+)\/)?/.exec(path);
    const name = dependency
      ? dependency[1] === "drizzle-orm" && dependency[2]
        ? `drizzle-orm/${dependency[2]}`
        : (dependency[1] ?? path)
      : path.replace(/^(\.\.\/)*[^/]*\/?(src\/[^/]+\/[^/]+\/).*/, "$2");
    groups.set(name, (groups.get(name) ?? 0) + bytes);
  }
  return [...groups].sort((a, b) => b[1] - a[1]);
}

if (import.meta.filename === process.argv[1]) {
  const bundle = buildWorker();
  const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
  for (const [name, bytes] of byPackage(bundle.inputs)) if (bytes >= 512) console.log(`${kib(bytes).padStart(10)}  ${name}`);
  console.log(`\n${kib(bundle.bytes)} of ${kib(BUNDLE_BUDGET_BYTES)} (minified, uncompressed)`);
}
