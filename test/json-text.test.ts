import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { jsonText, parseJsonText } from "../src/domain/json-text";

describe("JSON text kept with the values read from it", () => {
  it("writes any JSON value exactly as JSON.stringify does", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(jsonText(value)).toBe(JSON.stringify(value));
      }),
    );
  });

  it("writes a value read from text as that very text, inside the arrays and objects around it", () => {
    // Spacing JSON.stringify would not write shows which text went out.
    const pipeline = parseJsonText<{ id: string }>('{"id": "p1",  "stages": [ ]}');
    expect(jsonText({ data: [pipeline], nextCursor: null })).toBe('{"data":[{"id": "p1",  "stages": [ ]}],"nextCursor":null}');
    expect(jsonText(pipeline)).toBe('{"id": "p1",  "stages": [ ]}');
  });

  it("gives the same JSON as parsing and serializing again, for any object read from text", () => {
    fc.assert(
      fc.property(fc.array(fc.dictionary(fc.string(), fc.jsonValue())), fc.option(fc.string()), (items, cursor) => {
        const read = items.map((item) => parseJsonText<object>(JSON.stringify(item)));
        const page = { data: read, nextCursor: cursor };
        expect(JSON.parse(jsonText(page))).toEqual(JSON.parse(JSON.stringify({ data: items, nextCursor: cursor })));
      }),
    );
  });

  it("freezes what it reads, to its last member, so the text cannot go stale", () => {
    const pipeline = parseJsonText<{ stages: { parameters: Record<string, string> }[] }>('{"stages":[{"parameters":{"level":"6"}}]}');
    expect(() => {
      (pipeline.stages[0] as { parameters: Record<string, string> }).parameters.level = "9";
    }).toThrow(TypeError);
    expect(Object.isFrozen(pipeline.stages)).toBe(true);
  });

  it("leaves out undefined members and writes undefined array items as null, as JSON.stringify does", () => {
    const value = { a: undefined, b: [undefined, 1], c: () => 1, d: new Date(0) };
    expect(jsonText(value)).toBe(JSON.stringify(value));
  });
});
