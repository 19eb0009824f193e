import * as v from "valibot";
import { type FieldIssue, ValidationError } from "./errors";

const escapePointer = (key: unknown) => String(key).replaceAll("~", "~0").replaceAll("/", "~1");

function toFieldIssue(issue: v.BaseIssue<unknown>): FieldIssue {
  const path = (issue.path ?? []).map((item) => `/${escapePointer(item.key)}`).join("");
  return { path, message: issue.message };
}

/** Schema types that stand for a JSON object. */
const OBJECT_TYPES = new Set(["object", "object_with_rest", "strict_object", "loose_object", "record"]);
/** Members valibot's object and record schemas pass over (its guard against prototype pollution). */
const SKIPPED_KEYS = new Set(["__proto__", "prototype", "constructor"]);

interface SchemaNode {
  type?: string;
  wrapped?: SchemaNode;
  entries?: Record<string, SchemaNode>;
  rest?: SchemaNode;
  key?: SchemaNode;
  value?: SchemaNode;
  item?: SchemaNode;
  pipe?: unknown[];
}

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === "object";

const issuesAt = (path: string, result: { success: boolean; issues?: v.BaseIssue<unknown>[] }) =>
  (result.success ? [] : (result.issues ?? [])).map((issue) => {
    const { path: inner, message } = toFieldIssue(issue);
    return { path: `${path}${inner}`, message };
  });

/**
 * What valibot's object and record schemas get wrong for JSON. They take arrays too
 * (`typeof [] === "object"`), so `[]` would pass as an empty object and `["x"]` as
 * `{"0": "x"}`. And they pass over the members `__proto__`, `prototype` and `constructor`:
 * a closed object would let them through unreported, and a record (configuration,
 * parameters) would drop these valid keys without a word. This walks the input along the
 * schema, reports every array where an object is wanted and every such member of a closed
 * object, and puts such an entry of a record into the output (an own property) when it is
 * valid, checking the record's own rules (at most 64 entries) again.
 */
function repairObjects(schema: SchemaNode, input: unknown, output: unknown, path = ""): FieldIssue[] {
  if (!isObject(input)) return [];
  if (schema.wrapped) return repairObjects(schema.wrapped, input, output, path);
  const child = (key: string | number) => (isObject(output) ? (output as Record<string | number, unknown>)[key] : undefined);
  if (Array.isArray(input)) {
    if (schema.type !== undefined && OBJECT_TYPES.has(schema.type)) return [{ path, message: "must be an object, not an array" }];
    const item = schema.type === "array" ? schema.item : undefined;
    return item ? input.flatMap((element, i) => repairObjects(item, element, child(i), `${path}/${i}`)) : [];
  }
  const issues: FieldIssue[] = [];
  let restored = false;
  for (const [key, value] of Object.entries(input)) {
    const at = `${path}/${escapePointer(key)}`;
    if (schema.type === "record" && schema.key && schema.value) {
      if (!SKIPPED_KEYS.has(key)) {
        issues.push(...repairObjects(schema.value, value, child(key), at));
        continue;
      }
      const keyResult = v.safeParse(schema.key as v.GenericSchema, key);
      const valueResult = v.safeParse(schema.value as v.GenericSchema, value);
      issues.push(...issuesAt(at, keyResult), ...issuesAt(at, valueResult));
      if (keyResult.success && valueResult.success && isObject(output)) {
        Object.defineProperty(output, key, { value: valueResult.output, enumerable: true, writable: true, configurable: true });
        restored = true;
      }
    } else if (schema.entries) {
      const entry = Object.hasOwn(schema.entries, key) ? schema.entries[key] : undefined;
      if (entry) issues.push(...repairObjects(entry, value, child(key), at));
      else if (SKIPPED_KEYS.has(key) && schema.rest) issues.push(...issuesAt(at, v.safeParse(schema.rest as v.GenericSchema, value)));
    }
  }
  if (restored && schema.pipe) {
    // The record's own checks (such as its entry limit), now over every entry.
    const checks = v.pipe(v.any(), ...(schema.pipe.slice(1) as [v.GenericPipeAction]));
    issues.push(...issuesAt(path, v.safeParse(checks, output)));
  }
  return issues;
}

/** An unpaired UTF-16 surrogate: JSON can carry it ("\ud800"), UTF-8 (and so D1) cannot. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const NOT_WELL_FORMED = "must be well-formed Unicode (no unpaired surrogate)";

/**
 * Every string (member names included) that is not well-formed Unicode: stored, it would come
 * back as replacement characters, not as written. Iterative, so no nesting depth can
 * overflow the stack.
 */
function illFormedStrings(input: unknown): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const pending: [unknown, string][] = [[input, ""]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [value, path] = next;
    if (typeof value === "string") {
      if (LONE_SURROGATE.test(value)) issues.push({ path, message: NOT_WELL_FORMED });
    } else if (isObject(value)) {
      for (const [key, member] of Object.entries(value)) {
        const at = `${path}/${escapePointer(key)}`;
        if (LONE_SURROGATE.test(key)) issues.push({ path: at, message: NOT_WELL_FORMED });
        pending.push([member, at]);
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
  const found = [
    ...repairObjects(schema as SchemaNode, input, result.output),
    ...illFormedStrings(input),
    ...(result.success ? [] : result.issues.map(toFieldIssue)),
    ...(rules?.(input) ?? []),
  ];
  const seen = new Set<string>();
  const issues = found.filter((issue) => {
    const key = `${issue.path}\n${issue.message}`;
    return !seen.has(key) && seen.add(key);
  });
  if (issues.length > 0 || !result.success) throw new ValidationError(issues);
  return result.output;
}
