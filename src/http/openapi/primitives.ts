import * as v from "valibot";

/** Building blocks of the response schemas; they import nothing of the app, so any schema file can use them. */

/** Times in responses: RFC 3339 UTC with milliseconds. */
export const TimestampSchema = v.pipe(v.string(), v.isoTimestamp(), v.description("RFC 3339 UTC with milliseconds"));

export const ResponseIdSchema = v.pipe(v.string(), v.ulid(), v.description("ULID"));
