import { badRequest } from "./errors";
import { fromBase64Url, toBase64Url } from "./pipelines/cursor";

/**
 * Cursors of the newest-first listings (revisions, audit events): base64url JSON of the
 * position the next page starts before and of the filters it was taken under. Opaque to
 * clients; one from other filters, or edited, is a 400.
 */

export function encodePosition(filters: unknown, before: number): string {
  return toBase64Url(JSON.stringify({ before, filters: JSON.stringify(filters) }));
}

export function decodePosition(filters: unknown, text: string): number {
  let cursor: unknown;
  try {
    cursor = JSON.parse(fromBase64Url(text));
  } catch {
    throw badRequest("The cursor is not one this API issued.");
  }
  const { before, filters: taken } = (cursor ?? {}) as { before?: unknown; filters?: unknown };
  if (typeof before !== "number" || !Number.isSafeInteger(before) || before < 1 || typeof taken !== "string") {
    throw badRequest("The cursor is not one this API issued.");
  }
  if (taken !== JSON.stringify(filters)) {
    throw badRequest("The cursor belongs to a listing with other filters; repeat that listing's query.");
  }
  return before;
}
