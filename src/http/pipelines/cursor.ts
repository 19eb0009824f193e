import * as v from "valibot";
import { ID_PATTERN } from "../../domain/ids";
import type { Keyset, ListQuery } from "../../domain/repository";
import { parseInstant } from "../../domain/time";
import { hasNul } from "../../domain/validation";
import { badRequest } from "../errors";
import { fromBase64Url, toBase64Url } from "../shared/cursors";

/**
 * Keyset cursors: base64url JSON of the sort, a fingerprint of the filters, and the last
 * row's position. Opaque to clients; checked on the way in, so a cursor taken from other
 * filters or another sort, or one that was edited into nonsense, is a 400.
 */

const CursorSchema = v.strictObject({
  sort: v.string(),
  filters: v.string(),
  // No U+0000 (see hasNul): an edited cursor must be a 400 on both backends, not a database error.
  value: v.pipe(
    v.string(),
    v.maxLength(400),
    v.check((value) => !hasNul(value)),
  ),
  id: v.pipe(v.string(), v.regex(ID_PATTERN)),
});

type Cursor = v.InferOutput<typeof CursorSchema>;

/** A listing's shape, with the workspace it lists: a cursor means nothing in another one. */
type Shape = Pick<ListQuery, "archived" | "name" | "config" | "sort"> & { workspace: string };

const sortKey = ({ sort }: Shape) => `${sort.descending ? "-" : ""}${sort.field}`;

const filtersKey = (query: Shape) =>
  JSON.stringify([query.workspace, query.archived, query.name ?? null, [...query.config].map(([k, val]) => `${k}=${val}`).sort()]);

export function encodeCursor(query: Shape, next: Keyset): string {
  const cursor: Cursor = { sort: sortKey(query), filters: filtersKey(query), value: next.value, id: next.id };
  return toBase64Url(JSON.stringify(cursor));
}

export function decodeCursor(query: Shape, text: string): Keyset {
  let cursor: Cursor;
  try {
    cursor = v.parse(CursorSchema, JSON.parse(fromBase64Url(text)));
  } catch {
    throw badRequest("The cursor is not one this API issued.");
  }
  if (cursor.sort !== sortKey(query) || cursor.filters !== filtersKey(query)) {
    throw badRequest("The cursor belongs to a listing with other filters or another sort; repeat that listing's query.");
  }
  if (query.sort.field !== "name" && parseInstant(cursor.value)?.toISOString() !== cursor.value) {
    throw badRequest("The cursor is not one this API issued.");
  }
  return { value: cursor.value, id: cursor.id };
}
