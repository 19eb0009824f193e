import type { Pipeline } from "./pipeline";

/**
 * RFC 6902 JSON Patch between two revisions' content (docs/history.md, `diff`). Content is
 * the pipeline without `version`, `createdAt` and `updatedAt`, and its stages without
 * theirs; stages are addressed by index.
 */

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export type PatchOperation =
  | { op: "add"; path: string; value: JsonValue }
  | { op: "remove"; path: string }
  | { op: "replace"; path: string; value: JsonValue };

/** The content a diff compares: what a rollback restores, plus the id and archived flag. */
export function contentOf(pipeline: Pipeline): JsonValue {
  const { version: _v, createdAt: _c, updatedAt: _u, stages, ...rest } = pipeline;
  return {
    ...rest,
    stages: stages.map(({ createdAt: _sc, updatedAt: _su, ...stage }) => stage),
  } as unknown as JsonValue;
}

const pointer = (path: string, key: string | number) => `${path}/${String(key).replaceAll("~", "~0").replaceAll("/", "~1")}`;

const isObject = (value: JsonValue): value is { [key: string]: JsonValue } =>
  value !== null && typeof value === "object" && !Array.isArray(value);

/**
 * The operations that turn `from` into `to`: objects member by member (removals, then
 * changes in `to`'s order), arrays index by index (common indexes compared, then the tail
 * removed from the end or added in order), anything else replaced whole when it differs.
 */
export function diff(from: JsonValue, to: JsonValue, path = ""): PatchOperation[] {
  if (isObject(from) && isObject(to)) {
    const operations: PatchOperation[] = [];
    for (const key of Object.keys(from)) if (!Object.hasOwn(to, key)) operations.push({ op: "remove", path: pointer(path, key) });
    for (const [key, value] of Object.entries(to)) {
      if (!Object.hasOwn(from, key)) operations.push({ op: "add", path: pointer(path, key), value });
      else operations.push(...diff(from[key] as JsonValue, value, pointer(path, key)));
    }
    return operations;
  }
  if (Array.isArray(from) && Array.isArray(to)) {
    const common = Math.min(from.length, to.length);
    const operations: PatchOperation[] = [];
    for (let i = 0; i < common; i++) operations.push(...diff(from[i] as JsonValue, to[i] as JsonValue, pointer(path, i)));
    for (let i = from.length - 1; i >= common; i--) operations.push({ op: "remove", path: pointer(path, i) });
    for (let i = common; i < to.length; i++) operations.push({ op: "add", path: pointer(path, i), value: to[i] as JsonValue });
    return operations;
  }
  return JSON.stringify(from) === JSON.stringify(to) ? [] : [{ op: "replace", path, value: to }];
}
