// The static assets of the Worker (wrangler.toml [assets]) that are built, not written: the API
// reference renderer (Scalar's standalone build, the version the lockfile pins), copied into
// public/, the OpenAPI document (scripts/openapi.ts), the client's types of it (scripts/client-types.ts) and the web
// console's script and stylesheet (scripts/console-assets.ts). `npm run dev`, `npm test` and
// `npm run deploy` run it; all are git-ignored.
import { copyFileSync, mkdirSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { writeClientTypes } from "./client-types.ts";
import { buildConsoleAssets } from "./console-assets.ts";
import { buildOpenApiDocument, writeOpenApiDocument } from "./openapi.ts";

const root = resolve(import.meta.dirname, "..");
const target = join(root, "public/docs/vendor/scalar-api-reference.js");

export function copyDocsAssets(): string {
  // The package's "browser" file; its exports map offers no path to it, so it is read in place.
  const source = join(root, "node_modules/@scalar/api-reference/dist/browser/standalone.js");
  mkdirSync(dirname(target), { recursive: true });
  let current = false;
  try {
    current = statSync(target).size === statSync(source).size && statSync(target).mtimeMs >= statSync(source).mtimeMs;
  } catch {
    // No copy yet.
  }
  if (!current) copyFileSync(source, target);
  return target;
}

/** Every built asset: the renderer, the OpenAPI document, the client package's types of it and the console. */
export async function buildDocsAssets(): Promise<void> {
  copyDocsAssets();
  await buildConsoleAssets();
  const document = await buildOpenApiDocument();
  await writeOpenApiDocument(document);
  await writeClientTypes(document);
}

if (import.meta.filename === process.argv[1]) await buildDocsAssets();
