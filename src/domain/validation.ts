import * as v from "valibot";
import { type FieldIssue, ValidationError } from "./errors";

const escapePointer = (key: unknown) => String(key).replaceAll("~", "~0").replaceAll("/", "~1");

function toFieldIssue(issue: v.BaseIssue<unknown>): FieldIssue {
  const path = (issue.path ?? []).map((item) => `/${escapePointer(item.key)}`).join("");
  return { path, message: issue.message };
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
  const found = [...(result.success ? [] : result.issues.map(toFieldIssue)), ...(rules?.(input) ?? [])];
  const seen = new Set<string>();
  const issues = found.filter((issue) => {
    const key = `${issue.path}\n${issue.message}`;
    return !seen.has(key) && seen.add(key);
  });
  if (issues.length > 0 || !result.success) throw new ValidationError(issues);
  return result.output;
}
