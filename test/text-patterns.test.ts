import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { NAME_PATTERN } from "../src/domain/pipeline";
import { C0_AND_DEL, trimmedTextPattern } from "../src/domain/text-patterns";
import { propertyParameters } from "./support/properties";

/**
 * The portable patterns of names say, in explicit ranges, what JavaScript says with `\p{Cc}`
 * and `trim()`: each is checked against that reading over drawn text, white space and
 * control characters made likely.
 */

const SPACES = [
  " ",
  "\u00a0",
  "\u1680",
  "\u2000",
  "\u200a",
  "\u2028",
  "\u2029",
  "\u202f",
  "\u205f",
  "\u3000",
  "\ufeff",
  "\u0085",
  "\u200b",
];
const CONTROLS = ["\u0000", "\t", "\n", "\u001f", "\u007f", "\u0080", "\u009f"];
const text = fc
  .array(fc.oneof(fc.constantFrom(...SPACES, ...CONTROLS), fc.string({ unit: "binary", minLength: 1, maxLength: 2 })), { maxLength: 6 })
  .map((parts) => parts.join(""))
  .filter((joined) => {
    try {
      encodeURIComponent(joined);
      return true;
    } catch {
      return false;
    }
  });

describe("portable text patterns", () => {
  it("accept a name exactly when it has no control character (Cc) and trim() leaves it as it is", () => {
    fc.assert(
      fc.property(text, (value) => {
        expect(NAME_PATTERN.test(value), JSON.stringify(value)).toBe(/^\P{Cc}*$/u.test(value) && value.trim() === value);
      }),
      propertyParameters(2000),
    );
  });

  it("accept a display name exactly when it has no C0 control or DEL and trim() leaves it as it is", () => {
    const pattern = trimmedTextPattern(C0_AND_DEL);
    fc.assert(
      fc.property(text, (value) => {
        // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it looks for
        expect(pattern.test(value), JSON.stringify(value)).toBe(!/[\u0000-\u001f\u007f]/.test(value) && value.trim() === value);
      }),
      propertyParameters(2000),
    );
  });

  it("read the same with the u flag, as JSON Schema validators compile them", () => {
    fc.assert(
      fc.property(text, (value) => {
        expect(new RegExp(NAME_PATTERN.source, "u").test(value)).toBe(NAME_PATTERN.test(value));
      }),
      propertyParameters(2000),
    );
  });
});
