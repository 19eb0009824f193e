import fc from "fast-check";

/**
 * Values a JSON Schema allows, as fast-check arbitraries, for the subset the OpenAPI document
 * uses: type, enum, const, string lengths (in code points) and pattern, number bounds, arrays
 * with item bounds and uniqueItems, closed and open objects, propertyNames, anyOf and oneOf,
 * `allOf` of `if`/`then` on members' constants, and `$ref` into components.schemas. Every string is well-formed Unicode without U+0000, a rule
 * the document states once for all strings.
 */

// biome-ignore lint: a parsed JSON Schema
export type Schema = Record<string, any>;

/** Items an array arbitrary makes at most, whatever its maxItems: requests stay small and quick. */
const MAX_GENERATED_ITEMS = 3;

/** Well-formed: encodeURIComponent throws on a lone surrogate. */
const wellFormed = (text: string) => {
  try {
    encodeURIComponent(text);
    return true;
  } catch {
    return false;
  }
};
const usable = (text: string) => !text.includes("\u0000") && wellFormed(text);
const codePoints = (text: string) => [...text].length;

function stringOf(schema: Schema): fc.Arbitrary<string> {
  const min = schema.minLength ?? 0;
  const max = schema.maxLength ?? Math.max(min, 40);
  const within = (text: string) => codePoints(text) >= min && codePoints(text) <= max && usable(text);
  if (typeof schema.pattern === "string") return fc.stringMatching(new RegExp(schema.pattern)).filter(within);
  return fc.string({ unit: "binary", minLength: min, maxLength: Math.min(max, min + 40) }).filter(within);
}

function numberOf(schema: Schema): fc.Arbitrary<number> {
  const min = schema.minimum ?? -(2 ** 31);
  const max = schema.maximum ?? 2 ** 31;
  if (schema.type === "integer") {
    return fc.oneof(
      fc.integer({ min: Math.max(min, Number.MIN_SAFE_INTEGER), max: Math.min(max, Number.MAX_SAFE_INTEGER) }),
      fc.constantFrom(min, max),
    );
  }
  return fc.double({ min, max, noNaN: true, noDefaultInfinity: true }).map((value) => (Object.is(value, -0) ? 0 : value));
}

/** Whether `value` meets an `if` of the subset: members required, and members equal to constants. */
function meets(condition: Schema, value: Record<string, unknown>): boolean {
  const unknown = Object.keys(condition).filter((keyword) => keyword !== "properties" && keyword !== "required");
  if (unknown.length > 0) throw new Error(`No reading of the condition ${JSON.stringify(condition)}`);
  const required: string[] = condition.required ?? [];
  return (
    required.every((name) => name in value) &&
    Object.entries(condition.properties ?? {}).every(([name, member]) => !(name in value) || (member as Schema).const === value[name])
  );
}

export class SchemaArbitraries {
  constructor(private readonly components: Record<string, Schema>) {}

  /** An arbitrary of the values `schema` allows. */
  of(schema: Schema): fc.Arbitrary<unknown> {
    if (schema.$ref) return fc.constant(null).chain(() => this.of(this.resolve(schema.$ref)));
    if ("const" in schema) return fc.constant(schema.const);
    if (schema.enum) return fc.constantFrom(...schema.enum);
    const alternatives = schema.anyOf ?? schema.oneOf;
    if (alternatives) return fc.oneof(...alternatives.map((alternative: Schema) => this.of(alternative)));
    switch (schema.type) {
      case "string":
        return stringOf(schema);
      case "integer":
      case "number":
        return numberOf(schema);
      case "boolean":
        return fc.boolean();
      case "null":
        return fc.constant(null);
      case "array":
        return this.arrayOf(schema);
      case "object":
        return this.objectOf(schema);
      default:
        throw new Error(`No arbitrary for the schema ${JSON.stringify(schema)}`);
    }
  }

  private resolve(ref: string): Schema {
    const name = ref.replace("#/components/schemas/", "");
    const found = this.components[name];
    if (!found) throw new Error(`No schema ${ref}`);
    return found;
  }

  private arrayOf(schema: Schema): fc.Arbitrary<unknown[]> {
    const minLength = schema.minItems ?? 0;
    const maxLength = Math.max(minLength, Math.min(schema.maxItems ?? MAX_GENERATED_ITEMS, MAX_GENERATED_ITEMS));
    const item = this.of(schema.items ?? {});
    return schema.uniqueItems
      ? fc.uniqueArray(item, { minLength, maxLength, selector: (value) => JSON.stringify(value) })
      : fc.array(item, { minLength, maxLength });
  }

  /** `objects` with each `then` whose `if` an object meets drawn anew for the members it names that the object has. */
  private conditional(schema: Schema, objects: fc.Arbitrary<Record<string, unknown>>): fc.Arbitrary<Record<string, unknown>> {
    const parts: Schema[] = schema.allOf ?? [];
    if (parts.some((part) => !part.if || !part.then)) throw new Error(`No arbitrary for allOf ${JSON.stringify(parts)}`);
    if (parts.length === 0) return objects;
    return objects.chain((object) => {
      const redrawn = parts
        .filter((part) => meets(part.if, object))
        .flatMap((part) => Object.entries(part.then.properties ?? {}) as [string, Schema][])
        .filter(([name]) => name in object);
      const members = Object.fromEntries(redrawn.map(([name, member]) => [name, this.of(member)]));
      return fc.record(members).map((drawn) => ({ ...object, ...drawn }));
    });
  }

  private objectOf(schema: Schema): fc.Arbitrary<Record<string, unknown>> {
    const properties: Record<string, Schema> = schema.properties ?? {};
    const required = new Set<string>(schema.required ?? []);
    const members = Object.fromEntries(Object.entries(properties).map(([name, member]) => [name, this.of(member)]));
    const known = this.conditional(
      schema,
      fc.record(members, { requiredKeys: Object.keys(properties).filter((name) => required.has(name)) }),
    );
    if (typeof schema.additionalProperties !== "object") return known;
    const key = stringOf({ type: "string", ...(schema.propertyNames ?? {}) }).filter((name) => !(name in properties));
    const rest = fc.dictionary(key, this.of(schema.additionalProperties), {
      maxKeys: Math.min(schema.maxProperties ?? MAX_GENERATED_ITEMS, MAX_GENERATED_ITEMS),
    });
    return fc.tuple(known, rest).map(([fixed, extra]) => ({ ...extra, ...fixed }));
  }
}
