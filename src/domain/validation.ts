import * as v from "valibot";
import { type FieldIssue, ValidationError } from "./errors";

const escapePointer = (key: unknown) => String(key).replaceAll("~", "~0").replaceAll("/", "~1");

function toFieldIssue(issue: v.BaseIssue<unknown>): FieldIssue {
  const path = (issue.path ?? []).map((item) => `/${escapePointer(item.key)}`).join("");
  return { path, message: issue.message };
}

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === "object";

/** An unpaired UTF-16 surrogate: JSON can carry it ("\ud800"), UTF-8 (and so D1) cannot. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const NOT_WELL_FORMED = "must be well-formed Unicode (no unpaired surrogate)";

/**
 * U+0000: valid Unicode, but PostgreSQL's text cannot hold it, so no backend stores it (one
 * rule for both): refused in bodies here, and in query parameters and cursors where they are read.
 */
export const hasNul = (text: string) => text.includes("\u0000");
export const NO_NUL = "must not contain the character U+0000";

/** Either character a string must be free of, so a string without one passes in a single scan. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: U+0000 is one of the characters looked for.
const SUSPECT = /[\u0000\ud800-\udfff]/;

/**
 * Every string (member names included) that is not well-formed Unicode: stored, it would come
 * back as replacement characters, not as written. Iterative, so no nesting depth can
 * overflow the stack; a path is spelled out only for an object or an issue.
 */
function illFormedStrings(input: unknown): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const pathOf = (parent: string, key: string | undefined) => (key === undefined ? parent : `${parent}/${escapePointer(key)}`);
  const check = (text: string, parent: string, key: string | undefined) => {
    if (!SUSPECT.test(text)) return;
    if (LONE_SURROGATE.test(text)) issues.push({ path: pathOf(parent, key), message: NOT_WELL_FORMED });
    if (hasNul(text)) issues.push({ path: pathOf(parent, key), message: NO_NUL });
  };
  // Each value with its parent's path and its key.
  const pending: [value: unknown, parent: string, key: string | undefined][] = [[input, "", undefined]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [value, parent, key] = next;
    if (typeof value === "string") check(value, parent, key);
    else if (isObject(value)) {
      const at = pathOf(parent, key);
      for (const member in value) {
        check(member, at, member);
        pending.push([value[member], at, member]);
      }
    }
  }
  return issues;
}

/**
 * Parses `input` with `schema` and the cross-field `rules`, and throws one ValidationError
 * listing every failing field, or returns the typed output.
 */
export function parseInput<S extends v.GenericSchema>(
  schema: S,
  input: unknown,
  rules?: (input: unknown) => FieldIssue[],
): v.InferOutput<S> {
  const result = v.safeParse(schema, input);
  const found = [...illFormedStrings(input), ...(result.success ? [] : result.issues.map(toFieldIssue)), ...(rules?.(input) ?? [])];
  const seen = new Set<string>();
  const issues = found.filter((issue) => {
    const key = `${issue.path}\n${issue.message}`;
    return !seen.has(key) && seen.add(key);
  });
  if (issues.length > 0 || !result.success) throw new ValidationError(issues);
  return result.output;
}
