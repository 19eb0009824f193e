import { monotonicFactory } from "ulid";
import * as v from "valibot";

/** ULIDs: 26 characters of Crockford base32, sortable by creation time. */
export const newId = monotonicFactory();

export const ID_PATTERN = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/;

export const IdSchema = v.pipe(v.string(), v.regex(ID_PATTERN, "must be a ULID (26 characters of Crockford base32)"));

export const isId = (value: string) => ID_PATTERN.test(value);
