// Builds the OpenAPI document at build time, from the same route declarations (src/http/route.ts)
// and valibot schemas the Worker validates with, and writes it to public/openapi.json, which the
// Worker serves from its static assets (src/http/docs.ts). The generator and
// @valibot/to-json-schema so stay out of the Worker's bundle, which every cold start evaluates.
// `npm run docs:assets` runs it (so do `npm run dev`, `npm test` and `npm run deploy`).
import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { build, type Plugin } from "esbuild";

const root = resolve(import.meta.dirname, "..");
export const OPENAPI_ASSET = join(root, "public/openapi.json");

/** What runs in Node: the app, as the Worker builds it, and the document of its routes. */
const ENTRY = `
import { createApp } from "./src/http/app";
import { openApiDocument } from "./src/http/openapi/document";
export default openApiDocument(createApp());
`;

/**
 * The Workers-only modules the app imports (the PostgreSQL socket, `cloudflare:*`) are never
 * called while the app is built: stand-ins let Node evaluate the modules that import them.
 */
const workersOnly: Plugin = {
  name: "workers-only",
  setup(build) {
    build.onResolve({ filter: /^(cloudflare:.*|pg-cloudflare)$/ }, (args) => ({ path: args.path, namespace: "workers-only" }));
    build.onLoad({ filter: /.*/, namespace: "workers-only" }, () => ({
      contents: "export class CloudflareSocket {}; export const connect = () => { throw new Error('Workers only'); }; export default {};",
      loader: "js",
    }));
  },
};

/** The document the routes describe: the app bundled for Node (esbuild reads the TypeScript as wrangler does) and evaluated. */
export async function buildOpenApiDocument(): Promise<object> {
  const bundle = await build({
    stdin: { contents: ENTRY, resolveDir: root, sourcefile: "openapi-entry.ts", loader: "ts" },
    bundle: true,
    platform: "node",
    format: "esm",
    write: false,
    logLevel: "error",
    plugins: [workersOnly],
    // The bundle's CommonJS dependencies (node-postgres) call require.
    banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
  });
  const code = bundle.outputFiles[0]?.text ?? "";
  // Imported from a file beside the sources, so Node resolves what the bundle still requires from here.
  const file = join(root, `.wrangler/openapi-${process.pid}.mjs`);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, code);
  try {
    return ((await import(pathToFileURL(file).href)) as { default: object }).default;
  } finally {
    rmSync(file, { force: true });
  }
}

/** Writes public/openapi.json, which the Worker serves as it is (src/http/docs.ts). */
export async function writeOpenApiDocument(document?: object): Promise<string> {
  document ??= await buildOpenApiDocument();
  mkdirSync(dirname(OPENAPI_ASSET), { recursive: true });
  // Whole or not at all: a Worker serving the assets meanwhile never reads half a document.
  const partial = `${OPENAPI_ASSET}.${process.pid}.tmp`;
  writeFileSync(partial, JSON.stringify(document));
  renameSync(partial, OPENAPI_ASSET);
  return OPENAPI_ASSET;
}

if (import.meta.filename === process.argv[1]) console.log(`Wrote ${await writeOpenApiDocument()}`);
