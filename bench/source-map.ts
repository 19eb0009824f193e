import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

/**
 * Where a position of a built script comes from: its source map (`<script>.map`, which
 * wrangler writes beside the script, minified or not), or else the `// node_modules/…` and
 * `// src/…` markers esbuild writes before each module of an unminified bundle. A small
 * decoder of the source map format (base64 VLQ mappings), so the bench needs no package for it.
 */

export interface Origin {
  /** The module group: a package name, "app (src/)", "baseline (bench/)", or "bundler helpers". */
  group: string;
  /** The original file (relative to the repository, or the package's path) and 1-based line, when known. */
  source?: string;
  line?: number;
  /** The original name at that position, when the map gives one. */
  name?: string;
}

const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const DIGIT = new Map([...BASE64].map((char, i) => [char, i]));

/** One generated line's segments: [column, source, line, column, name?], absolute values. */
type Segment = [number, number, number, number, number];

function decode(mappings: string): Segment[][] {
  const lines: Segment[][] = [];
  let source = 0;
  let line = 0;
  let column = 0;
  let name = 0;
  for (const text of mappings.split(";")) {
    const segments: Segment[] = [];
    let generated = 0;
    for (const part of text.split(",")) {
      if (part === "") continue;
      const values: number[] = [];
      let value = 0;
      let shift = 0;
      for (const char of part) {
        const digit = DIGIT.get(char) ?? 0;
        value += (digit & 31) << shift;
        if (digit & 32) shift += 5;
        else {
          values.push(value & 1 ? -(value >>> 1) : value >>> 1);
          value = 0;
          shift = 0;
        }
      }
      generated += values[0] ?? 0;
      if (values.length < 4) continue;
      source += values[1] ?? 0;
      line += values[2] ?? 0;
      column += values[3] ?? 0;
      if (values.length > 4) name += values[4] ?? 0;
      segments.push([generated, source, line, column, values.length > 4 ? name : -1]);
    }
    lines.push(segments);
  }
  return lines;
}

const PACKAGE = /node_modules\/((?:@[^/\s]+\/)?[^/\s]+)\//;
/** The group of a source path (relative to the repository, or with its node_modules part). */
export function groupOf(source: string): string {
  const dependency = PACKAGE.exec(source)?.[1];
  if (dependency) return dependency;
  if (/(^|\/)src\//.test(source)) return "app (src/)";
  if (/(^|\/)bench\//.test(source)) return "baseline (bench/)";
  return "bundler helpers";
}

/**
 * A package's own source maps can point outside it: drizzle-orm's `sql/sql.js.map` names
 * `../../src/sql/sql.ts`, which esbuild resolves to `node_modules/src/sql/sql.ts`. Such a path
 * is given back to the package that has the compiled file beside that map.
 */
function owningPackage(path: string): string {
  const match = /^(.*\/node_modules)\/(.+)$/.exec(path);
  if (!match?.[1] || !match[2]) return path;
  const [, modules, rest] = match;
  const top = rest.split("/")[0] as string;
  if (existsSync(join(modules, top, "package.json")) || top.startsWith("@")) return path;
  const compiled = `${rest.split("/").slice(1).join("/").replace(/\.ts$/, ".js")}.map`;
  const owner = readdirSync(modules).find((name) => existsSync(join(modules, name, compiled)));
  return owner ? join(modules, owner, rest.split("/").slice(1).join("/")) : path;
}

/** A source path as shown: relative to the repository, or from `node_modules/` on. */
const shortPath = (path: string) => /node_modules\/.*$/.exec(path)?.[0] ?? relative(ROOT, path);
const ROOT = resolve(import.meta.dirname, "..");

/** esbuild's marker before each module: `// node_modules/<package>/…` (maybe behind `../`), or `// src/…`. */
const MARKER = /^\/\/ ((?:\S*\/)?(?:node_modules|src|bench)\/\S+)/;

/** A lookup from (0-based line, column) of `script` to its origin. */
export function origins(script: string): { lookup(line: number, column: number): Origin; sourceMapped: boolean } {
  const map = `${script}.map`;
  if (existsSync(map)) {
    const parsed = JSON.parse(readFileSync(map, "utf8")) as { sources: string[]; sourceRoot?: string; names: string[]; mappings: string };
    const { names, mappings } = parsed;
    // Sources are relative to the map (and its source root), whatever the build's working directory.
    const base = resolve(dirname(map), parsed.sourceRoot && !parsed.sourceRoot.startsWith("/") ? parsed.sourceRoot : "");
    const sources = parsed.sources.map((source) => (source.includes(":") ? source : shortPath(owningPackage(resolve(base, source)))));
    const lines = decode(mappings);
    const groups = sources.map(groupOf);
    return {
      sourceMapped: true,
      lookup(line, column) {
        const segments = lines[line] ?? [];
        // The last segment at or before the column.
        let low = 0;
        let high = segments.length - 1;
        let found: Segment | undefined;
        while (low <= high) {
          const middle = (low + high) >> 1;
          const segment = segments[middle] as Segment;
          if (segment[0] <= column) {
            found = segment;
            low = middle + 1;
          } else high = middle - 1;
        }
        if (!found) return { group: "bundler helpers" };
        const [, source, sourceLine, , name] = found;
        return {
          group: groups[source] ?? "bundler helpers",
          source: sources[source] ?? "?",
          line: sourceLine + 1,
          ...(name >= 0 && names[name] ? { name: names[name] } : {}),
        };
      },
    };
  }
  let current: Origin = { group: "bundler helpers" };
  const byLine = readFileSync(script, "utf8")
    .split("\n")
    .map((text) => {
      const marked = MARKER.exec(text)?.[1];
      if (marked) current = { group: groupOf(marked), source: marked.replace(/^(\.\.\/)+/, "") };
      return current;
    });
  return { sourceMapped: false, lookup: (line) => byLine[line] ?? { group: "bundler helpers" } };
}
