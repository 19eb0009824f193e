import { badRequest } from "../errors";

/**
 * Opaque cursors are base64url JSON. Those of the newest-first listings (revisions, audit
 * events) hold the position the next page starts before and the filters it was taken under,
 * the workspace among them; one from other filters or another workspace, or edited, is a 400.
 */

export const toBase64Url = (text: string) => {
  const bytes = new TextEncoder().encode(text);
  return btoa(String.fromCharCode(...bytes))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "");
};

export const fromBase64Url = (text: string) => {
  const binary = atob(text.replaceAll("-", "+").replaceAll("_", "/"));
  return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
};

export function encodePosition(filters: unknown, before: number): string {
  return toBase64Url(JSON.stringify({ before, filters: JSON.stringify(filters) }));
}

/** A cursor's JSON members; text that is not base64url JSON is a 400. */
function cursorMembers<T extends object>(text: string): Partial<Record<keyof T, unknown>> {
  try {
    return (JSON.parse(fromBase64Url(text)) ?? {}) as Partial<Record<keyof T, unknown>>;
  } catch {
    throw badRequest("The cursor is not one this API issued.");
  }
}

export function decodePosition(filters: unknown, text: string): number {
  const { before, filters: taken } = cursorMembers<{ before: number; filters: string }>(text);
  if (typeof before !== "number" || !Number.isSafeInteger(before) || before < 1 || typeof taken !== "string") {
    throw badRequest("The cursor is not one this API issued.");
  }
  if (taken !== JSON.stringify(filters)) {
    throw badRequest("The cursor belongs to a listing with other filters; repeat that listing's query.");
  }
  return before;
}

/**
 * The change feed's cursors: the position to list after (a seq, 0 before any event), bound to the
 * workspace like the others, but not to the filters: a position means the same whatever is
 * filtered, so a consumer may change its filters and go on from where it was.
 */
export const encodeFeedCursor = (workspace: string, after: number) => toBase64Url(JSON.stringify({ after, workspace }));

export function decodeFeedCursor(workspace: string, text: string): number {
  const { after, workspace: taken } = cursorMembers<{ after: number; workspace: string }>(text);
  if (typeof after !== "number" || !Number.isSafeInteger(after) || after < 0 || typeof taken !== "string") {
    throw badRequest("The cursor is not one this API issued.");
  }
  if (taken !== workspace) throw badRequest("The cursor belongs to another workspace's feed.");
  return after;
}

const WORKSPACE_CURSOR = /^[a-z][a-z0-9-]{0,62}$/;

/** The workspaces' listing: the last id of the page (operator only, so it names no workspace of its own). */
export const encodeWorkspaceCursor = (after: string) => toBase64Url(JSON.stringify({ after }));

export function decodeWorkspaceCursor(text: string): string {
  try {
    const { after } = JSON.parse(fromBase64Url(text)) as { after?: unknown };
    if (typeof after === "string" && WORKSPACE_CURSOR.test(after)) return after;
  } catch {
    // Falls through to the 400.
  }
  throw badRequest("The cursor is not one this API issued.");
}
