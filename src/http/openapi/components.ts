import { type ConversionConfig, type OverrideSchemaContext, toJsonSchemaDefs } from "@valibot/to-json-schema";
import type * as v from "valibot";
import { documentedAs } from "../../domain/json-schemas";
import { namedSchemas } from "./named";
import type { JsonSchema, Operation } from "./types";

/**
 * `components.schemas`: the named schemas (src/http/openapi/named.ts) that the operations refer
 * to, and the named schemas inside those, by name. Responses are converted as the server writes
 * them (defaults filled in), request bodies as clients may send them (members with defaults
 * optional), through their documented twins (src/domain/json-schemas.ts): the schemas that
 * validate refuse arrays and bound sizes in code, which a converter cannot read.
 */

const PREFIX = "#/components/schemas/";
const pointer = (name: string) => `${PREFIX}${name}`;

const OBJECTS = new Set(["object", "object_with_rest", "strict_object"]);

/**
 * Every object is closed (`additionalProperties: false`): requests refuse unknown members
 * (jsonObject's `never` rest would otherwise come out as `{not: {}}`, which generators read as
 * an open index signature), and responses carry exactly the documented members. In requests a
 * default goes into the description: generators such as openapi-typescript make a member with a
 * `default` required, though a client may leave it out.
 */
function override(typeMode: "input" | "output", { valibotSchema, jsonSchema }: OverrideSchemaContext) {
  let schema = OBJECTS.has(valibotSchema.type) ? { ...jsonSchema, additionalProperties: false } : jsonSchema;
  if (typeMode === "input" && schema.default !== undefined) {
    const { default: fallback, ...rest } = schema;
    const note = `Defaults to \`${JSON.stringify(fallback)}\`.`;
    schema = { ...rest, description: rest.description ? `${rest.description} ${note}` : note };
  }
  return schema === jsonSchema ? undefined : schema;
}

const config = (typeMode: "input" | "output"): ConversionConfig => ({
  target: "draft-2020-12",
  typeMode,
  // Checks that JSON Schema cannot say (code point counts, cross-field rules) carry their limits
  // as metadata; the rest are documented in descriptions.
  errorMode: "ignore",
  overrideRef: ({ referenceId }) => pointer(referenceId),
  overrideSchema: (context) => override(typeMode, context),
});

/** The names of the schemas that `value` (part of a document) refers to. */
function referredNames(value: unknown, into: Set<string>): Set<string> {
  if (Array.isArray(value)) for (const item of value) referredNames(item, into);
  else if (typeof value === "object" && value !== null) {
    for (const [key, member] of Object.entries(value)) {
      if (key === "$ref" && typeof member === "string" && member.startsWith(PREFIX)) into.add(member.slice(PREFIX.length));
      else referredNames(member, into);
    }
  }
  return into;
}

/** `names` and every named schema their conversions refer to, converted; sorted by name. */
function reachable(names: Set<string>, converted: Record<string, JsonSchema>): Map<string, JsonSchema> {
  const found = new Map<string, JsonSchema>();
  const pending = [...names];
  for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
    if (found.has(name)) continue;
    const schema = converted[name];
    if (!schema) throw new Error(`The document refers to ${pointer(name)}, which no named schema declares.`);
    found.set(name, schema);
    pending.push(...referredNames(schema, new Set()));
  }
  return found;
}

/**
 * The named schemas that `bodies` refer to, with those inside them, converted in `typeMode`:
 * every named schema is a definition, so a named schema inside another is a reference to it.
 */
function convert(bodies: unknown[], typeMode: "input" | "output", documented: (schema: v.GenericSchema) => v.GenericSchema) {
  const definitions = Object.fromEntries([...namedSchemas()].map(([name, schema]) => [name, documented(schema)]));
  return reachable(referredNames(bodies, new Set()), toJsonSchemaDefs(definitions, config(typeMode)) as Record<string, JsonSchema>);
}

/** The components of `operations`: the schemas their responses answer with and those their request bodies take, by name. */
export function componentSchemas(operations: readonly Operation[]): Record<string, JsonSchema> {
  const responses = convert(
    operations.map((operation) => operation.responses),
    "output",
    (schema) => schema,
  );
  const requests = convert(
    operations.map((operation) => operation.requestBody),
    "input",
    documentedAs,
  );
  for (const name of requests.keys()) {
    if (responses.has(name)) throw new Error(`${name} is both a request and a response body: name each of them.`);
  }
  return Object.fromEntries([...responses, ...requests].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
