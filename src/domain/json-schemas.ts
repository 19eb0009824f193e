import * as v from "valibot";

/**
 * Schemas for JSON objects, arrays and string maps, made from valibot's public API only.
 * valibot's own object and record schemas take arrays (`typeof [] === "object"`) and pass
 * over the members `__proto__`, `prototype` and `constructor` (its guard against prototype
 * pollution): a closed object would let those through unreported, and a map would drop
 * those valid keys without a word. And its array and record schemas check every item before
 * the length, so 87,000 items cost 87,000 checks before the one issue that matters. These
 * schemas check the shape and the bound first, and every item only within the bound.
 */

/**
 * What each schema made here documents as: a plain valibot twin of the same shape, which JSON
 * Schema converters can read (the checks here are code). The OpenAPI document converts the
 * twins (src/http/openapi/components.ts); validation never uses them.
 */
const twins = new WeakMap<object, v.GenericSchema>();
const withTwin = <S extends object>(schema: S, twin: v.GenericSchema): S => {
  twins.set(schema, twin);
  return schema;
};

/** The documented twin of `schema`: its own, or one made for an optional, nullable or pipe around one; else the schema itself. */
export function documentedAs(schema: v.GenericSchema): v.GenericSchema {
  const known = twins.get(schema);
  if (known) return known;
  const parts = schema as v.GenericSchema & { pipe?: readonly v.GenericSchema[]; wrapped?: v.GenericSchema; default?: never };
  const first = parts.pipe?.[0];
  if (first && twins.has(first)) return documentedAs(first);
  if (schema.type === "optional" && parts.wrapped) return v.optional(documentedAs(parts.wrapped), parts.default);
  if (schema.type === "nullable" && parts.wrapped) return v.nullable(documentedAs(parts.wrapped), parts.default);
  return schema;
}

const documentedEntries = (entries: v.ObjectEntries) =>
  Object.fromEntries(Object.entries(entries).map(([key, schema]) => [key, documentedAs(schema)]));

/** Members valibot's object and record schemas pass over. */
const SPECIAL_KEYS = ["__proto__", "prototype", "constructor"] as const;

export const UNKNOWN_MEMBER = "unknown member; it cannot be set";

export const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** A JSON object, never an array; typed as what the schema after it reads. */
const anObject = <T>() =>
  v.custom<T>(isPlainObject, (issue) => (Array.isArray(issue.input) ? "must be an object, not an array" : "must be an object"));

/** A path item for an issue about the member `key` of `object`, as valibot's own schemas write them. */
const memberPath = (object: Record<string, unknown>, key: string): [v.ObjectPathItem] => [
  { type: "object", origin: "value", input: object, key, value: object[key] },
];

/** Adds `issues` (found on a nested parse) to the running check, each at `prefix` + its own path. */
function forward(
  addIssue: (info: { message: string; path?: [v.IssuePathItem, ...v.IssuePathItem[]] }) => void,
  issues: readonly v.BaseIssue<unknown>[] | undefined,
  prefix: v.IssuePathItem[] = [],
) {
  for (const issue of issues ?? []) {
    const path = [...prefix, ...(issue.path ?? [])];
    addIssue({ message: issue.message, ...(path.length > 0 ? { path: path as [v.IssuePathItem, ...v.IssuePathItem[]] } : {}) });
  }
}

/**
 * A closed JSON object: every unknown member is named as an error (valibot's strictObject
 * stops at the first), the special members included, and an array is refused. Typed as a
 * plain object schema: the `never` rest would otherwise add an index signature. `documentation`
 * is JSON Schema the document adds to the object's (rules across members, in keywords or prose).
 */
export function jsonObject<E extends v.ObjectEntries>(entries: E, documentation?: Record<string, unknown>) {
  const closed = v.objectWithRest(entries, v.never(UNKNOWN_MEMBER)) as unknown as v.ObjectSchema<E, undefined>;
  const plainTwin = v.objectWithRest(documentedEntries(entries), v.never(UNKNOWN_MEMBER));
  const twin = documentation ? v.pipe(plainTwin, v.metadata(documentation)) : plainTwin;
  const schema = v.pipe(
    anObject<v.InferInput<typeof closed>>(),
    v.rawCheck(({ dataset, addIssue }) => {
      if (!dataset.typed) return;
      const object = dataset.value as Record<string, unknown>;
      const special = SPECIAL_KEYS.filter((key) => Object.hasOwn(object, key) && !Object.hasOwn(entries, key));
      if (special.length === 0) return;
      for (const key of special) addIssue({ message: UNKNOWN_MEMBER, path: memberPath(object, key) });
      // An issue here ends the pipe before `closed`: its issues are added now, so every failure is listed at once.
      forward(addIssue, v.safeParse(closed, object).issues);
    }),
    closed,
  );
  return withTwin(schema, twin);
}

/**
 * A JSON array of `min` to `max` items: the length is checked first, and only an array
 * within it has its items checked. In the OpenAPI document it is the plain array with
 * minItems and maxItems.
 */
export const boundedArray = <S extends v.GenericSchema>(item: S, min: number, max: number, messages: { min: string; max: string }) =>
  withTwin(
    v.pipe(
      // Typed as an array of `item`s, so clients (hono/client) see the items' type; its items are checked only by the last step.
      v.array(v.unknown()) as unknown as v.ArraySchema<S, undefined>,
      v.minLength(min, messages.min),
      v.maxLength(max, messages.max),
      v.array(item),
    ),
    v.pipe(v.array(documentedAs(item)), v.minLength(min), v.maxLength(max)),
  );

/**
 * A string map (configuration, parameters): a JSON object of at most `maxEntries` entries,
 * counted before any entry is checked, each key and value checked with `key` and `value`.
 * The special keys are kept as own properties, like any other valid key.
 */
export function stringMap<V extends v.GenericSchema<unknown, string | null>>(
  key: v.GenericSchema<string, string>,
  value: V,
  maxEntries: number,
) {
  const twin = v.pipe(v.record(key, documentedAs(value)), v.maxEntries(maxEntries));
  const schema = v.pipe(
    anObject<Record<string, unknown>>(),
    v.check((map) => Object.keys(map).length <= maxEntries, `at most ${maxEntries} entries`),
    v.rawTransform(({ dataset, addIssue }) => {
      const input = dataset.value;
      const output: Record<string, v.InferOutput<V>> = {};
      for (const name of Object.keys(input)) {
        const keyResult = v.safeParse(key, name);
        const valueResult = v.safeParse(value, input[name]);
        if (keyResult.success && valueResult.success) {
          // defineProperty, not assignment: `output["__proto__"] = …` would set the prototype.
          Object.defineProperty(output, name, { value: valueResult.output, enumerable: true, writable: true, configurable: true });
        } else {
          const path = memberPath(input, name);
          forward(addIssue, keyResult.issues, path);
          forward(addIssue, valueResult.issues, path);
        }
      }
      return output;
    }),
  );
  return withTwin(schema, twin);
}
