// The web console's static assets (docs/console.md): console/main.ts and what it imports,
// bundled by esbuild into one script, and its stylesheet, in public/console/ (git-ignored).
// The page itself is public/console.html; scripts/docs-assets.ts calls this, so `npm run dev`,
// `npm test` and `npm run deploy` build it.
import { copyFileSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { build } from "esbuild";

const root = resolve(import.meta.dirname, "..");
const target = join(root, "public/console");

export async function buildConsoleAssets(): Promise<string> {
  mkdirSync(target, { recursive: true });
  await build({
    entryPoints: [join(root, "console/main.ts")],
    outfile: join(target, "console.js"),
    bundle: true,
    format: "esm",
    target: "es2022",
    minify: true,
    sourcemap: "linked",
    tsconfig: join(root, "console/tsconfig.json"),
    logLevel: "warning",
  });
  copyFileSync(join(root, "console/console.css"), join(target, "console.css"));
  return target;
}

if (import.meta.filename === process.argv[1]) await buildConsoleAssets();
