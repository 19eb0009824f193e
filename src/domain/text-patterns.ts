/**
 * Patterns of one-line text (names, display names) written with explicit ranges only, so the
 * same source compiles in ECMA-262 (with or without the `u` flag) and in Python's `re`, which
 * rejects `\p{...}`: the OpenAPI document publishes these sources, and the server checks with them.
 */

/** What String.prototype.trim removes beyond the control characters: ECMA-262's WhiteSpace and LineTerminator outside C0. */
const WHITE_SPACE = " \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff";

/** The C0 controls and DEL. */
export const C0_AND_DEL = "\\u0000-\\u001f\\u007f";
/** Unicode's Cc category: C0, DEL and C1. */
export const CC = "\\u0000-\\u001f\\u007f-\\u009f";

/**
 * Text free of the `control` ranges that neither starts nor ends with white space
 * (`s.trim() === s`). The empty text matches: lengths are the schemas' own rule, so an empty
 * name is one issue, not two. A character outside the BMP is two UTF-16 units here and one
 * code point in Python; neither is in a range, so both engines accept it.
 */
export function trimmedTextPattern(control: string): RegExp {
  const edge = `[^${control}${WHITE_SPACE}]`;
  return new RegExp(`^(?:${edge}(?:[^${control}]*${edge})?)?$`);
}
