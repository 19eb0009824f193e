import type * as v from "valibot";
import { documentedAs } from "../../domain/json-schemas";

/**
 * Schemas that the document lists in `components.schemas`, each named where it is declared,
 * with the example every body of that schema shows. The document takes the ones its routes
 * refer to, and the named schemas inside those (src/http/openapi/components.ts).
 */

const byName = new Map<string, v.GenericSchema>();
const names = new WeakMap<object, string>();

/** What an example may be: the schema's input, read-only all the way down (examples are shared `as const` objects). */
type Example<T> = T extends readonly (infer U)[]
  ? readonly Example<U>[]
  : T extends object
    ? { readonly [K in keyof T]: Example<T[K]> }
    : T;

/** Each named schema's example, by name (a test checks each against its schema in the document). */
export const EXAMPLES: Record<string, unknown> = {};

/**
 * Names `schema` for the document, with its example, and returns it unchanged. A request schema
 * is documented through its twin (src/domain/json-schemas.ts), which gets the same name.
 */
export function named<S extends v.GenericSchema>(name: string, schema: S, example: Example<v.InferInput<S>>): S {
  if (byName.has(name)) throw new Error(`Two schemas are named ${name}.`);
  byName.set(name, schema);
  names.set(schema, name);
  names.set(documentedAs(schema), name);
  EXAMPLES[name] = example;
  return schema;
}

/** The name of a schema a route answers or takes; an unnamed one is an error when the routes load. */
export function schemaName(schema: v.GenericSchema): string {
  const name = names.get(schema);
  if (name === undefined) throw new Error("A route refers to a schema without a name: declare it with named(name, schema, example).");
  return name;
}

/** Every named schema, by name. */
export const namedSchemas = (): ReadonlyMap<string, v.GenericSchema> => byName;
