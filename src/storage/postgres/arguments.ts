import type { WriteContext } from "../../domain/history";
import { newId } from "../../domain/ids";
import { sql } from "../shared/sql";

/** How the registry's PostgreSQL functions (src/storage/postgres/functions/) take their less simple arguments. */

/** A write's context as the functions take it: {actorType, actorId, requestId}, as json. */
export const contextJson = (context: WriteContext) =>
  sql`${JSON.stringify({ actorType: context.actor.type, actorId: context.actor.id, requestId: context.requestId })}::json`;

/** A text[] from a JSON array parameter: no array-literal syntax to get wrong. */
export const textArray = (values: readonly string[]) => sql`ARRAY(SELECT json_array_elements_text(${JSON.stringify(values)}::json))`;

/** `count` new audit event ids, as text[]. */
export const eventIds = (count: number) => textArray(Array.from({ length: count }, () => newId()));
