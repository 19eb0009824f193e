// Copies the API reference renderer (Scalar's standalone build, the version the lockfile pins) into
// public/, where wrangler serves it as a static asset of the Worker (wrangler.toml [assets]).
// `npm run dev`, `npm test` and `npm run deploy` run it; the copy is git-ignored.
import { copyFileSync, mkdirSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

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

if (import.meta.filename === process.argv[1]) copyDocsAssets();
