import * as v from "valibot";
import { IdSchema } from "../../domain/ids";

/** Building blocks of the response schemas; they import only the domain's rules, so any schema file can use them. */

/** Times in responses: RFC 3339 UTC with milliseconds. */
export const TimestampSchema = v.pipe(v.string(), v.isoTimestamp(), v.description("RFC 3339 UTC with milliseconds"));

export const ResponseIdSchema = v.pipe(IdSchema, v.description("ULID"));
