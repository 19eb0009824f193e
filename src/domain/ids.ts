import * as v from "valibot";

/** New ids come from ./ulid.ts (a module without imports, so the bench's baseline takes the same one). */
export { newId } from "./ulid";

/**
 * The one pattern of an id, everywhere (paths, bodies, cursors, the OpenAPI document): upper
 * case only, as newId writes them, and a first character of 0 to 7 (a 48-bit time).
 */
export const ID_PATTERN = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/;

export const IdSchema = v.pipe(v.string(), v.regex(ID_PATTERN, "must be a ULID (26 characters of Crockford base32)"));

export const isId = (value: string) => ID_PATTERN.test(value);
