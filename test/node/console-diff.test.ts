import fc from "fast-check";
import jsonPatch from "fast-json-patch";
import { describe, expect, it } from "vitest";
import { applyPatch, changedStages, describeOperations, formatValue, type Operation, parsePointer } from "../../console/diff.ts";

type PatchOperations = Parameters<typeof jsonPatch.applyPatch>[1];

/** The console's reading of the diff endpoint's operations (console/diff.ts), held to fast-json-patch, a patcher nobody here wrote. */
const version = (algorithm: string, configuration: Record<string, string> = { env: "prod" }) => ({
  name: "alpha",
  archived: false,
  configuration,
  stages: [
    { id: "s1", name: "compress", algorithm, parameters: { level: "3" } },
    { id: "s2", name: "sum", algorithm: "sha256", parameters: {} },
  ],
});

describe("the diff rows", () => {
  it("name the stage an operation touches by position and name, with the values before and after", () => {
    const from = version("gzip");
    const operations: Operation[] = [
      { op: "replace", path: "/stages/0/algorithm", value: "zstd" },
      { op: "add", path: "/configuration/owner", value: "data-team" },
      { op: "remove", path: "/configuration/env" },
    ];
    expect(describeOperations(from, operations)).toEqual([
      { op: "replace", path: "/stages/0/algorithm", label: "stage 1 “compress” › algorithm", stage: 0, before: "gzip", after: "zstd" },
      { op: "add", path: "/configuration/owner", label: "configuration › owner", stage: null, after: "data-team" },
      { op: "remove", path: "/configuration/env", label: "configuration › env", stage: null, before: "prod" },
    ]);
  });

  it("read each value as the operations before it left the document", () => {
    const from = version("gzip");
    const rows = describeOperations(from, [
      { op: "remove", path: "/stages/0" },
      { op: "replace", path: "/stages/0/algorithm", value: "blake3" },
    ]);
    expect(rows.map((row) => [row.label, row.before])).toEqual([
      ["stage 1 “compress”", from.stages[0]],
      ["stage 1 “sum” › algorithm", "sha256"],
    ]);
    expect(changedStages(rows)).toEqual(new Set([0]));
  });

  it("name a stage that an operation adds by the name it brings", () => {
    const rows = describeOperations(version("gzip"), [
      { op: "add", path: "/stages/2", value: { name: "encrypt", algorithm: "aes-256-gcm" } },
    ]);
    expect(rows[0]?.label).toBe("stage 3 “encrypt”");
    expect(rows[0]?.stage).toBe(2);
  });

  it("unescape pointers as RFC 6901 says and show values as text or compact JSON", () => {
    expect(parsePointer("/configuration/a~1b~0c")).toEqual(["configuration", "a/b~c"]);
    expect(parsePointer("")).toEqual([]);
    expect(() => parsePointer("stages")).toThrow();
    expect([formatValue("zstd"), formatValue(3), formatValue({ a: "1" }), formatValue(null), formatValue(undefined)]).toEqual([
      "zstd",
      "3",
      '{"a":"1"}',
      "null",
      "",
    ]);
  });
});

const json = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    fc.string({ maxLength: 4 }),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(fc.string({ minLength: 1, maxLength: 3 }), tie("value"), { maxKeys: 4 }),
  ),
})).value;
const documents = fc.dictionary(fc.constantFrom("name", "configuration", "stages", "a/b", "~x"), json, { maxKeys: 5 });

describe("applying a patch", () => {
  it("gives what fast-json-patch gives, for the patch between any two documents, and one row per operation", () => {
    fc.assert(
      fc.property(documents, documents, (from, to) => {
        const operations = jsonPatch.compare(from, to) as Operation[];
        const ours = applyPatch(from, operations);
        expect(ours).toEqual(jsonPatch.applyPatch(structuredClone(from), operations as PatchOperations).newDocument);
        expect(ours).toEqual(to);
        expect(describeOperations(from, operations)).toHaveLength(operations.length);
      }),
    );
  });

  it("moves and copies values as RFC 6902 says, and leaves the document it was given as it was", () => {
    const from = { stages: ["a", "b", "c"], configuration: { env: "prod" } };
    const operations: Operation[] = [
      { op: "move", from: "/stages/0", path: "/stages/2" },
      { op: "copy", from: "/configuration/env", path: "/configuration/was" },
    ];
    const expected = jsonPatch.applyPatch(structuredClone(from), operations as PatchOperations).newDocument;
    expect(applyPatch(from, operations)).toEqual(expected);
    expect(from).toEqual({ stages: ["a", "b", "c"], configuration: { env: "prod" } });
  });
});
