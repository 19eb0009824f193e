import * as v from "valibot";
import { type FieldIssue, ValidationError } from "./errors";

const escapePointer = (key: unknown) => String(key).replaceAll("~", "~0").replaceAll("/", "~1");

function toFieldIssue(issue: v.BaseIssue<unknown>): FieldIssue {
  const path = (issue.path ?? []).map((item) => `/${escapePointer(item.key)}`).join("");
  return { path, message: issue.message };
}

/** Schema types that stand for a JSON object. */
const OBJECT_TYPES = new Set(["object", "object_with_rest", "strict_object", "loose_object", "record"]);

interface SchemaNode {
  type?: string;
  wrapped?: SchemaNode;
  entries?: Record<string, SchemaNode>;
  value?: SchemaNode;
  item?: SchemaNode;
}

/**
 * valibot's object and record schemas take arrays too (`typeof [] === "object"`), so `[]` would
 * pass as an empty object and `["x"]` as `{"0": "x"}`. A JSON array is never a JSON object:
 * this finds every array where the schema wants an object.
 */
function arraysForObjects(schema: SchemaNode, input: unknown, path = ""): FieldIssue[] {
  if (input === null || typeof input !== "object") return [];
  if (schema.wrapped) return arraysForObjects(schema.wrapped, input, path);
  if (Array.isArray(input)) {
    if (schema.type !== undefined && OBJECT_TYPES.has(schema.type)) return [{ path, message: "must be an object, not an array" }];
    const item = schema.type === "array" ? schema.item : undefined;
    return item ? input.flatMap((element, i) => arraysForObjects(item, element, `${path}/${i}`)) : [];
  }
  const members = Object.entries(input as Record<string, unknown>);
  const memberSchema = (key: string) => (schema.type === "record" ? schema.value : schema.entries?.[key]);
  return members.flatMap(([key, value]) => {
    const node = memberSchema(key);
    return node ? arraysForObjects(node, value, `${path}/${escapePointer(key)}`) : [];
  });
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
    ...arraysForObjects(schema as SchemaNode, input),
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
