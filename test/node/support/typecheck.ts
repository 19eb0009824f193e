import { spawnSync } from "node:child_process";
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

export const root = resolve(import.meta.dirname, "../../..");

/** The compiler options of a typical consumer: strict, DOM types, no Workers types, no access to src/. */
export const CONSUMER_OPTIONS = {
  target: "ES2022",
  module: "ESNext",
  moduleResolution: "Bundler",
  lib: ["ES2022", "DOM", "DOM.Iterable"],
  types: [],
  strict: true,
  noEmit: true,
  skipLibCheck: true,
};

/** Writes files (path → text) under `dir`, and links the named packages from this project's node_modules. */
export function scratchPackage(dir: string, files: Record<string, string>, packages: Record<string, string>) {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  for (const [name, target] of Object.entries(packages)) {
    mkdirSync(dirname(join(dir, "node_modules", name)), { recursive: true });
    symlinkSync(target, join(dir, "node_modules", name), "dir");
  }
}

/** Runs tsc on a directory's tsconfig.json; returns its output ("" when it type-checks). */
export function tsc(dir: string): string {
  const result = spawnSync(join(root, "node_modules/.bin/tsc"), ["-p", dir], { encoding: "utf8" });
  return result.status === 0 ? "" : `${result.stdout}${result.stderr}` || `tsc exited with ${result.status}`;
}
